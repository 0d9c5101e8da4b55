/**
 * One scheduled check over a fleet (docs/design.md, Alert policy; docs/design.md, The scheduled Lambda), shared by `certmonitor check` and the Lambda handler:
 * read the inventory, stream the appliance names, and for each one fetch → evaluate → load state →
 * decide → forward → settle → save, with bounded concurrency.
 *
 * Scale: names are streamed from the listing and processed by a fixed number of workers; only one
 * certificate per worker is in memory at a time, and a notification waiting for its batch keeps just its
 * decision and outcome fields, without certificate bytes (about a kilobyte). The set of names already seen (to merge inventory and listing) is the
 * only per-appliance memory held for the whole run: about 100 bytes per appliance.
 *
 * Isolation: a failure for one appliance (unreadable certificate, state store error, an adapter that
 * throws) is logged with `checkFailed`, counted in `errors`, and never stops the others.
 *
 * Unchanged certificates: when the source's listing carries object versions (S3 ETags) and the state
 * holds the certificate read at that version, the certificate is not fetched again; its evaluation is
 * rebuilt from the cached fields. A steady run then costs one state read per appliance.
 *
 * Views: once an appliance's outcome is final, its view (what the fleet report shows; docs/design.md,
 * State) is saved with its state and handed to `onView`, so the caller builds the run's report without
 * reading the state again.
 *
 * Overlapping runs: state is saved conditionally. On {@link StateConflictError} the record is reloaded and
 * the decision taken again once against it, applying only this run's deliveries that are still due in
 * the fresh record; if that loses again, this run's update is dropped with a `stateConflict` warning. So
 * the other run's update is never overwritten; the worst case is that a trap this run delivered is not
 * recorded and the next run sends one extra trap.
 */

import { applianceView, lastNotificationAfter, rememberedNotification, usableView } from '../core/applianceView.ts';
import { formatMessage, type MessageKey } from '../core/catalogue.ts';
import { cacheCertificate, certificateFromCache, usableCache } from '../core/certificateCache.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { evaluate, evaluateCertificateFile } from '../core/evaluate.ts';
import { type EvaluationFields, evaluationFields } from '../core/evaluationFields.ts';
import { logEntry } from '../core/logEntry.ts';
import { trapHostLabel } from '../core/owedDelivery.ts';
import {
  actionKind,
  type Decision,
  type DeliveryOutcome,
  decide,
  type PolicyInput,
  sameState,
  settle,
} from '../core/policy.ts';
import { MAX_TRACKED_TRAP_HOSTS, type TrapHostEvidence } from '../core/trapHostReport.ts';
import {
  type ApplianceState,
  type ApplianceView,
  type CachedCertificate,
  type Evaluation,
  type Settings,
  type SourceResult,
  STATUSES,
  type Status,
} from '../core/types.ts';
import type { Notification } from '../protocol/notification.ts';
import { StateConflictError } from './errors.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { NotificationBatcher } from './notificationBatcher.ts';
import type {
  ApplianceOutcome,
  CertificateSource,
  DeliveryResult,
  Inventory,
  ListedAppliance,
  LoadedState,
  LogSink,
  NotificationForwarder,
  StateStore,
} from './ports.ts';
import { reportInventory } from './reportInventory.ts';
import { reportTrapHosts } from './reportTrapHosts.ts';

/** Default number of appliances processed at once (about what S3 sustains per client, see PITFALLS). */
export const DEFAULT_CONCURRENCY = 32;

