/**
 * Recognises a v3 request that failed because the session's notion of the receiver's engine is stale:
 * the receiver came back as another engine, or with a lower engineBoots or engineTime (docs/gateway.md,
 * Failure handling).
 */
import snmp from 'net-snmp';

/** What net-snmp's USM reports when the receiver's engine is not the one a session knows. */
const STALE_ENGINE_REPORTS = new Set(['Not In Time Window', 'Unknown Engine ID']);

/**
 * True when a v3 request failed because the session's notion of the authoritative engine is stale:
 * net-snmp refuses a report that does not advance its notion as "outside the time window" (it never
 * forgets the engineBoots and engineTime it learned, even when the engine ID changes), or passes on a
 * usmStatsNotInTimeWindows / usmStatsUnknownEngineIDs report it could not act on.
 */
export function isStaleEngineError(error: Error): boolean {
  if (error.name !== 'ResponseInvalidError') return false;
  const code = (error as Error & { code?: number }).code;
  if (code === snmp.ResponseInvalidCode.ENotInTimeWindow) return true;
  return code === snmp.ResponseInvalidCode.EAuthFailure && STALE_ENGINE_REPORTS.has(error.message);
}
