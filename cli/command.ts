/**
 * What every subcommand shares: how an action hands its exit status back, the exit statuses themselves,
 * and the parsing of `--now`. Kept apart from the command tree (program.ts) and from the subcommands, so
 * nothing here loads a subcommand's dependencies and no subcommand imports the entry point.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { hasFourDigitYear, parseIsoInstant } from '../protocol/isoInstant.ts';
import { UsageError } from './usageError.ts';

/** Exit status of a run that did everything it had to. */
export const EXIT_OK = 0;
/** Exit status when some due notification could not be delivered or the run could not finish. */
export const EXIT_UNDELIVERED = 1;
/** Exit status for configuration and usage errors. */
export const EXIT_USAGE = 2;
/** Exit status after a crash (EX_SOFTWARE). */
export const EXIT_CRASH = 70;

/** A subcommand's action: resolves to the process exit status. */
export type CommandRunner = (run: () => Promise<number>) => Promise<void>;

/**
 * Parses `--now`: an ISO 8601 date (midnight UTC) or an instant with an explicit zone, so runs replay
 * exactly. Any four-digit year is taken literally (0001 is year 1); the instant, once converted to UTC,
 * must still lie in years 0000–9999 so that it is stored and sent in the four-digit ISO form.
 */
export function parseNow(value: string): Date {
  const ms = parseIsoInstant(value, { dateOnly: true });
  if (ms === undefined) {
    throw new UsageError(
      `--now must be an ISO 8601 instant with a zone, e.g. 2026-11-24T12:00:00Z, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  if (!hasFourDigitYear(ms)) {
    throw new UsageError(`--now must lie in the years 0000 to 9999 in UTC, got '${sanitizeLogValue(value, 40)}'`);
  }
  return new Date(ms);
}