/** Inputs of one run. */
export interface RunCheckOptions {
  readonly source: CertificateSource;
  readonly state: StateStore;
  /** Absent: evaluate, log and record state only (no notification is recorded as sent). */
  readonly forwarder?: NotificationForwarder;
  readonly log: LogSink;
  /** Fleet-wide defaults; the inventory may override them per appliance. */
  readonly settings: Settings;
  /** The evaluation instant of the whole run. */
  readonly now: Date;
  readonly concurrency?: number;
  /** Receives one object per appliance (the `--json` output). */
  readonly onOutcome?: (outcome: ApplianceOutcome) => void;
  /**
   * Receives each appliance's view once its outcome is final (the fleet report and the metrics are built
   * from these, so a run's report needs no second read of the state). Not called in a what-if run, which
   * saves nothing.
   */
  readonly onView?: (appliance: string, view: ApplianceView) => void;
  /** Asked before each appliance is started; true stops the run early (e.g. the Lambda's time is short). */
  readonly shouldStop?: () => boolean;
  /** Largest gateway request and most requests in flight (defaults 1000 and 4). */
  readonly batch?: { readonly maxBatch?: number; readonly maxInFlight?: number };
  /**
   * A what-if run (docs/reference.md, What-if runs): evaluate and decide as usual, log each due notification as
   * `notificationDue`, forward nothing and write no state. The forwarder, if given, is not used.
   */
  readonly dryRun?: boolean;
}

/**
 * What one run did (docs/design.md, The scheduled Lambda), plus `errors` (appliances whose processing
 * failed), `stopped`, `inventoryProblems`, `trapHosts` and, in a what-if run, `wouldSend`.
 */
export interface RunSummary {
  readonly appliances: number;
  readonly byStatus: Record<Status, number>;
  /**
   * Due notifications `sent` (at least one trap host acknowledged, or none was needed) and `failed` (the
   * gateway did not take them, or no trap host acknowledged): a failed one is due again next run.
   */
  readonly notifications: { readonly sent: number; readonly failed: number };
  /** How the trap hosts fared (docs/design.md, Alert policy): see {@link TrapHostCounts}. */
  readonly trapHosts: TrapHostCounts;
  readonly errors: number;
  /** True when `shouldStop` ended the run before every appliance was processed. */
  readonly stopped: boolean;
  /** How many problems `fleet.json` has (the run went on without what is wrong). */
  readonly inventoryProblems: number;
  /** A what-if run only: the notifications that were due and not sent. */
  readonly wouldSend?: number;
  /**
   * With a gateway (docs/gateway.md, Standby gateways): how many notifications each gateway delivered, by its name,
   * and how many failovers there were (a request handed on to the next gateway because one did not accept it).
   */
  readonly deliveredBy?: Readonly<Record<string, number>>;
  readonly failovers?: number;
  readonly durationMs: number;
}

/** What a run saw of trap hosts that did not all acknowledge (docs/monitoring.md, Failure handling). */
export interface TrapHostCounts {
  /** Notifications of this run sent (counted in `sent`) that some trap hosts did not acknowledge: now owed to them. */
  readonly partial: number;
  /** Owed deliveries of earlier runs sent again that every trap host now has. */
  readonly retried: number;
  /** Owed deliveries of earlier runs sent again that some trap host still lacks (or that the gateway did not take). */
  readonly owed: number;
  /** Trap hosts that failed in this run and have failed for at least H (each reported once per H). */
  readonly failing: number;
}

/**
 * A short reason for an appliance's failure. Our own errors carry messages written to be safe to log;
 * any other error shows only its class name, never its message (which could carry file content).
 */
function errorReason(error: unknown): string {
  if (error instanceof CertmonitorError) return `${error.name}: ${error.message}`;
  const label = errorLabel(error);
  return label?.endsWith('Error') ? label : 'unexpected error';
}

/** The evaluation without the certificate's DER and chain, which the policy does not read. */
function withoutCertificateBytes(evaluation: Evaluation): Evaluation {
  if (!evaluation.certificate) return evaluation;
  const { chain: _chain, ...rest } = evaluation;
  return { ...rest, certificate: { ...evaluation.certificate, der: new Uint8Array(0) } };
}

/**
 * Listed appliances first (they carry versions), then inventory appliances the listing did not show
 * (those become `missing`): each appliance exactly once. Only inventory names are remembered, so the
 * memory held for the whole run is bounded by the inventory, not the listing.
 */
