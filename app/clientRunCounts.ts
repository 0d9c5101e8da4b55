/**
 * What the Luna clients' part of a run counted, and the run's summary with it (docs/clients.md, What
 * certmonitor tells you): the clients' due notifications count as the appliances' do (sent, failed, not
 * forwarded, would be sent, delivered by gateway), and a client that could not be checked counts in
 * `clientErrors`, so a run that delivered nothing to its clients never looks like a success.
 */
import type { RunSummary } from './runSummary.ts';

/** What the clients' part of a run counted. */
export interface ClientRunCounts {
  /** Clients checked, and the listed appliances they do not trust. */
  readonly clients: number;
  readonly untrusted: number;
  /** Due notifications delivered, not delivered, not forwarded (no gateway), would be sent (what-if). */
  readonly sent: number;
  readonly failed: number;
  readonly notForwarded: number;
  readonly wouldSend: number;
  readonly deliveredBy: Readonly<Record<string, number>>;
  /** Clients whose check failed (each logged with `checkFailed`), or 1 when the clients' step failed as a whole. */
  readonly errors: number;
}

/** The run's summary with the clients' counts added; each field is added only where the summary has it. */
export function withClientCounts(summary: RunSummary, clients: ClientRunCounts): RunSummary {
  const out: { -readonly [K in keyof RunSummary]: RunSummary[K] } = {
    ...summary,
    notifications: {
      sent: summary.notifications.sent + clients.sent,
      failed: summary.notifications.failed + clients.failed,
    },
  };
  const clientErrors = (summary.clientErrors ?? 0) + clients.errors;
  if (clientErrors > 0) out.clientErrors = clientErrors;
  if (summary.notForwarded !== undefined) out.notForwarded = summary.notForwarded + clients.notForwarded;
  if (summary.wouldSend !== undefined) out.wouldSend = summary.wouldSend + clients.wouldSend;
  if (summary.deliveredBy !== undefined) {
    const deliveredBy: Record<string, number> = { ...summary.deliveredBy };
    for (const [gateway, n] of Object.entries(clients.deliveredBy))
      deliveredBy[gateway] = (deliveredBy[gateway] ?? 0) + n;
    out.deliveredBy = deliveredBy;
  }
  return out;
}
