/**
 * The gateway's access log (docs/gateway.md, Access log): one line per request on stderr (the journal
 * under systemd), so an operator can see who sends what and verify a key rotation ("no request uses the
 * old key id any more"). A line carries only what the gateway established itself: the time, the peer's
 * address, the key id once the signature checked out, the route, the status, the refusal code and the
 * counts of notifications and duplicates. Nothing of the request's content (path, headers, body, an
 * unauthenticated key id) is ever written.
 */
import { isIP } from 'node:net';
import { NOTIFICATIONS_PATH } from '../../protocol/notification.ts';

/** Which requests get a line: none, refused ones only, notification requests and refusals, or every request. */
export type AccessLogLevel = 'off' | 'refused' | 'requests' | 'all';

/** The access log levels, least verbose first. */
export const ACCESS_LOG_LEVELS: readonly AccessLogLevel[] = ['off', 'refused', 'requests', 'all'];

/** The routes the gateway serves; anything else is logged as `other`, never by its path. */
const ROUTES = new Set([NOTIFICATIONS_PATH, '/healthz', '/metrics']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);

/** What is known about one request when its answer has been sent. */
export interface AccessEntry {
  /** The peer's address as the socket reports it. */
  readonly peer: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The key id, present only for a request whose signature checked out. */
  readonly keyId?: string;
  /** The GW_ERR code of a refused request. */
  readonly code?: string;
  /** Notifications in an accepted batch, and how many of them were duplicates. */
  readonly notifications?: number;
  readonly duplicates?: number;
  readonly durationMs: number;
  /** The client closed the connection before the answer: the request was handled, its answer never sent. */
  readonly abandoned?: boolean;
}

/** The route of a request URL, without its query: a served route, or `other`. */
function routeOf(url: string): string {
  const path = url.split('?', 1)[0] ?? '';
  return ROUTES.has(path) ? path : 'other';
}

/** Whether `level` asks for a line about `entry`. */
export function accessLogWants(level: AccessLogLevel, entry: AccessEntry): boolean {
  if (level === 'off') return false;
  if (level === 'all' || entry.status >= 400) return true;
  return level === 'requests' && routeOf(entry.url) === NOTIFICATIONS_PATH;
}

/**
 * One access line: `certmonitor gateway: access time=… peer=… key=… method=… route=… status=… code=…
 * notifications=… duplicates=… answer=abandoned ms=…` (logfmt, so `grep key=lambda-2026` finds a key's
 * requests); `answer=abandoned` only for a request whose client left before its answer.
 */
export function formatAccessLine(entry: AccessEntry, time: Date): string {
  const fields = [
    `time=${time.toISOString()}`,
    `peer=${isIP(entry.peer) === 0 ? 'unknown' : entry.peer}`,
    `key=${entry.keyId ?? '-'}`,
    `method=${METHODS.has(entry.method) ? entry.method : 'other'}`,
    `route=${routeOf(entry.url)}`,
    `status=${entry.status}`,
  ];
  if (entry.code !== undefined) fields.push(`code=${entry.code}`);
  if (entry.notifications !== undefined) fields.push(`notifications=${entry.notifications}`);
  if (entry.duplicates !== undefined) fields.push(`duplicates=${entry.duplicates}`);
  if (entry.abandoned) fields.push('answer=abandoned');
  fields.push(`ms=${Math.round(entry.durationMs)}`);
  return `certmonitor gateway: access ${fields.join(' ')}\n`;
}

/** The server's `onAccess` hook for `level`, writing to `write` (stderr); undefined when the log is off. */
export function accessLogger(
  level: AccessLogLevel,
  write: ((line: string) => void) | undefined,
  clock: () => number = Date.now,
): ((entry: AccessEntry) => void) | undefined {
  if (level === 'off' || !write) return undefined;
  return (entry) => {
    if (accessLogWants(level, entry)) write(formatAccessLine(entry, new Date(clock())));
  };
}