async function* applianceNames(
  inventory: Inventory | undefined,
  listed: AsyncIterable<ListedAppliance>,
): AsyncIterable<ListedAppliance> {
  const unlisted = new Set(Object.keys(inventory?.appliances ?? {}));
  for await (const entry of listed) {
    unlisted.delete(entry.name);
    yield entry;
  }
  for (const name of [...unlisted].sort()) yield { name };
}

/** The fields every line about an appliance carries, so a log query needs no join (docs/design.md, The scheduled Lambda). */
function contextOf(fields: EvaluationFields): Readonly<Record<string, unknown>> {
  return {
    status: fields.status,
    ...(fields.notAfter !== undefined ? { notAfter: fields.notAfter } : {}),
    ...(fields.daysRemaining !== undefined ? { daysRemaining: fields.daysRemaining } : {}),
  };
}

/** The state to save: the policy's next state with the certificate cache and the view this run ended with. */
function stateToSave(
  next: ApplianceState | undefined,
  cache: CachedCertificate | undefined,
  view: ApplianceView,
): ApplianceState | undefined {
  if (next === undefined) return undefined;
  const { certificate: _old, view: _oldView, ...rest } = next;
  return { ...rest, ...(cache ? { certificate: cache } : {}), view };
}

/** `{ [key]: value }`, or nothing when the value is undefined (for optional fields under exact types). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The outcome's action: each due kind, suffixed `-partial` when some trap hosts did not acknowledge it
 * (they are owed it), `-failed` when undelivered, `-skipped` without a gateway, `-dry-run` in a what-if
 * run; then each owed delivery sent again, `{kind}-retried` once every host has it, else `{kind}-owed`.
 */
function describeAction(
  decision: Decision,
  outcomes: ReadonlyMap<string, DeliveryOutcome>,
  mode: 'forward' | 'skip' | 'dry-run',
): string {
  const due = decision.notifications.map((n) => {
    const kind = actionKind(n.event);
    if (mode === 'skip') return `${kind}-skipped`;
    if (mode === 'dry-run') return `${kind}-dry-run`;
    const outcome = outcomes.get(n.id);
    if (!outcome) return `${kind}-failed`;
    return outcome.failedHosts.length > 0 ? `${kind}-partial` : kind;
  });
  const retried = decision.retries.map((n) => {
    const kind = actionKind(n.event);
    if (mode === 'dry-run') return `${kind}-retry-dry-run`;
    return outcomes.get(n.id)?.failedHosts.length === 0 ? `${kind}-retried` : `${kind}-owed`;
  });
  const parts = [...due, ...retried];
  return parts.length === 0 ? 'none' : parts.join('+');
}

/**
 * What a result means for the policy (docs/design.md, Delivery guarantees): undefined when the gateway did
 * not take the notification or no trap host acknowledged it, else the trap hosts that failed.
 */
function outcomeOf(result: DeliveryResult): DeliveryOutcome | undefined {
  // A forwarder's own failure carries no trap results; the gateway's answer lists every host it tried.
  if (!result.delivered && result.traps.length === 0) return undefined;
  const failedHosts = result.traps.filter((t) => !t.ok).map((t) => t.host);
  if (result.traps.length > 0 && failedHosts.length === result.traps.length) return undefined;
  return { failedHosts };
}

/** The line for one trap host's result: what happened in this run, told apart for duplicate answers. */
function trapLineKey(event: string, ok: boolean, duplicate: boolean): MessageKey {
  if (!ok) return 'trapFailed';
  if (event === 'renewed') return duplicate ? 'trapClearedDuplicate' : 'trapCleared';
  return duplicate ? 'trapDuplicate' : 'trapSent';
}

/** The one warning about certificates the listing skipped (docs/monitoring.md, Failure handling). */
function reportSkipped(source: CertificateSource, log: LogSink): void {
  const skipped = source.skippedKeys?.();
  if (!skipped || skipped.count === 0) return;
  const files = skipped.examples.join(', ') + (skipped.count > skipped.examples.length ? ', …' : '');
  log.write(logEntry('layoutSkipped', { count: skipped.count, files }), { files: skipped.examples });
}

