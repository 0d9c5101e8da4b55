/** The evaluation instant of a scheduled invocation: the EventBridge event's `time` (docs/design.md, The scheduled Lambda). */
import { hasFourDigitYear, parseIsoInstant } from '../protocol/isoInstant.ts';
import { EventTimeError } from './errors.ts';

/** The event's `time` as a Date, or undefined when the event carries none (the caller then uses the clock). */
export function eventTime(event: unknown): Date | undefined {
  const time = (event as { time?: unknown } | null | undefined)?.time;
  if (time === undefined || time === null || time === '') return undefined;
  const ms = typeof time === 'string' && /T/.test(time) ? parseIsoInstant(time) : undefined;
  if (ms === undefined) {
    throw new EventTimeError('event.time is not an ISO 8601 instant (e.g. 2026-11-24T12:00:00Z)');
  }
  // Outside these years the instant's ISO form would have six digits, which state and gateway refuse.
  if (!hasFourDigitYear(ms)) throw new EventTimeError('event.time is not in the years 0000 to 9999 (UTC)');
  return new Date(ms);
}
