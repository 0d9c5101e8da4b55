/**
 * The certificate policy as configured (docs/reference.md, Certificate findings): the run's flags or
 * variables, the inventory's fleet-wide `policy` and an appliance's own `policy`, each overriding the
 * one before, into the {@link FindingPolicy} one appliance's findings are computed with.
 */
import { HASH_NAMES } from './signatureName.ts';
import { DEFAULT_FINDING_POLICY, type FindingPolicy, type PolicySettings } from './types.ts';

export type { PolicySettings } from './types.ts';

/** The hash names `weakSignatures` may list. */
export const WEAK_SIGNATURE_NAMES: readonly string[] = HASH_NAMES;
/** Bounds of the numeric settings: positive, and nothing absurd. */
export const MAX_VALIDITY_DAYS = 36_500;
export const MAX_KEY_BITS = 16_384;

/**
 * The policy of one appliance from its layers, lowest first (run, inventory, appliance). It is `set`
 * when any layer is present (an empty `policy: {}` in the inventory sets the defaults on purpose) other
 * than one holding `replaced` alone, which is the replaced-certificate switch.
 */
export function findingPolicyFor(layers: readonly (PolicySettings | undefined)[]): FindingPolicy {
  let policy: FindingPolicy = DEFAULT_FINDING_POLICY;
  for (const layer of layers) {
    // `replaced` alone sets no finding policy (docs/reference.md, Replaced certificates).
    if (layer === undefined || (Object.keys(layer).length > 0 && Object.keys(layer).every((k) => k === 'replaced'))) {
      continue;
    }
    policy = {
      set: true,
      minRsaBits: layer.minRsaBits ?? policy.minRsaBits,
      minEcBits: layer.minEcBits ?? policy.minEcBits,
      weakSignatures: layer.weakSignatures ?? policy.weakSignatures,
      replaced: layer.replaced ?? policy.replaced,
      ...((layer.maxValidityDays ?? policy.maxValidityDays) !== undefined
        ? { maxValidityDays: layer.maxValidityDays ?? policy.maxValidityDays }
        : {}),
    };
  }
  return policy;
}
