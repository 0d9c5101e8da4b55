/**
 * `certmonitor report` (docs/monitoring.md, Fleet report): rebuilds `fleet-status.json` and `index.html` from a state
 * location alone (no certificate is read), as of `--now` or the clock, into the location's `_report/`
 * folder or into `--out DIR`. Exit status: 0 written, 1 written but some records could not be read (each
 * named on stderr), the report could not be written, or the location holds no state (`CM_ERR_NO_STATE`,
 * nothing written), 2 usage error.
 */
import { createStateStore, dirReportFolder, type StateLocation } from '../adapters/createStateStore.ts';
import { ConfigError } from '../app/errors.ts';
import { fleetStatusOf, REPORT_HTML, writeFleetReport } from '../app/fleetReportWriter.ts';
import type { ReportStore } from '../app/ports.ts';
import { storedClientViews } from '../app/storedClientViews.ts';
import { storedViews } from '../app/storedViews.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { CertmonitorError } from '../core/errors.ts';
import { DEFAULT_SETTINGS } from '../core/types.ts';
import type { CheckIo } from './check.ts';
import { EXIT_OK, EXIT_UNDELIVERED, parseNow } from './command.ts';
import { UsageError } from './usageError.ts';

/** Flags of `certmonitor report` as commander parses them. */
export interface ReportCommandOptions {
  readonly state?: string;
  readonly out?: string;
  readonly now?: string;
  readonly days?: string;
  readonly concurrency?: string;
}

const DEFAULT_CONCURRENCY = 32;

function wholeNumber(value: string | undefined, fallback: number, max: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}, got '${sanitizeLogValue(value, 20)}'`);
  }
  return Number(value);
}

/** Where the report goes: `--out DIR` (a folder of its own), else the state location's `_report/`. */
function destination(out: string | undefined, state: StateLocation): { store: ReportStore; page: string } {
  const store = out !== undefined ? dirReportFolder(out) : state;
  return { store, page: store.reportPath(REPORT_HTML) ?? `${store.reportDescription}${REPORT_HTML}` };
}

/** `certmonitor report`; resolves to the exit status. */
export async function report(options: ReportCommandOptions, io: CheckIo): Promise<number> {
  const spec = options.state ?? io.env.CERTMONITOR_STATE;
  if (!spec) throw new UsageError('--state (or CERTMONITOR_STATE) is required: dir:PATH or s3://bucket/prefix/');
  const now = options.now !== undefined ? parseNow(options.now) : (io.clock ?? (() => new Date()))();
  const days = wholeNumber(options.days, DEFAULT_SETTINGS.thresholdDays, 36_500, '--days');
  const concurrency = Math.max(1, wholeNumber(options.concurrency, DEFAULT_CONCURRENCY, 256, '--concurrency'));
  let state: StateLocation;
  try {
    // Read-only: a mistyped dir: location is reported as holding no state, not created empty.
    state = await createStateStore(spec, { env: io.env, maxSockets: Math.max(64, concurrency), readOnly: true });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  try {
    const { views, unreadable } = await storedViews(state, now, days, concurrency);
    for (const { appliance, reason } of unreadable) {
      io.stderr.write(`certmonitor: the state record of ${appliance} could not be read: ${reason}\n`);
    }
    const { store, page } = destination(options.out, state);
    const clients = await storedClientViews(state);
    await writeFleetReport(store, fleetStatusOf(now, days, views, clients));
    io.stdout.write(`Fleet report of ${views.size} appliance(s) as of ${now.toISOString()}: ${page}\n`);
    return unreadable.length > 0 ? EXIT_UNDELIVERED : EXIT_OK;
  } catch (error) {
    if (!(error instanceof CertmonitorError)) throw error;
    io.stderr.write(`certmonitor: ${error.message}\n`);
    return EXIT_UNDELIVERED;
  }
}
