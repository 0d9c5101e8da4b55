/**
 * The fleet report's data, `fleet-status.json` (docs/monitoring.md, Fleet report): one entry per appliance with its
 * status, certificate, days remaining as of the report's instant, labels and last notification, and the
 * counts by status. Built from the views a run produced, from shard parts, or from the state records
 * (`certmonitor report`). Pure.
 */

import type { NotificationEvent } from '../protocol/notification.ts';
import { rememberedNotification, usableView } from './applianceView.ts';
import { usableCache } from './certificateCache.ts';
import type { ClientReportEntry } from './clientReport.ts';
import { evaluateCertificateFile } from './evaluate.ts';
import { expiryLevelsOf } from './expiryLevels.ts';
import type { FindingEntry } from './types.ts';
import { type ApplianceState, type ApplianceView, STATUSES, type Status } from './types.ts';

/** One appliance in `fleet-status.json`; a field that does not apply is null, so every entry has every key. */
export interface FleetEntry {
  readonly appliance: string;
  /**
   * A named certificate's row (docs/monitoring.md, Fleet report) names it; the NTLS certificate's row has
   * no such key, as before named certificates existed.
   */
  readonly certificate?: string;
  readonly status: Status;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** floor of whole days from the report's instant to notAfter; negative once expired. */
  readonly daysRemaining: number | null;
  readonly fingerprintSha256: string | null;
  readonly subject: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly lastNotification: { readonly event: NotificationEvent; readonly at: string } | null;
  /** The certificate's policy findings (docs/reference.md, Certificate findings); the key is absent when none. */
  readonly findings?: readonly FindingEntry[];
}

/** `fleet-status.json`. */
export interface FleetStatus {
  /** The evaluation instant the report describes, ISO 8601. */
  readonly time: string;
  /** The fleet-wide threshold in days (the window the timeline marks; the inventory may set others). */
  readonly thresholdDays: number;
  readonly byStatus: Readonly<Record<Status, number>>;
  /** Luna clients, sorted by name; present only when the inventory names some (docs/clients.md). */
  readonly clients?: readonly ClientReportEntry[];
  /** Sorted by appliance name. */
  readonly appliances: readonly FleetEntry[];
}

/** The entry of one appliance as of `time`. */
export function fleetEntry(appliance: string, view: ApplianceView, time: Date): FleetEntry {
  const notAfter = view.notAfter ?? null;
  const daysRemaining =
    notAfter === null ? null : Math.floor(Math.floor((Date.parse(notAfter) - time.getTime()) / 1000) / 86_400);
  return {
    appliance,
    status: view.status,
    notBefore: view.notBefore ?? null,
    notAfter,
    daysRemaining,
    fingerprintSha256: view.fingerprintSha256 ?? null,
    subject: view.subject ?? null,
    labels: view.labels ?? {},
    lastNotification: view.lastNotification ?? null,
    ...(view.findings !== undefined && view.findings.length > 0 ? { findings: view.findings } : {}),
  };
}

/**
 * The appliance's entry, then one per named certificate in name order (docs/monitoring.md, Fleet report),
 * each with the appliance's labels.
 */
export function fleetEntries(appliance: string, view: ApplianceView, time: Date): FleetEntry[] {
  const entries = [fleetEntry(appliance, view, time)];
  const named = view.certificates ?? {};
  for (const name of Object.keys(named).sort()) {
    const own = named[name] as ApplianceView;
    const labels = view.labels ? { labels: view.labels } : {};
    entries.push({ ...fleetEntry(appliance, { ...own, ...labels }, time), certificate: name });
  }
  return entries;
}

/** Counts by status, every status present (zeros included). */
export function countByStatus(entries: Iterable<{ readonly status: Status }>): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const entry of entries) counts[entry.status]++;
  return counts;
}

/**
 * The report of `entries` as of `time`: each appliance's certificate once (the first entry wins), sorted by
 * name, the NTLS certificate's row first, with the appliances (their NTLS certificates) counted by status.
 */
export function buildFleetStatus(time: Date, thresholdDays: number, entries: Iterable<FleetEntry>): FleetStatus {
  const byName = new Map<string, FleetEntry>();
  for (const entry of entries) {
    const key = `${entry.appliance}/${entry.certificate ?? ''}`;
    if (!byName.has(key)) byName.set(key, entry);
  }
  const order = (e: FleetEntry) => [e.appliance, e.certificate ?? ''] as const;
  const appliances = [...byName.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
  });
  const ntls = appliances.filter((e) => e.certificate === undefined);
  return { time: time.toISOString(), thresholdDays, byStatus: countByStatus(ntls), appliances };
}

/** The named certificates' views a stored record holds, as of `time`; undefined when it has none. */
export function namedViewsOfRecord(state: ApplianceState, time: Date): Record<string, ApplianceView> | undefined {
  const out: Record<string, ApplianceView> = {};
  for (const [name, nested] of Object.entries(state.certificates ?? {})) {
    const view = usableView(nested.view);
    if (view) out[name] = viewAsOf(view, time);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The view a stored record gives for a report rebuilt from the state: its own view, or for a record
 * written before views existed, what its alert fields and certificate cache tell (the status then
 * follows from the problem it recorded, or from the dates).
 */
export function viewOfRecord(state: ApplianceState, thresholdDays: number): ApplianceView {
  const view = usableView(state.view);
  if (view) return view;
  const cache = usableCache(state.certificate);
  const lastNotification = rememberedNotification(state);
  const certificate = cache?.fingerprintSha256 === state.fingerprint ? cache : undefined;
  const problem = state.problem?.event;
  const status: Status =
    problem === 'missing' || problem === 'invalid' || problem === 'not_yet_valid'
      ? problem
      : state.notAfter !== undefined
        ? 'valid'
        : 'unavailable';
  const withCertificate = status !== 'missing' && status !== 'invalid';
  return {
    status,
    thresholdDays,
    ...(withCertificate && certificate
      ? {
          notBefore: certificate.notBefore,
          subject: certificate.subject,
          serialNumber: certificate.serialNumber,
        }
      : {}),
    ...(withCertificate && state.notAfter !== undefined ? { notAfter: state.notAfter } : {}),
    ...(withCertificate && state.fingerprint !== undefined ? { fingerprintSha256: state.fingerprint } : {}),
    ...(lastNotification ? { lastNotification } : {}),
  };
}

/**
 * A stored view as of a later instant: the time-dependent statuses (valid, expiring, expired, not yet
 * valid) follow from the certificate's dates and the appliance's threshold; the others stay as recorded.
 */
export function viewAsOf(view: ApplianceView, time: Date): ApplianceView {
  const dated = view.status === 'valid' || view.status === 'expiring' || view.status === 'expired';
  if (!(dated || view.status === 'not_yet_valid') || view.notAfter === undefined) return view;
  const certificate = {
    der: new Uint8Array(0),
    // A record without notBefore (older than the view) is taken as already valid.
    notBefore: new Date(view.notBefore ?? 0),
    notAfter: new Date(view.notAfter),
    subject: '',
    issuer: '',
    serialNumber: '',
    keyType: '',
    fingerprintSha256: '',
  };
  const { status } = evaluateCertificateFile(
    { certificate, chain: [] },
    view.thresholdDays,
    time,
    expiryLevelsOf(view, 1),
  );
  return status === view.status ? view : { ...view, status };
}