/**
 * Runs one check over the whole fleet and resolves to its summary. Throws only when the inventory cannot
 * be read or the listing fails; an inventory that says something wrong is reported and the run goes on
 * with what can be trusted (docs/monitoring.md, Failure handling).
 */
export async function runCheck(options: RunCheckOptions): Promise<RunSummary> {
  const started = performance.now();
  const { source, log, now, dryRun } = options;
  const inventory = await source.readInventory();
  const repeatHours = options.settings.repeatHours;
  const inventoryProblems = await reportInventory(inventory, { state: options.state, log, now, repeatHours, dryRun });
  const run = new CheckRun(options, inventory);
  let stopped = false;
  try {
    ({ stopped } = await mapConcurrent(
      applianceNames(inventory, source.list()),
      options.concurrency ?? DEFAULT_CONCURRENCY,
      (listed) => run.processAppliance(listed),
      options.shouldStop,
    ));
  } finally {
    // Whatever happened, notifications already handed over are delivered and their state settled.
    await run.drain();
  }
  reportSkipped(source, log);
  const failing = await reportTrapHosts(run.trapHostEvidence(), { state: options.state, log, now, repeatHours });
  const summary = run.summary(stopped, inventoryProblems, Math.round(performance.now() - started));
  return { ...summary, trapHosts: run.trapHostCounts(failing) };
}

/** One appliance between its decision and its settled state (kept while its notifications are in a batch). */
interface Decided {
  readonly input: PolicyInput;
  readonly loaded: LoadedState;
  readonly decision: Decision;
  readonly cache: CachedCertificate | undefined;
  readonly fields: EvaluationFields;
  /** The fields every line about the appliance carries. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** The context of one run: its inputs, the notification batcher and the counts its summary reports. */
class CheckRun {
  private readonly byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  private appliances = 0;
  private sent = 0;
  private failed = 0;
  private partial = 0;
  private retried = 0;
  private owed = 0;
  /** Trap host labels that failed, and that acknowledged, in this run's answers (bounded). */
  private readonly hostsFailed = new Set<string>();
  private readonly hostsOk = new Set<string>();
  private errors = 0;
  private wouldSend = 0;
  private readonly deliveredBy = new Map<string, number>();
  private failovers = 0;
  private readonly batcher: NotificationBatcher | undefined;

  constructor(
    private readonly options: RunCheckOptions,
    private readonly inventory: Inventory | undefined,
  ) {
    const { forwarder, log } = options;
    this.batcher =
      forwarder && !options.dryRun
        ? new NotificationBatcher(forwarder, {
            ...options.batch,
            onGatewayFailure: (reason, _count, gateway) =>
              log.write(logEntry('gatewayFailed', { gateway: gateway ?? forwarder.description, reason }), {
                event: 'gateway',
              }),
            onFailover: ({ from, to, reason, count }) => {
              this.failovers++;
              log.write(logEntry('gatewayFailover', { count, gateway: from, next: to, reason }), { event: 'gateway' });
            },
            onDelivered: (gateway, count) =>
              this.deliveredBy.set(gateway, (this.deliveredBy.get(gateway) ?? 0) + count),
          })
        : undefined;
  }

  /** Checks one appliance: evaluate, decide, hand its notifications over. Never throws: failures are counted. */
  async processAppliance(listed: ListedAppliance): Promise<void> {
    this.appliances++;
    let fields: EvaluationFields | undefined;
    let previous: ApplianceState | undefined;
    try {
      const { input, loaded, cache, evaluation } = await this.evaluateAppliance(listed);
      previous = loaded.state;
      this.byStatus[evaluation.status]++;
      fields = evaluationFields(evaluation);
      const decision = decide(input);
      const context = contextOf(fields);
      for (const line of decision.logs) this.options.log.write(line, context);
      await this.deliver({ input, loaded, decision, cache, fields, context });
    } catch (error) {
      this.fail(listed.name, error, fields, previous);
    }
  }

