/**
 * Every error the gateway answers with, and the one it refuses its configuration with. Each answer has
 * a stable `GW_ERR_…` code and an HTTP status (the shape fastify uses for its own errors); messages are
 * fixed texts or name a field, never request content (docs/gateway.md, HTTP answers). Callers tell
 * them apart with `instanceof` or by `code`, never by `name`.
 */

type ErrorOptions = { cause?: unknown };

/** Base class: `code` is stable across releases, `statusCode` is the HTTP status to answer. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The base of an error whose code, status and message never vary. */
function fixedGatewayError(code: string, statusCode: number, message: string) {
  return class extends GatewayError {
    constructor(options?: ErrorOptions) {
      super(code, statusCode, message, options);
    }
  };
}

/** 400: the body is not JSON or does not match the schema; the message names the field. */
export class RequestValidationError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('GW_ERR_VALIDATION', 400, message, options);
  }
}

/** 400 (404 when that is what fastify found): malformed HTTP, e.g. a bad content length. */
export class BadRequestError extends GatewayError {
  constructor(statusCode: 400 | 404, options?: ErrorOptions) {
    super('GW_ERR_BAD_REQUEST', statusCode, 'malformed request', options);
  }
}

/** Why a request failed authentication (each a distinct code, so operators can tell them apart). */
export type AuthFailure = 'missing_headers' | 'unknown_key' | 'bad_timestamp' | 'bad_signature' | 'replay';

const AUTH_MESSAGES: Readonly<Record<AuthFailure, string>> = {
  missing_headers: 'authentication headers are missing',
  unknown_key: 'unknown key id',
  bad_timestamp: 'timestamp is missing or outside the allowed window',
  bad_signature: 'signature does not match',
  replay: 'request was already seen (replay)',
};

/** 401: signature, key, timestamp or replay. */
export class AuthenticationError extends GatewayError {
  constructor(
    readonly failure: AuthFailure,
    options?: ErrorOptions,
  ) {
    super(`GW_ERR_AUTH_${failure.toUpperCase()}`, 401, AUTH_MESSAGES[failure], options);
  }
}

/** 413: body over the limit. */
export class PayloadTooLargeError extends fixedGatewayError('GW_ERR_TOO_LARGE', 413, 'request body is too large') {}

/** 415: anything but application/json. */
export class UnsupportedMediaTypeError extends fixedGatewayError(
  'GW_ERR_MEDIA_TYPE',
  415,
  'content type must be application/json',
) {}

/** 429: a token bucket (per client or per key) is empty. */
export class RateLimitedError extends fixedGatewayError('GW_ERR_RATE_LIMITED', 429, 'too many requests') {}

/** 404 / 405 and other routing misses. */
export class NotFoundError extends fixedGatewayError('GW_ERR_NOT_FOUND', 404, 'not found') {}

/** 503: the gateway is shutting down or cannot record the request durably. */
export class UnavailableError extends GatewayError {
  constructor(message = 'gateway is not accepting requests', options?: ErrorOptions) {
    super('GW_ERR_UNAVAILABLE', 503, message, options);
  }
}

/** 500: anything unexpected (the details go to the crash/stderr log, never to the client). */
export class InternalGatewayError extends fixedGatewayError('GW_ERR_INTERNAL', 500, 'internal error') {}

/** The configuration file is unreadable or invalid; the message names the key. */
export class GatewayConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GatewayConfigError';
  }
}
