/**
 * What the gateway's results for one appliance's notifications mean for the run (docs/design.md, Delivery
 * guarantees): results are matched to notifications by id, one line is logged per trap host, and each
 * notification yields what the run counts of it.
 */
import type { MessageKey } from '../core/catalogue.ts';
import { logEntry } from '../core/logEntry.ts';
import { trapHostLabel } from '../core/owedDelivery.ts';
import type { DeliveryOutcome } from '../core/policy.ts';
import { MAX_TRACKED_TRAP_HOSTS } from '../core/trapHostReport.ts';
import { type AnyNotification, eventKind } from '../protocol/notificationV2.ts';
import type { DecidedAppliance } from './decidedAppliance.ts';
import { deliveryOutcome } from './deliveryOutcome.ts';
import type { DeliveryResult, LogSink } from './ports.ts';
import type { RunEvent } from './runCounts.ts';

/** Trap host labels that failed, and that acknowledged, in a run's answers (bounded). */
export interface TrapHostsSeen {
  readonly failed: Set<string>;
  readonly ok: Set<string>;
}

/** What one appliance's results came to. */
export interface DeliveryResults {
  /** The notifications that reached at least one trap host (or needed none), by id, with the hosts that failed. */
  readonly outcomes: Map<string, DeliveryOutcome>;
  /** What the run counts of them, one per notification. */
  readonly events: readonly RunEvent[];
}

/**
 * The line for one trap host's result: what happened in this run, told apart for duplicate answers. A
 * newer kind's trap (docs/gateway.md, Newer notifications) has its own pair of lines, naming the kind.
 */
function trapLine(notification: AnyNotification, ok: boolean, duplicate: boolean): { key: MessageKey; kind?: string } {
  const kind = eventKind(notification);
  if (kind !== 'ntls') return { key: ok ? 'eventTrapSent' : 'eventTrapFailed', kind };
  return { key: trapLineKey(notification.event, ok, duplicate) };
}

/** The line for one NTLS trap host's result, as it has always been. */
function trapLineKey(event: string, ok: boolean, duplicate: boolean): MessageKey {
  if (!ok) return 'trapFailed';
  if (event === 'renewed') return duplicate ? 'trapClearedDuplicate' : 'trapCleared';
  return duplicate ? 'trapDuplicate' : 'trapSent';
}

/** A result for a notification the answer did not mention (the batcher names every one; kept for safety). */
function noResult(id: string): DeliveryResult {
  return { id, delivered: false, traps: [], error: 'no result from the gateway' };
}

/**
 * One line per trap host in a result, and what it says of the host for the fleet-level record. For an
 * owed delivery sent again (`owedTo` set) only the hosts that were owed it: the gateway sent nothing to
 * the others, and what it recorded for them is old news. Host labels come from the gateway's answer:
 * they are reduced to safe characters ({@link trapHostLabel}) before they are logged or kept.
 */
function logTraps(
  decided: DecidedAppliance,
  notification: AnyNotification,
  result: DeliveryResult,
  owedTo: ReadonlySet<string> | undefined,
  seen: { readonly log: LogSink; readonly hosts: TrapHostsSeen },
): void {
  // A duplicate answer reports what the gateway recorded for this id, not a trap sent by this run; an
  // owed host that acknowledges now was sent to now.
  const duplicate = result.duplicate === true && owedTo === undefined;
  for (const trap of result.traps) {
    const host = trapHostLabel(trap.host);
    if (owedTo && !owedTo.has(host)) continue;
    const { key, kind } = trapLine(notification, trap.ok, duplicate);
    seen.log.write(logEntry(key, { host, ...(kind ? { kind } : {}) }, decided.input.appliance), decided.context);
    const hosts = trap.ok ? seen.hosts.ok : seen.hosts.failed;
    if (hosts.size < MAX_TRACKED_TRAP_HOSTS) hosts.add(host);
  }
}

/** Reads the results (by notification id) of one appliance's due notifications and owed retries. */
export function readDeliveryResults(
  decided: DecidedAppliance,
  results: ReadonlyMap<string, DeliveryResult>,
  seen: { readonly log: LogSink; readonly hosts: TrapHostsSeen },
): DeliveryResults {
  const { decision } = decided;
  const outcomes = new Map<string, DeliveryOutcome>();
  const events: RunEvent[] = [];
  // With a policy, `finding` notifications (docs/reference.md, Certificate findings) follow, counted like due ones.
  for (const notification of [...decision.notifications, ...(decision.findingNotifications ?? [])]) {
    const result = results.get(notification.id) ?? noResult(notification.id);
    const outcome = deliveryOutcome(result);
    if (outcome) outcomes.set(notification.id, outcome);
    const delivery = !outcome ? 'failed' : outcome.failedHosts.length > 0 ? 'partial' : 'sent';
    events.push({ kind: 'due', delivery });
    logTraps(decided, notification, result, undefined, seen);
  }
  for (const notification of decision.retries) {
    const result = results.get(notification.id) ?? noResult(notification.id);
    const outcome = deliveryOutcome(result);
    if (outcome) outcomes.set(notification.id, outcome);
    events.push({ kind: 'retry', complete: outcome?.failedHosts.length === 0 });
    const owedTo = decision.base?.owed?.find((o) => o.notification.id === notification.id)?.hosts ?? [];
    logTraps(decided, notification, result, new Set(owedTo), seen);
  }
  // Each named certificate's notifications, with its own context (docs/reference.md, Named certificates).
  for (const named of decided.named ?? []) {
    const own = { ...decided, decision: named.decision, context: named.context, named: undefined };
    const read = readDeliveryResults(own, results, seen);
    for (const [id, outcome] of read.outcomes) outcomes.set(id, outcome);
    events.push(...read.events);
  }
  return { outcomes, events };
}
