/**
 * The Luna clients in `fleet-status.json` and on the report page (docs/clients.md, In the report and the
 * metrics): each client's certificate, its days remaining as of the report's instant, its bundle, and
 * how it stands to each appliance it lists. Present only when the inventory names clients. Pure.
 */
import type { ClientTrustWord, ClientView } from './clientState.ts';
import type { Status } from './types.ts';

/** One client in `fleet-status.json`; a field that does not apply is null. */
export interface ClientReportEntry {
  readonly client: string;
  readonly status: Status;
  readonly notAfter: string | null;
  readonly daysRemaining: number | null;
  readonly fingerprintSha256: string | null;
  readonly subject: string | null;
  readonly bundle: ClientView['bundle'];
  /** The listed appliances whose certificate it does not trust, sorted. */
  readonly untrusted: readonly string[];
  readonly trust: Readonly<Record<string, ClientTrustWord>>;
}

/** The entry of one client as of `time`. */
function clientReportEntry(client: string, view: ClientView, time: Date): ClientReportEntry {
  const notAfter = view.notAfter ?? null;
  const daysRemaining =
    notAfter === null ? null : Math.floor(Math.floor((Date.parse(notAfter) - time.getTime()) / 1000) / 86_400);
  const untrusted = Object.entries(view.trust)
    .filter(([, word]) => word === 'untrusted')
    .map(([appliance]) => appliance)
    .sort();
  return {
    client,
    status: view.status,
    notAfter,
    daysRemaining,
    fingerprintSha256: view.fingerprintSha256 ?? null,
    subject: view.subject ?? null,
    bundle: view.bundle,
    untrusted,
    trust: { ...view.trust },
  };
}

/** Every client's entry, sorted by name. */
export function clientReportEntries(views: Iterable<readonly [string, ClientView]>, time: Date): ClientReportEntry[] {
  return [...views]
    .map(([client, view]) => clientReportEntry(client, view, time))
    .sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
}
