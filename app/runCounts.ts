/**
 * What one run counted (docs/design.md, The scheduled Lambda): one value, changed only through
 * {@link counted}, so every figure of the summary comes from one place and a count can be added without a
 * new field to keep in step elsewhere.
 */
import { STATUSES, type Status } from '../core/types.ts';

/** The run's counts so far. */
export interface RunCounts {
  /** Appliances started (processed or failed). */
  readonly appliances: number;
  readonly byStatus: Readonly<Record<Status, number>>;
  /** Due notifications that reached at least one trap host (or needed none), and those that did not. */
  readonly sent: number;
  readonly failed: number;
  /** Of `sent`: those some trap hosts did not acknowledge (now owed to them). */
  readonly partial: number;
  /** Owed deliveries sent again that every owed trap host now has, and those that some host still lacks. */
  readonly retried: number;
  readonly owed: number;
  /** Appliances whose processing failed. */
  readonly errors: number;
  /** A what-if run: notifications due and not sent. */
  readonly wouldSend: number;
  /** No gateway configured: notifications (and owed deliveries) due and not forwarded. */
  readonly notForwarded: number;
  /** Notifications delivered, by the gateway that delivered them, in the order the gateways first did. */
  readonly deliveredBy: Readonly<Record<string, number>>;
  /** Requests handed on from a gateway that did not accept them to the next one. */
  readonly failovers: number;
}

/** One thing the run counts. */
export type RunEvent =
  | { readonly kind: 'started' }
  | { readonly kind: 'evaluated'; readonly status: Status }
  /** A due notification: delivered to every trap host, to some only, or to none. */
  | { readonly kind: 'due'; readonly delivery: 'sent' | 'partial' | 'failed' }
  /** An owed delivery sent again: `complete` when every owed host has it now. */
  | { readonly kind: 'retry'; readonly complete: boolean }
  | { readonly kind: 'failed' }
  | { readonly kind: 'wouldSend' }
  | { readonly kind: 'notForwarded' }
  | { readonly kind: 'delivered'; readonly gateway: string; readonly count: number }
  | { readonly kind: 'failover' };

/** The counts of a run that has not started. */
export const NO_COUNTS: RunCounts = {
  appliances: 0,
  byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>,
  sent: 0,
  failed: 0,
  partial: 0,
  retried: 0,
  owed: 0,
  errors: 0,
  wouldSend: 0,
  notForwarded: 0,
  deliveredBy: {},
  failovers: 0,
};

/** The counts after `event`. Pure. */
export function counted(counts: RunCounts, event: RunEvent): RunCounts {
  switch (event.kind) {
    case 'started':
      return { ...counts, appliances: counts.appliances + 1 };
    case 'evaluated':
      return { ...counts, byStatus: { ...counts.byStatus, [event.status]: counts.byStatus[event.status] + 1 } };
    case 'due':
      if (event.delivery === 'failed') return { ...counts, failed: counts.failed + 1 };
      return { ...counts, sent: counts.sent + 1, partial: counts.partial + (event.delivery === 'partial' ? 1 : 0) };
    case 'retry':
      return event.complete ? { ...counts, retried: counts.retried + 1 } : { ...counts, owed: counts.owed + 1 };
    case 'failed':
      return { ...counts, errors: counts.errors + 1 };
    case 'wouldSend':
      return { ...counts, wouldSend: counts.wouldSend + 1 };
    case 'notForwarded':
      return { ...counts, notForwarded: counts.notForwarded + 1 };
    case 'delivered': {
      const before = counts.deliveredBy[event.gateway] ?? 0;
      return { ...counts, deliveredBy: { ...counts.deliveredBy, [event.gateway]: before + event.count } };
    }
    case 'failover':
      return { ...counts, failovers: counts.failovers + 1 };
  }
}
