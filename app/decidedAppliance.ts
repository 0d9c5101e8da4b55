/** One appliance between its decision and its settled state (kept while its notifications are in a batch). */

import type { EvaluationFields } from '../core/evaluationFields.ts';
import type { Decision, PolicyInput } from '../core/policy.ts';
import type { CachedCertificate } from '../core/types.ts';
import type { NamedDecided } from './namedCertificates.ts';
import type { InventoryEntry, LoadedState } from './ports.ts';

/** What the run keeps of an appliance until its deliveries are settled: no certificate bytes. */
export interface DecidedAppliance {
  readonly input: PolicyInput;
  readonly loaded: LoadedState;
  readonly decision: Decision;
  readonly cache: CachedCertificate | undefined;
  readonly fields: EvaluationFields;
  /** The fields every line about the appliance carries. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The appliance's inventory entry, when the inventory has one (its labels go into the view). */
  readonly entry: InventoryEntry | undefined;
  /** The appliance's named certificates, each decided on its own (docs/reference.md, Named certificates). */
  readonly named?: readonly NamedDecided[];
}
