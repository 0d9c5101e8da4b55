/** The policy's input for one appliance: its settings, its stored state and its certificate as of the run's instant. */

import { evaluateCertificateFile } from '../core/evaluate.ts';
import { certificateFindings, type Finding } from '../core/findings.ts';
import type { PolicyInput } from '../core/policy.ts';
import { findingPolicyFor } from '../core/policySettings.ts';
import type { CachedCertificate, CriticalLevel, Evaluation, FindingPolicy, Settings } from '../core/types.ts';
import type {
  CertificateSource,
  Inventory,
  InventoryEntry,
  ListedAppliance,
  LoadedState,
  StateStore,
} from './ports.ts';
import { readCertificate } from './readCertificate.ts';
import { replacedFor } from './replacedFor.ts';

/** What the run evaluates an appliance with. */
export interface EvaluationContext {
  readonly source: CertificateSource;
  readonly state: StateStore;
  readonly inventory: Inventory | undefined;
  /** Fleet-wide defaults; the inventory may override them per appliance. */
  readonly settings: Settings;
  readonly now: Date;
  /** See {@link replacedFor}. */
  readonly replaced?: boolean;
}

/** One appliance evaluated: the policy input (without certificate bytes), its loaded record and cache. */
export interface EvaluatedAppliance {
  readonly input: PolicyInput;
  readonly loaded: LoadedState;
  readonly cache: CachedCertificate | undefined;
  readonly evaluation: Evaluation;
  readonly entry: InventoryEntry | undefined;
  /** The certificate's findings (docs/reference.md, Certificate findings); none without a certificate. */
  readonly findings: readonly Finding[];
}

/** The evaluation without the certificate's DER and chain, which the policy does not read. */
function withoutCertificateBytes(evaluation: Evaluation): Evaluation {
  if (!evaluation.certificate) return evaluation;
  const { chain: _chain, ...rest } = evaluation;
  return { ...rest, certificate: { ...evaluation.certificate, der: new Uint8Array(0) } };
}

/**
 * The settings of one appliance (docs/reference.md, Expiry policy): the inventory's where it has them,
 * else the run's. An inventory `critical` replaces the run's critical level (its repeatHours defaulting
 * to the appliance's H); the run's critical level repeats at most every H of the appliance, so an entry
 * that shortens H never has its critical reminders less frequent than its warnings. Without a percent or a
 * critical level anywhere, exactly the days and hours of before.
 */
export function applianceSettings(entry: InventoryEntry | undefined, run: Settings): Settings {
  const repeatHours = entry?.repeatHours ?? run.repeatHours;
  const settings: Settings = { thresholdDays: entry?.thresholdDays ?? run.thresholdDays, repeatHours };
  const thresholdPercent = entry?.thresholdPercent ?? run.thresholdPercent;
  const own = entry?.critical;
  const critical: CriticalLevel | undefined = own
    ? {
        ...(own.days === undefined ? {} : { days: own.days }),
        ...(own.percent === undefined ? {} : { percent: own.percent }),
        repeatHours: own.repeatHours ?? repeatHours,
      }
    : run.critical && { ...run.critical, repeatHours: Math.min(run.critical.repeatHours, repeatHours) };
  return {
    ...settings,
    ...(thresholdPercent === undefined ? {} : { thresholdPercent }),
    ...(critical === undefined ? {} : { critical }),
  };
}

/**
 * Loads the appliance's state and evaluates its certificate as of the run's instant, with the
 * inventory's settings for it; the policy input keeps the evaluation without certificate bytes.
 */
export async function evaluateAppliance(listed: ListedAppliance, run: EvaluationContext): Promise<EvaluatedAppliance> {
  const appliance = listed.name;
  const entry = run.inventory?.appliances[appliance];
  const settings = applianceSettings(entry, run.settings);
  const loaded = await run.state.load(appliance);
  const threshold = { thresholdDays: settings.thresholdDays, now: run.now, levels: settings };
  const { evaluation, cache } = await readCertificate(run.source, listed, loaded.state, threshold);
  const policy = findingPolicyFor([run.settings.policy, run.inventory?.policy, entry?.policy]);
  const findings = findingsOf(evaluation, policy, entry?.serverName);
  const deciding = policy.set ? decidingEvaluation(evaluation, findings, settings, run.now) : undefined;
  const input: PolicyInput = {
    appliance,
    address: entry?.address ?? '0.0.0.0',
    previous: loaded.state,
    // Kept until the batch answers (for a re-decision on a lost race): without the DER and chain.
    evaluation: withoutCertificateBytes(deciding ?? evaluation),
    settings,
    now: run.now,
    ...(loaded.corrupt !== undefined ? { stateCorrupt: loaded.corrupt } : {}),
    ...(policy.set && evaluation.certificate
      ? { findingAlerts: { findings, certificate: { ...evaluation.certificate, der: new Uint8Array(0) } } }
      : {}),
    ...(deciding && evaluation.certificate ? { leafFingerprint: evaluation.certificate.fingerprintSha256 } : {}),
    ...(policy.set ? { findingPolicy: policy } : {}),
    ...(replacedFor(appliance, run) ? { replaced: true } : {}),
  };
  return { input, loaded, cache, evaluation: deciding ?? evaluation, entry, findings };
}

/**
 * With a policy, a chain certificate that expires before the leaf decides the status (docs/reference.md,
 * Certificate findings): the evaluation of that certificate, else undefined (the leaf decides).
 */
function decidingEvaluation(
  evaluation: Evaluation,
  findings: readonly Finding[],
  settings: Settings,
  now: Date,
): Evaluation | undefined {
  const chain = findings.find((f) => f.finding === 'chain_expires_first')?.chainCertificate;
  if (chain === undefined || evaluation.certificate === undefined) return undefined;
  return evaluateCertificateFile({ certificate: chain, chain: [] }, settings.thresholdDays, now, settings);
}

/** The findings of an evaluated certificate and its chain, under the appliance's policy. */
function findingsOf(evaluation: Evaluation, policy: FindingPolicy, serverName: string | undefined): readonly Finding[] {
  const certificate = evaluation.certificate;
  if (certificate === undefined) return [];
  return certificateFindings({ certificate, chain: evaluation.chain ?? [] }, policy, serverName);
}