  /** Sends what is still batched and waits for every delivery and its settlement. */
  async drain(): Promise<void> {
    await this.batcher?.drain();
  }

  /** The run's summary, but for its trap host counts ({@link trapHostCounts}). */
  summary(stopped: boolean, inventoryProblems: number, durationMs: number): Omit<RunSummary, 'trapHosts'> {
    const { appliances, byStatus, sent, failed, errors } = this;
    const base = { appliances, byStatus, notifications: { sent, failed }, errors, stopped, inventoryProblems };
    if (this.options.dryRun) return { ...base, wouldSend: this.wouldSend, durationMs };
    const gateways = this.batcher
      ? { deliveredBy: Object.fromEntries(this.deliveredBy), failovers: this.failovers }
      : {};
    return { ...base, ...gateways, durationMs };
  }

  /** The summary's trap host counts, with how many hosts have failed for at least H (app/reportTrapHosts.ts). */
  trapHostCounts(failing: number): TrapHostCounts {
    return { partial: this.partial, retried: this.retried, owed: this.owed, failing };
  }

  /** What this run's answers said of each trap host, for the fleet-level record (app/reportTrapHosts.ts). */
  trapHostEvidence(): TrapHostEvidence {
    return { failed: this.hostsFailed, ok: this.hostsOk };
  }

  /**
   * Loads the appliance's state and evaluates its certificate as of the run's instant, with the
   * inventory's settings for it; the policy input keeps the evaluation without certificate bytes.
   */
  private async evaluateAppliance(listed: ListedAppliance) {
    const { options } = this;
    const appliance = listed.name;
    const entry = this.inventory?.appliances[appliance];
    const settings: Settings = {
      thresholdDays: entry?.thresholdDays ?? options.settings.thresholdDays,
      repeatHours: entry?.repeatHours ?? options.settings.repeatHours,
    };
    const loaded = await options.state.load(appliance);
    const { evaluation, cache } = await this.readCertificate(listed, loaded.state, settings.thresholdDays);
    const input: PolicyInput = {
      appliance,
      address: entry?.address ?? '0.0.0.0',
      previous: loaded.state,
      // Kept until the batch answers (for a re-decision on a lost race): without the DER and chain.
      evaluation: withoutCertificateBytes(evaluation),
      settings,
      now: options.now,
      ...(loaded.corrupt !== undefined ? { stateCorrupt: loaded.corrupt } : {}),
    };
    return { input, loaded, cache, evaluation };
  }

  /**
   * The evaluation of one appliance and the certificate cache to keep: rebuilt from the state when the
   * listing shows the object unchanged, else fetched and read.
   */
  private async readCertificate(
    listed: ListedAppliance,
    previous: ApplianceState | undefined,
    thresholdDays: number,
  ): Promise<{ evaluation: Evaluation; cache: CachedCertificate | undefined }> {
    const { now, source } = this.options;
    const cached = usableCache(previous?.certificate);
    if (listed.version !== undefined && cached?.sourceVersion === listed.version) {
      const file = { certificate: certificateFromCache(cached), chain: [] };
      return { evaluation: evaluateCertificateFile(file, thresholdDays, now), cache: cached };
    }
    const result = await source.fetch(listed.name).catch(
      // The port says sources never throw; one that does is treated as an unreadable source.
      (): SourceResult => ({ kind: 'unavailable', reason: 'the certificate source failed' }),
    );
    const evaluation = evaluate(result, thresholdDays, now);
    // An unreadable source says nothing about the certificate: the cache stays as it was.
    if (result.kind === 'unavailable') return { evaluation, cache: cached };
    const version = result.kind === 'found' ? result.version : undefined;
    const cache = evaluation.certificate && version ? cacheCertificate(evaluation.certificate, version) : undefined;
    return { evaluation, cache };
  }

