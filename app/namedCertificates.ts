/**
 * An appliance's named certificates in a check run (docs/reference.md, Named certificates): each one the
 * inventory declares is read from `APPLIANCE/NAME.pem`, evaluated with the appliance's settings, and
 * decided on its own, against its own state nested in the appliance's record. Its lines and notifications
 * name it; the NTLS certificate's stay Luna's. No certificate cache: a named certificate is read each run.
 */
import { applianceView, lastNotificationAfter, usableView, viewLevels } from '../core/applianceView.ts';
import { evaluate } from '../core/evaluate.ts';
import { type EvaluationFields, evaluationFields, withFindings } from '../core/evaluationFields.ts';
import { certificateFindings } from '../core/findings.ts';
import { type Decision, type DeliveryOutcome, decide, type PolicyInput, settle } from '../core/policy.ts';
import {
  type ApplianceState,
  type ApplianceView,
  DEFAULT_FINDING_POLICY,
  type Evaluation,
  type FindingPolicy,
  type SourceResult,
} from '../core/types.ts';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '../protocol/notification.ts';
import { applianceContext } from './applianceContext.ts';
import type { CertificateSource } from './ports.ts';

/** One named certificate between its decision and its settled state. */
export interface NamedDecided {
  readonly name: string;
  readonly input: PolicyInput;
  readonly decision: Decision;
  readonly fields: EvaluationFields;
  /** The fields every line about it carries: the appliance's context fields, and its name. */
  readonly context: Readonly<Record<string, unknown>>;
}

const V1_EVENTS: ReadonlySet<string> = new Set(NOTIFICATION_EVENTS);

/** The names an inventory entry declares, sorted, so lines and notifications come in a stable order. */
export function declaredNames(certificates: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(certificates ?? {}).sort();
}

/**
 * Reads, evaluates and decides each named certificate of the appliance whose NTLS policy input is
 * `ntls` (its appliance, address, settings, instant and stored record); `previous` is that record.
 */
export async function decideNamed(
  names: readonly string[],
  ntls: PolicyInput,
  source: CertificateSource,
): Promise<NamedDecided[]> {
  const out: NamedDecided[] = [];
  for (const name of names) {
    const result = await source
      .fetch(ntls.appliance, name)
      .catch((): SourceResult => ({ kind: 'unavailable', reason: 'the certificate source failed' }));
    // The appliance's percent and critical level apply to its named certificates as to its NTLS one.
    const evaluation = evaluate(result, ntls.settings.thresholdDays, ntls.now, ntls.settings);
    const { chain: _chain, ...kept } = evaluation;
    const { fields, alerts } = namedFindings(evaluation, ntls.findingPolicy);
    out.push(decideOne(name, ntls, kept, fields, alerts));
  }
  return out;
}

/**
 * A named certificate's findings (docs/reference.md, Certificate findings): always in its fields; with a
 * policy also for its decision (logged and forwarded under its name). No chain certificate decides here.
 */
function namedFindings(
  evaluation: Evaluation,
  policy: FindingPolicy | undefined,
): { fields: EvaluationFields; alerts: Pick<PolicyInput, 'findingAlerts'> } {
  const fields = evaluationFields(evaluation);
  const certificate = evaluation.certificate;
  if (certificate === undefined) return { fields, alerts: {} };
  const file = { certificate, chain: evaluation.chain ?? [] };
  const findings = certificateFindings(file, policy ?? DEFAULT_FINDING_POLICY, undefined);
  const alerts = policy ? { findingAlerts: { findings, certificate: { ...certificate, der: new Uint8Array(0) } } } : {};
  return { fields: withFindings(fields, findings), alerts };
}

/** The decision for one named certificate against the record `previous` (the appliance's, as loaded). */
function decideOne(
  name: string,
  ntls: PolicyInput,
  evaluation: PolicyInput['evaluation'],
  fields: EvaluationFields,
  alerts: Pick<PolicyInput, 'findingAlerts'>,
): NamedDecided {
  // The NTLS certificate's own findings and deciding chain certificate are not this one's.
  const { stateCorrupt: _corrupt, findingAlerts: _ntlsFindings, leafFingerprint: _leaf, ...rest } = ntls;
  const previous = ntls.previous?.certificates?.[name];
  const input: PolicyInput = { ...rest, ...alerts, certificate: name, previous, evaluation };
  return { name, input, decision: decide(input), fields, context: { ...applianceContext(fields), certificate: name } };
}

/** The same certificates decided again against a fresh record (after another run wrote first). */
export function redecideNamed(named: readonly NamedDecided[], fresh: ApplianceState | undefined): NamedDecided[] {
  return named.map((n) => {
    const alerts = n.input.findingAlerts ? { findingAlerts: n.input.findingAlerts } : {};
    return decideOne(n.name, { ...n.input, previous: fresh }, n.input.evaluation, n.fields, alerts);
  });
}

/**
 * Each named certificate's settled state with its view, by name, over the stored record `previous`;
 * undefined when there are none.
 */
export function settledNamed(
  named: readonly NamedDecided[],
  delivered: ReadonlyMap<string, DeliveryOutcome>,
  previous: ApplianceState | undefined,
): Record<string, ApplianceState> | undefined {
  if (named.length === 0) return undefined;
  const out: Record<string, ApplianceState> = {};
  for (const n of named) {
    const stored = previous?.certificates?.[n.name];
    const next = settle(n.decision, delivered) ?? stored ?? { version: 1, alertActive: false };
    out[n.name] = { ...next, view: namedView(n, delivered, stored) };
  }
  return out;
}

/** What the report shows of one named certificate after this run. */
function namedView(
  n: NamedDecided,
  delivered: ReadonlyMap<string, DeliveryOutcome>,
  stored: ApplianceState | undefined,
): ApplianceView {
  const events = n.decision.notifications
    .filter((x) => delivered.has(x.id) && V1_EVENTS.has(x.event))
    .map((x) => x.event as NotificationEvent);
  const previous = usableView(stored?.view);
  const lastNotification = lastNotificationAfter(events, n.decision.observedAt, stored);
  return applianceView(n.fields, {
    thresholdDays: n.input.settings.thresholdDays,
    levels: viewLevels(n.input.settings),
    ...(previous ? { previous } : {}),
    ...(lastNotification ? { lastNotification } : {}),
  });
}
