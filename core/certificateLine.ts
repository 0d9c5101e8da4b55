/**
 * The lines of a named certificate (docs/reference.md, Named certificates): the NTLS certificate's keep
 * Luna's words exactly, and a named certificate's say the same in the `certificate*` lines that name it and
 * its appliance ("web certificate of hsm01 will expire on …"). Pure.
 */
import type { MessageKey } from './catalogue.ts';
import { logEntry } from './logEntry.ts';
import type { LogEntry } from './types.ts';

/** The NTLS status lines and the line each becomes for a named certificate. */
const NAMED_KEYS: Readonly<Partial<Record<MessageKey, MessageKey>>> = {
  valid: 'certificateValid',
  willExpire: 'certificateWillExpire',
  expired: 'certificateExpired',
  notYetValid: 'certificateNotYetValid',
  missing: 'certificateMissing',
  invalid: 'certificateInvalid',
  unavailable: 'certificateUnavailable',
  newCertificate: 'certificateNew',
};

/**
 * The line `key` with `params` about `appliance`; for a named `certificate`, its `certificate*`
 * counterpart naming both (a line without one, such as `stateReset`, stays as it is).
 */
export function certificateLine(
  key: MessageKey,
  params: Readonly<Record<string, string | number>>,
  appliance: string,
  certificate: string | undefined,
): LogEntry {
  const named = certificate === undefined ? undefined : NAMED_KEYS[key];
  if (named === undefined) return logEntry(key, params, appliance);
  return logEntry(named, { ...params, certificate: certificate as string, appliance }, appliance);
}
