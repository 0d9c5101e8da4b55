/**
 * What a request to the gateway that got no answer means (docs/monitoring.md, Failure handling): the
 * connection was never made (refused, no route, no name, the connect timeout: nothing reached the
 * gateway, retried at once), the gateway's certificate is not trusted (not retried), or the request was
 * sent and its answer never came (the gateway may be acting on it: the client has abandoned it).
 */
import { tlsTrustFailure } from './tlsTrustFailure.ts';

/** Codes of failures before any byte of the request left: the gateway cannot have seen it. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const CODE = /^[A-Za-z0-9_.-]{1,40}$/;

/** A failed request, classified. */
export interface RequestFailure {
  /** Safe to log: `gateway unreachable (CODE)`, `gateway did not answer in time`, … */
  readonly reason: string;
  /** The TLS code when the gateway's certificate is not trusted. */
  readonly trustCode?: string;
  /** True when the request may have reached the gateway (it was sent, or the failure does not say). */
  readonly sent: boolean;
  /** True when the client's own answer timeout (or the run's deadline) ended the wait. */
  readonly timedOut: boolean;
}

/** The code a fetch failure carries, on the error or its `cause`. */
function codeOf(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | undefined)?.code;
  const code = typeof own === 'string' ? own : (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && CODE.test(code) ? code : undefined;
}

/** Classifies a request that failed with `error` (from fetch, or while reading the answer). */
export function requestFailure(error: unknown): RequestFailure {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { reason: 'gateway did not answer in time', sent: true, timedOut: true };
  }
  const trustCode = tlsTrustFailure(error);
  if (trustCode !== undefined)
    return { reason: `gateway certificate not trusted`, trustCode, sent: false, timedOut: false };
  const code = codeOf(error);
  const reason = code ? `gateway unreachable (${code})` : 'gateway unreachable';
  return { reason, sent: code === undefined || !CONNECT_CODES.has(code), timedOut: false };
}