  /**
   * Hands the due notifications and the owed retries to the batcher (or settles at once when there are
   * none or no gateway).
   */
  private async deliver(decided: Decided): Promise<void> {
    const notifications = [...decided.decision.notifications, ...decided.decision.retries];
    if (this.options.dryRun) {
      this.dryRun(decided);
      return;
    }
    if (!this.batcher || notifications.length === 0) {
      await this.finish(decided, new Map());
      return;
    }
    await this.batcher.add(notifications, async (results) => {
      try {
        await this.finish(decided, this.delivered(decided, results));
      } catch (error) {
        this.fail(decided.input.appliance, error, decided.fields, decided.loaded.state);
      }
    });
  }

  /** A what-if run: says what is due, and neither forwards it nor saves the state. */
  private dryRun(decided: Decided): void {
    const { decision, input, context, fields } = decided;
    const due = [...decision.notifications, ...decision.retries];
    for (const n of due) {
      this.wouldSend++;
      this.options.log.write(logEntry('notificationDue', { event: n.event, id: n.id }, input.appliance), context);
    }
    this.options.onOutcome?.({
      appliance: input.appliance,
      ...fields,
      action: describeAction(decision, new Map(), 'dry-run'),
      notifications: due.map((n) => ({ id: n.id, event: n.event })),
    });
  }

  /**
   * Counts and logs the batch's results for one appliance; resolves to the notifications that reached at
   * least one trap host (or needed none), with the hosts that failed.
   */
  private delivered(decided: Decided, results: readonly DeliveryResult[]): Map<string, DeliveryOutcome> {
    const { decision } = decided;
    const sent = [...decision.notifications, ...decision.retries];
    const outcomes = new Map<string, DeliveryOutcome>();
    for (const [index, result] of results.entries()) {
      const notification = sent[index];
      if (!notification) continue;
      const outcome = outcomeOf(result);
      if (outcome) outcomes.set(notification.id, outcome);
      if (index < decision.notifications.length) {
        if (!outcome) this.failed++;
        else this.sent++;
        if (outcome && outcome.failedHosts.length > 0) this.partial++;
        this.logTraps(decided, notification, result, undefined);
      } else {
        if (outcome?.failedHosts.length === 0) this.retried++;
        else this.owed++;
        const owedTo = decision.base?.owed?.find((o) => o.notification.id === notification.id)?.hosts ?? [];
        this.logTraps(decided, notification, result, new Set(owedTo));
      }
    }
    return outcomes;
  }

  /**
   * One line per trap host in a result, and what it says of the host for the fleet-level record. For an
   * owed delivery sent again (`owedTo` set) only the hosts that were owed it: the gateway sent nothing to
   * the others, and what it recorded for them is old news. Host labels come from the gateway's answer:
   * they are reduced to safe characters ({@link trapHostLabel}) before they are logged or kept.
   */
  private logTraps(
    decided: Decided,
    notification: Notification,
    result: DeliveryResult,
    owedTo: ReadonlySet<string> | undefined,
  ): void {
    // A duplicate answer reports what the gateway recorded for this id, not a trap sent by this run; an
    // owed host that acknowledges now was sent to now.
    const duplicate = result.duplicate === true && owedTo === undefined;
    for (const trap of result.traps) {
      const host = trapHostLabel(trap.host);
      if (owedTo && !owedTo.has(host)) continue;
      const key = trapLineKey(notification.event, trap.ok, duplicate);
      this.options.log.write(logEntry(key, { host }, decided.input.appliance), decided.context);
      const seen = trap.ok ? this.hostsOk : this.hostsFailed;
      if (seen.size < MAX_TRACKED_TRAP_HOSTS) seen.add(host);
    }
  }

  /** Saves the settled state and reports the appliance's outcome and view. */
  private async finish(decided: Decided, delivered: ReadonlyMap<string, DeliveryOutcome>): Promise<void> {
    const view = await this.persist(decided, delivered);
    const action = describeAction(decided.decision, delivered, this.batcher ? 'forward' : 'skip');
    const appliance = decided.input.appliance;
    this.options.onOutcome?.({ appliance, ...decided.fields, action });
    this.options.onView?.(appliance, view);
  }

