/**
 * Errors the gateway answers with. Each has a stable `GW_ERR_…` code and an HTTP status (the shape
 * fastify uses for its own errors); messages are fixed texts or name a field, never request content.
 */

/** Base class: `code` is stable across releases, `statusCode` is the HTTP status to answer. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

/** 400: the body is not JSON or does not match the schema; the message names the field. */
export class RequestValidationError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GW_ERR_VALIDATION', 400, message, options);
    this.name = 'RequestValidationError';
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
    options?: { cause?: unknown },
  ) {
    super(`GW_ERR_AUTH_${failure.toUpperCase()}`, 401, AUTH_MESSAGES[failure], options);
    this.name = 'AuthenticationError';
  }
}

/** 413: body over the limit. */
export class PayloadTooLargeError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super('GW_ERR_TOO_LARGE', 413, 'request body is too large', options);
    this.name = 'PayloadTooLargeError';
  }
}

/** 415: anything but application/json. */
export class UnsupportedMediaTypeError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super('GW_ERR_MEDIA_TYPE', 415, 'content type must be application/json', options);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 429: a token bucket (per client or per key) is empty. */
export class RateLimitedError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super('GW_ERR_RATE_LIMITED', 429, 'too many requests', options);
    this.name = 'RateLimitedError';
  }
}

/** 404 / 405 and other routing misses. */
export class NotFoundError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super('GW_ERR_NOT_FOUND', 404, 'not found', options);
    this.name = 'NotFoundError';
  }
}

/** 503: the gateway is shutting down or cannot record the request durably. */
export class UnavailableError extends GatewayError {
  constructor(message = 'gateway is not accepting requests', options?: { cause?: unknown }) {
    super('GW_ERR_UNAVAILABLE', 503, message, options);
    this.name = 'UnavailableError';
  }
}

/** 500: anything unexpected (the details go to the crash/stderr log, never to the client). */
export class InternalGatewayError extends GatewayError {
  constructor(options?: { cause?: unknown }) {
    super('GW_ERR_INTERNAL', 500, 'internal error', options);
    this.name = 'InternalGatewayError';
  }
}

/** The configuration file is unreadable or invalid; the message names the key. */
export class GatewayConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayConfigError';
  }
}
