/**
 * The fleet report rebuilt from a state location alone (`certmonitor report`; docs/monitoring.md, Fleet report): every
 * appliance's record is listed and read (no certificate is read), and each gives its view as of the
 * report's instant. Records are read with bounded concurrency, streamed from the listing.
 */
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { namedViewsOfRecord, viewAsOf, viewOfRecord } from '../core/fleetReport.ts';
import type { ApplianceView } from '../core/types.ts';
import { NoStateError } from './errors.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import type { StateStore } from './ports.ts';

/** What a rebuild found: each appliance's view, and the records that could not be read. */
export interface StoredViews {
  readonly views: Map<string, ApplianceView>;
  /** Appliances whose record exists but could not be read or decoded, with a short reason safe to print. */
  readonly unreadable: Array<{ readonly appliance: string; readonly reason: string }>;
}

/**
 * Every stored appliance's view as of `time`; a record written before views existed falls back to
 * `thresholdDays`. Throws when the listing itself fails, and {@link NoStateError} when the location holds
 * no appliance's record at all (a mistyped location, or one holding only a report): an empty report would
 * look like a fleet with nothing to watch.
 */
export async function storedViews(
  state: StateStore,
  time: Date,
  thresholdDays: number,
  concurrency: number,
): Promise<StoredViews> {
  const views = new Map<string, ApplianceView>();
  const unreadable: StoredViews['unreadable'] = [];
  let records = 0;
  await mapConcurrent(state.list(), concurrency, async (appliance) => {
    records++;
    try {
      const loaded = await state.load(appliance);
      if (loaded.corrupt !== undefined) unreadable.push({ appliance, reason: loaded.corrupt });
      else if (loaded.state) {
        const view = viewAsOf(viewOfRecord(loaded.state, thresholdDays), time);
        const certificates = namedViewsOfRecord(loaded.state, time);
        views.set(appliance, certificates ? { ...view, certificates } : view);
      }
    } catch (error) {
      const reason = error instanceof CertmonitorError ? error.message : (errorLabel(error) ?? 'unexpected error');
      unreadable.push({ appliance, reason });
    }
  });
  if (records === 0) throw new NoStateError(state.description);
  return { views, unreadable };
}
