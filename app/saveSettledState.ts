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
import { redecideNamed, settledNamed } from './namedCertificates.ts';
import type { LoadedState, LogSink, StateStore } from './ports.ts';
import { settledView } from './runViews.ts';

/**
 * The state to save: the policy's next state with the certificate cache and the view this run ended with,
 * and the named certificates' states (only those the inventory declares now).
 */
function stateToSave(
  next: ApplianceState | undefined,
  cache: CachedCertificate | undefined,
  view: ApplianceView,
  certificates: Record<string, ApplianceState> | undefined,
): ApplianceState | undefined {
  if (next === undefined && certificates === undefined) return undefined;
  const base: ApplianceState = next ?? { version: 1, alertActive: false };
  const { certificate: _old, view: _oldView, certificates: _oldNamed, ...rest } = base;
  return { ...rest, ...(cache ? { certificate: cache } : {}), view, ...(certificates ? { certificates } : {}) };
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
  const named = decided.named ?? [];
  const certificates = settledNamed(named, delivered, loaded.state);
  const next = stateToSave(settle(decision, delivered), cache, view, certificates);
  if (await save(run.state, appliance, loaded, next)) return withNamedViews(view, certificates);
  const fresh = await run.state.load(appliance);
  const again = decide({ ...input, previous: fresh.state, stateCorrupt: fresh.corrupt });
  const freshView = settledView(decided, delivered, fresh.state);
  const freshNamed = settledNamed(redecideNamed(named, fresh.state), delivered, fresh.state);
  if (await save(run.state, appliance, fresh, stateToSave(settle(again, delivered), cache, freshView, freshNamed))) {
    return withNamedViews(freshView, freshNamed);
  }
  run.log.write(logEntry('stateConflict', { reason: 'another run updated it first' }, appliance), decided.context);
  return withNamedViews(view, certificates);
}

/** The appliance's view with each named certificate's, for the run's report (docs/monitoring.md, Fleet report). */
function withNamedViews(view: ApplianceView, certificates: Record<string, ApplianceState> | undefined): ApplianceView {
  if (certificates === undefined) return view;
  const named: Record<string, ApplianceView> = {};
  for (const [name, state] of Object.entries(certificates)) if (state.view) named[name] = state.view;
  return { ...view, certificates: named };
}