  /** The appliance's view after this run, over the record `previous` it is saved onto. */
  private viewOf(
    decided: Decided,
    delivered: ReadonlyMap<string, DeliveryOutcome>,
    previous: ApplianceState | undefined,
  ) {
    const { input, decision, fields } = decided;
    const events = decision.notifications.filter((n) => delivered.has(n.id)).map((n) => n.event);
    const labels = this.inventory?.appliances[input.appliance]?.labels;
    return applianceView(fields, {
      thresholdDays: input.settings.thresholdDays,
      ...(labels ? { labels } : {}),
      ...optional('previous', usableView(previous?.view)),
      ...optional('lastNotification', lastNotificationAfter(events, decision.observedAt, previous)),
    });
  }

  /** Saves the settled state, re-deciding once against a fresh record on a lost race; resolves to the view. */
  private async persist(decided: Decided, delivered: ReadonlyMap<string, DeliveryOutcome>): Promise<ApplianceView> {
    const { input, loaded, decision, cache } = decided;
    const appliance = input.appliance;
    const view = this.viewOf(decided, delivered, loaded.state);
    if (await this.save(appliance, loaded, stateToSave(settle(decision, delivered), cache, view))) return view;
    const fresh = await this.options.state.load(appliance);
    const again = decide({ ...input, previous: fresh.state, stateCorrupt: fresh.corrupt });
    const freshView = this.viewOf(decided, delivered, fresh.state);
    if (await this.save(appliance, fresh, stateToSave(settle(again, delivered), cache, freshView))) return freshView;
    this.options.log.write(
      logEntry('stateConflict', { reason: 'another run updated it first' }, appliance),
      decided.context,
    );
    return view;
  }

  /** Writes `next` over the loaded record unless nothing changed; false when another run wrote first. */
  private async save(appliance: string, loaded: LoadedState, next: ApplianceState | undefined): Promise<boolean> {
    if (next === undefined || (loaded.corrupt === undefined && sameState(loaded.state, next))) return true;
    try {
      await this.options.state.save(appliance, next, loaded.version);
      return true;
    } catch (error) {
      if (error instanceof StateConflictError) return false;
      throw error;
    }
  }

  /**
   * Logs and counts one appliance's failure; its outcome still appears, with action `error`, and its view
   * shows what was evaluated (`unavailable` when nothing was).
   */
  private fail(
    appliance: string,
    error: unknown,
    fields: EvaluationFields | undefined,
    previous: ApplianceState | undefined,
  ): void {
    this.errors++;
    const reason = errorReason(error);
    // Structured lines also carry our own errors' stable code (docs/reference.md, Error codes).
    const base = fields ? contextOf(fields) : undefined;
    const context = error instanceof CertmonitorError ? { ...base, errorCode: error.code } : base;
    this.options.log.write(logEntry('checkFailed', { reason }, appliance), context);
    const shown = fields ?? { status: 'unavailable' as const, message: formatMessage('checkFailed', { reason }) };
    this.options.onOutcome?.({ appliance, ...shown, action: 'error' });
    this.failedView(appliance, shown, previous);
  }

  /** Hands over the view of an appliance whose processing failed: what was evaluated, over its last record. */
  private failedView(
    appliance: string,
    shown: Parameters<typeof applianceView>[0],
    previous: ApplianceState | undefined,
  ): void {
    // A what-if run saves nothing, so it has no report to build.
    if (!this.options.onView || this.options.dryRun) return;
    const entry = this.inventory?.appliances[appliance];
    this.options.onView(
      appliance,
      applianceView(shown, {
        thresholdDays: entry?.thresholdDays ?? this.options.settings.thresholdDays,
        ...(entry?.labels ? { labels: entry.labels } : {}),
        ...optional('previous', usableView(previous?.view)),
        ...optional('lastNotification', previous && rememberedNotification(previous)),
      }),
    );
  }
}
