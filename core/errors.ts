/**
 * The error model of the check side (core, app, adapters, handlers; the gateway has its own `GW_ERR_…`
 * codes). Every error certmonitor raises itself is a {@link CertmonitorError}: a stable `code`
 * (`CM_ERR_…`, listed in docs/reference.md, Error codes), a message written by certmonitor and safe to log (never
 * text taken from a file, a request or a response) and, when it wraps another error, that `cause`. Each
 * layer declares its errors in one module (`core/errors.ts`, `app/errors.ts`, `adapters/errors.ts`,
 * `handlers/errors.ts`); code recognises them by class or code, never by their name.
 * Runtime-neutral, like the rest of `core/`.
 */

/** Base class of every error certmonitor raises itself; `code` is stable across releases. */
export class CertmonitorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CertmonitorError';
  }
}

/**
 * A {@link CertmonitorError} class with a fixed name and code, for errors that need nothing more than a
 * message: `export class ConfigError extends errorClass('ConfigError', 'CM_ERR_CONFIG') {}`. The name is
 * spelt out because bundlers may rename classes, and Lambda reports it as `errorType`.
 */
export function errorClass(name: string, code: string) {
  return class extends CertmonitorError {
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, message, options);
      this.name = name;
    }
  };
}

/**
 * A log-safe label for an error that is not ours (a library's, the runtime's): its class name when that
 * is a plain word, never its message, which could carry text from a file or a response.
 */
export function errorLabel(error: unknown): string | undefined {
  return error instanceof Error && /^[A-Za-z]{1,64}$/.test(error.name) ? error.name : undefined;
}

/** Longest reason kept in the message: reasons are shown to operators and logged, so they stay short. */
const MAX_REASON_LENGTH = 120;

/**
 * The bytes hold no readable certificate. `message` is a short reason written by certmonitor itself
 * (never text taken from the file), so it is safe to log; `cause` keeps any underlying error.
 */
export class InvalidCertificateError extends CertmonitorError {
  constructor(reason: string, options?: { cause?: unknown }) {
    const clean = reason.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
    super(
      'CM_ERR_INVALID_CERTIFICATE',
      clean.length > MAX_REASON_LENGTH ? `${clean.slice(0, MAX_REASON_LENGTH - 1)}…` : clean,
      options,
    );
    this.name = 'InvalidCertificateError';
  }
}
