/**
 * The canonical form of a stored appliance state (docs/design.md, State): the policy's own results take
 * it, and so does every record read back, after its shape is checked (`app/stateRecord.ts`), so the policy
 * only ever sees states in this form.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import { isCertificateName } from '../protocol/notificationV2.ts';
import { applianceStateProblem } from './applianceStateProblem.ts';
import { usableView } from './applianceView.ts';
import { usableFindingRecords } from './findingAlerts.ts';
import type { Mutable } from './mutable.ts';
import { usableOwed } from './owedDelivery.ts';
import { usablePendingReplaced } from './replacedCertificate.ts';
import type { ApplianceState } from './types.ts';

type MutableState = Mutable<ApplianceState>;

/** Drops undefined fields and fixes the key order, so equal states serialize identically. */
export function normalizeState(state: ApplianceState): ApplianceState {
  const out: MutableState = { version: 1, alertActive: state.alertActive };
  if (state.fingerprint !== undefined) out.fingerprint = state.fingerprint;
  if (state.fingerprintSince !== undefined) out.fingerprintSince = state.fingerprintSince;
  if (state.notAfter !== undefined) out.notAfter = state.notAfter;
  if (state.lastAlertAt !== undefined) out.lastAlertAt = state.lastAlertAt;
  // Untrusted JSON too: anything but a known severity reads as none (an alert without severity).
  if (state.lastAlertSeverity === 'warning' || state.lastAlertSeverity === 'critical') {
    out.lastAlertSeverity = state.lastAlertSeverity;
  }
  if (state.pendingClear !== undefined) {
    out.pendingClear = { fingerprint: state.pendingClear.fingerprint, detectedAt: state.pendingClear.detectedAt };
  }
  const pendingReplaced = usablePendingReplaced(state.pendingReplaced);
  if (pendingReplaced !== undefined) out.pendingReplaced = pendingReplaced;
  if (state.problem !== undefined) out.problem = { event: state.problem.event, since: state.problem.since };
  if (state.lastProblem !== undefined) out.lastProblem = { event: state.lastProblem.event, at: state.lastProblem.at };
  // Owed deliveries come from untrusted JSON too: malformed entries are dropped, the rest made canonical.
  const owed = usableOwed(state.owed);
  if (owed.length > 0) out.owed = owed;
  // A stored record is untrusted JSON: only an object can be a cache entry (anything else is dropped here,
  // and a malformed object is ignored where it is used), so a bad cache never costs the alert fields.
  if (typeof state.certificate === 'object' && state.certificate !== null) {
    const c = state.certificate;
    out.certificate = {
      format: c.format,
      sourceVersion: c.sourceVersion,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      keyType: c.keyType,
      fingerprintSha256: c.fingerprintSha256,
      ...(c.signatureAlgorithm !== undefined ? { signatureAlgorithm: c.signatureAlgorithm } : {}),
      ...(c.signatureHash !== undefined ? { signatureHash: c.signatureHash } : {}),
      ...(c.dnsNames !== undefined ? { dnsNames: c.dnsNames } : {}),
      ...(c.ipAddresses !== undefined ? { ipAddresses: c.ipAddresses } : {}),
      ...(c.chain !== undefined ? { chain: c.chain } : {}),
    };
  }
  // The report's view: kept in canonical form, dropped when malformed (a fresh one replaces it on the run).
  const view = usableView(state.view);
  if (view !== undefined) out.view = view;
  const findings = usableFindingRecords(state.findings);
  if (findings !== undefined) out.findings = findings;
  if (typeof state.leafFingerprint === 'string') out.leafFingerprint = state.leafFingerprint;
  if (isUtcInstant(state.leafNotBefore)) out.leafNotBefore = state.leafNotBefore;
  if (isUtcInstant(state.leafNotAfter)) out.leafNotAfter = state.leafNotAfter;
  const certificates = usableCertificateStates(state.certificates);
  if (certificates !== undefined) out.certificates = certificates;
  return out;
}

/**
 * The named certificates' states (docs/reference.md, Named certificates), each in canonical form, sorted by
 * name; an entry with a name outside the rule or a shape that is not a state is dropped, so a bad entry
 * never costs the NTLS certificate's alert fields. Nested states hold no further certificates.
 */
function usableCertificateStates(value: unknown): Record<string, ApplianceState> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, ApplianceState> = {};
  for (const name of Object.keys(value).sort()) {
    const nested = (value as Record<string, unknown>)[name];
    if (!isCertificateName(name) || applianceStateProblem(nested) !== undefined) continue;
    const { certificates: _nested, ...rest } = nested as ApplianceState;
    out[name] = normalizeState(rest as ApplianceState);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
