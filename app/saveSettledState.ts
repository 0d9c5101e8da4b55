/**
 * Saves an appliance's settled state (docs/design.md, State). State is saved conditionally: on
 * {@link StateConflictError} the record is reloaded and the decision taken again once against it, applying
 * only this run's deliveries that are still due in the fresh record; if that loses again, this run's update
 * is dropped with a `stateConflict` warning. So another run's update is never overwritten; the worst case is
 * that a trap this run delivered is not recorded and the next run sends one extra trap.
 */
import { logEntry } from '../core/logEntry.ts';
import { type DeliveryOutcome, decide, sameState, settle } from '../core/policy.ts';
import type { ApplianceState, ApplianceView, CachedCertificate } from '../core/types.ts';
import type { DecidedAppliance } from './decidedAppliance.ts';
import { StateConflictError } from './errors.ts';
import type { LoadedState, LogSink, StateStore } from './ports.ts';
import { settledView } from './runViews.ts';

/** The state to save: the policy's next state with the certificate cache and the view this run ended with. */
function stateToSave(
  next: ApplianceState | undefined,
  cache: CachedCertificate | undefined,
  view: ApplianceView,
): ApplianceState | undefined {
  if (next === undefined) return undefined;
  const { certificate: _old, view: _oldView, ...rest } = next;
  return { ...rest, ...(cache ? { certificate: cache } : {}), view };
}

/** Writes `next` over the loaded record unless nothing changed; false when another run wrote first. */
async function save(
  state: StateStore,
  appliance: string,
  loaded: LoadedState,
  next: ApplianceState | undefined,
): Promise<boolean> {
  if (next === undefined || (loaded.corrupt === undefined && sameState(loaded.state, next))) return true;
  try {
    await state.save(appliance, next, loaded.version);
    return true;
  } catch (error) {
    if (error instanceof StateConflictError) return false;
    throw error;
  }
}

/**
 * Saves the state settled by `delivered` (the delivered notifications by id), re-deciding once against a
 * fresh record on a lost race; resolves to the appliance's view.
 */
export async function saveSettledState(
  decided: DecidedAppliance,
  delivered: ReadonlyMap<string, DeliveryOutcome>,
  run: { readonly state: StateStore; readonly log: LogSink },
): Promise<ApplianceView> {
  const { input, loaded, decision, cache } = decided;
  const appliance = input.appliance;
  const view = settledView(decided, delivered, loaded.state);
  if (await save(run.state, appliance, loaded, stateToSave(settle(decision, delivered), cache, view))) return view;
  const fresh = await run.state.load(appliance);
  const again = decide({ ...input, previous: fresh.state, stateCorrupt: fresh.corrupt });
  const freshView = settledView(decided, delivered, fresh.state);
  if (await save(run.state, appliance, fresh, stateToSave(settle(again, delivered), cache, freshView))) {
    return freshView;
  }
  run.log.write(logEntry('stateConflict', { reason: 'another run updated it first' }, appliance), decided.context);
  return view;
}
