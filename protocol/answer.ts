/**
 * The gateway's answers, read on the forwarder's side: `200 {"results": [...]}` in request order, or
 * `{"error": {"code", "message"}}`. Whatever the gateway says ends up in log lines, so host names and
 * errors are bounded and stripped of control characters, and of an error answer only the code is kept
 * (its message could echo input).
 */
import { sanitizeLogValue } from './logValue.ts';
import type { NotificationResult, TrapResult } from './notification.ts';

/** What an error code looks like (`GW_ERR_AUTH_REPLAY`). */
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,40}$/;

function parseTraps(value: unknown): TrapResult[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const traps: TrapResult[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { host, ok, error } = item as Record<string, unknown>;
    if (typeof host !== 'string' || typeof ok !== 'boolean') return undefined;
    traps.push({
      host: sanitizeLogValue(host, 100),
      ok,
      ...(typeof error === 'string' ? { error: sanitizeLogValue(error, 120) } : {}),
    });
  }
  return traps;
}

/** One result as read from an answer: `syslog` is absent when the gateway did not say. */
export type ReceivedResult = Omit<NotificationResult, 'syslog'> & { readonly syslog?: 'ok' | 'failed' };

/** The results of a 200 answer, or undefined when the body is not the protocol's shape. */
export function parseResults(answer: unknown): ReceivedResult[] | undefined {
  const results = (answer as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return undefined;
  const parsed: ReceivedResult[] = [];
  for (const item of results) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { id, duplicate, traps, syslog } = item as Record<string, unknown>;
    if (typeof id !== 'string') return undefined;
    const parsedTraps = parseTraps(traps);
    if (!parsedTraps) return undefined;
    parsed.push({
      id,
      duplicate: duplicate === true,
      traps: parsedTraps,
      ...(syslog === 'ok' || syslog === 'failed' ? { syslog } : {}),
    });
  }
  return parsed;
}

/** The `error.code` of an error answer when it is a plain token, else undefined. */
export function errorCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
