/** Builds the {@link LogEntry} records the core hands to its host's log sink. */
import { CATALOGUE, formatMessage, type MessageKey } from './catalogue.ts';
import type { LogEntry } from './types.ts';

/** A rendered catalogue line about `appliance` (omit it for process lifecycle lines). */
export function logEntry(
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
  appliance?: string,
): LogEntry {
  const { sev, level } = CATALOGUE[key];
  const text = formatMessage(key, params);
  return appliance === undefined ? { key, sev, level, text } : { key, sev, level, text, appliance };
}
