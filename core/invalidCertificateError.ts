/** Longest reason kept in the message: reasons are shown to operators and logged, so they stay short. */
const MAX_REASON_LENGTH = 120;

/**
 * The bytes hold no readable certificate. `message` is a short reason written by certmonitor itself
 * (never text taken from the file), so it is safe to log; `cause` keeps any underlying error.
 */
export class InvalidCertificateError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    const clean = reason.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
    super(clean.length > MAX_REASON_LENGTH ? `${clean.slice(0, MAX_REASON_LENGTH - 1)}…` : clean, options);
    this.name = 'InvalidCertificateError';
  }
}
