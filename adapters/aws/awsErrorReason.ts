/**
 * Short, log-safe descriptions of AWS SDK failures. An SDK error's message can carry text from the
 * request or the response body, so only its name (restricted to an identifier), its HTTP status and a
 * network error code are ever reported.
 */

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The HTTP status of an SDK error, when the service answered. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The error's name when it is a plain identifier (SDK exception class or service error code). */
export function errorNameOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && IDENTIFIER.test(name) ? name : undefined;
}

/** Describes an SDK failure as e.g. `SlowDown (HTTP 503)` or `ECONNREFUSED`, never with its raw message. */
export function awsErrorReason(error: unknown): string {
  const status = httpStatusOf(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const name = errorNameOf(error);
  const label = typeof code === 'string' && IDENTIFIER.test(code) ? code : name && name !== 'Error' ? name : undefined;
  if (label && status !== undefined) return `${label} (HTTP ${status})`;
  if (label) return label;
  if (status !== undefined) return `HTTP ${status}`;
  return 'request failed';
}
