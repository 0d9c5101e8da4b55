/**
 * A run's certificates in the Prometheus text format, for node_exporter's textfile collector (docs/monitoring.md,
 * Prometheus): the metric names, labels and help texts of x509-certificate-exporter, so alert rules and
 * dashboards written for it work unchanged (`x509_cert_not_after`, `x509_cert_not_before`,
 * `x509_cert_expired`, `x509_read_errors`; `serial_number` in decimal and `subject_CN` as it fills them),
 * labelled by `appliance`; plus `certmonitor_appliances{status}`, the run's instant and each policy finding
 * (`certmonitor_certificate_finding{appliance,certificate,finding} 1`, docs/monitoring.md, Prometheus). Rendered by
 * prom-client, which escapes label values.
 */
import { Gauge, Registry } from 'prom-client';
import type { ClientView } from '../../core/clientState.ts';
import { commonName } from '../../core/commonName.ts';
import { type ApplianceView, STATUSES, type Status } from '../../core/types.ts';
import { addClientTrusts } from './clientMetrics.ts';

/**
 * `certificate` (`ntls`, or a named certificate's name) is set on every series once the run has a named
 * certificate (docs/monitoring.md, Prometheus); without one the series are exactly as before.
 */
const CERT_LABELS = ['appliance', 'subject_CN', 'serial_number', 'certificate'] as const;

/** Each certificate with a date: the appliance's NTLS one, then its named ones, labelled when any exists. */
function* datedCertificates(
  views: Iterable<readonly [string, ApplianceView]>,
): Iterable<readonly [Record<string, string>, ApplianceView]> {
  const all = [...views];
  const named = all.some(([, view]) => Object.keys(view.certificates ?? {}).length > 0);
  for (const [appliance, view] of all) {
    const certificates: [string, ApplianceView][] = [['ntls', view], ...Object.entries(view.certificates ?? {}).sort()];
    for (const [certificate, own] of certificates) {
      if (own.notAfter === undefined) continue;
      const labels = certificateLabels({ appliance }, own);
      yield [named ? { ...labels, certificate } : labels, own];
    }
  }
}

/** Each client certificate with a date, labelled `client` instead of `appliance` (docs/clients.md). */
function* datedClients(
  clients: ReadonlyMap<string, ClientView>,
): Iterable<readonly [Record<string, string>, ClientView]> {
  for (const [client, view] of clients) {
    if (view.notAfter !== undefined) yield [certificateLabels({ client }, view), view];
  }
}

/** A certificate's owner label, then `subject_CN` and `serial_number` as x509-certificate-exporter fills them. */
function certificateLabels(
  owner: Readonly<Record<string, string>>,
  certificate: { readonly subject?: string; readonly serialNumber?: string },
): Record<string, string> {
  return {
    ...owner,
    subject_CN: commonName(certificate.subject ?? ''),
    serial_number: serialDecimal(certificate.serialNumber),
  };
}

/** A serial number (uppercase hex, `-` for a negative one) in decimal, as Go's big.Int prints it. */
export function serialDecimal(hex: string | undefined): string {
  if (hex === undefined) return '';
  const match = /^(-?)([0-9A-Fa-f]{1,2048})$/.exec(hex);
  if (!match) return hex;
  return `${match[1]}${BigInt(`0x${match[2]}`).toString()}`;
}

/**
 * `certmonitor_certificate_finding{appliance,certificate,finding} 1` for each policy finding
 * (docs/monitoring.md, Prometheus): `ntls` for the NTLS certificate, a named certificate by its name. The
 * metric (its HELP and TYPE lines too) is registered only when there is a finding, so the textfile of a
 * fleet without findings is what it always was.
 */
function addFindingMetrics(registry: Registry, views: readonly (readonly [string, ApplianceView])[]): void {
  const samples: { appliance: string; certificate: string; finding: string }[] = [];
  for (const [appliance, view] of views) {
    const named = Object.entries(view.certificates ?? {});
    for (const [certificate, v] of [['ntls', view] as const, ...named]) {
      for (const f of v.findings ?? []) samples.push({ appliance, certificate, finding: f.finding });
    }
  }
  if (samples.length === 0) return;
  const finding = new Gauge({
    name: 'certmonitor_certificate_finding',
    help: 'A policy finding of a certificate in the last run (1 while present; docs/reference.md, Certificate findings)',
    labelNames: ['appliance', 'certificate', 'finding'],
    registers: [registry],
  });
  for (const labels of samples) finding.set(labels, 1);
}

/** The text of one run: every appliance with a certificate date, the counts by status and the run's instant. */
export async function certificateMetricsText(
  views: Iterable<readonly [string, ApplianceView]>,
  now: Date,
  byStatus: Readonly<Record<Status, number>>,
  clients?: ReadonlyMap<string, ClientView>,
): Promise<string> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: readonly string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const withClients = clients && clients.size > 0 ? clients : undefined;
  // A client certificate's series carry `client` instead of `appliance` (docs/clients.md).
  const certLabels = withClients ? [...CERT_LABELS, 'client'] : CERT_LABELS;
  const notAfter = gauge('x509_cert_not_after', "Indicates the certificate's not after timestamp", certLabels);
  const notBefore = gauge('x509_cert_not_before', "Indicates the certificate's not before timestamp", certLabels);
  const expired = gauge('x509_cert_expired', 'Indicates if the certificate is expired', certLabels);
  const readErrors = gauge('x509_read_errors', 'Indicates the number of read failure(s)');
  const appliances = gauge('certmonitor_appliances', 'Appliances by NTLS certificate status in the last run', [
    'status',
  ]);
  const lastRun = gauge(
    'certmonitor_last_run_timestamp_seconds',
    'Evaluation instant of the last certmonitor check run, in seconds since the epoch',
  );
  const all = [...views];
  addFindingMetrics(registry, all);
  for (const [labels, view] of [...datedCertificates(all), ...(withClients ? datedClients(withClients) : [])]) {
    if (view.notAfter === undefined) continue;
    const after = Date.parse(view.notAfter);
    notAfter.set(labels, Math.floor(after / 1000));
    if (view.notBefore !== undefined) notBefore.set(labels, Math.floor(Date.parse(view.notBefore) / 1000));
    expired.set(labels, now.getTime() > after ? 1 : 0);
  }
  // A certificate that could not be read (invalid) or fetched (unavailable), as the exporter counts files.
  readErrors.set(byStatus.invalid + byStatus.unavailable);
  for (const status of STATUSES) appliances.set({ status }, byStatus[status]);
  lastRun.set(Math.floor(now.getTime() / 1000));
  if (withClients) addClientTrusts(registry, withClients);
  return registry.metrics();
}
