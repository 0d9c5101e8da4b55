/** The evaluation instant of a scheduled invocation: the EventBridge event's `time` (SPEC §3, §9). */
import { hasFourDigitYear } from '../core/isoInstant.ts';

/** Raised for an event whose `time` is present but not an ISO 8601 instant; a replay must not silently use the clock. */
export class EventTimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventTimeError';
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The event's `time` as a Date, or undefined when the event carries none (the caller then uses the clock). */
export function eventTime(event: unknown): Date | undefined {
  const time = (event as { time?: unknown } | null | undefined)?.time;
  if (time === undefined || time === null || time === '') return undefined;
  if (typeof time !== 'string' || !ISO_INSTANT.test(time)) {
    throw new EventTimeError('event.time is not an ISO 8601 instant (e.g. 2026-11-24T12:00:00Z)');
  }
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new EventTimeError('event.time is not a valid date');
  // Outside these years the instant's ISO form would have six digits, which state and gateway refuse.
  if (!hasFourDigitYear(date.getTime())) throw new EventTimeError('event.time is not in the years 0000 to 9999 (UTC)');
  return date;
}
