/**
 * The context of one check run (docs/design.md, The scheduled Lambda): for each appliance evaluate →
 * decide → forward → settle → save, with the notification batcher shared by all appliances and one
 * {@link RunCounts} value that only {@link CheckRun.count} changes.
 *
 * Isolation: a failure for one appliance (unreadable certificate, state store error, an adapter that
 * throws) is logged with `checkFailed`, counted in `errors`, and never stops the others.
 */
import { formatMessage } from '../core/catalogue.ts';
import { CertmonitorError } from '../core/errors.ts';
import { type EvaluationFields, evaluationFields, withFindings } from '../core/evaluationFields.ts';
import { logEntry } from '../core/logEntry.ts';
import { type DeliveryOutcome, decide } from '../core/policy.ts';
import type { TrapHostEvidence } from '../core/trapHostReport.ts';
import type { ApplianceState } from '../core/types.ts';
import { applianceContext } from './applianceContext.ts';
import type { DecidedAppliance } from './decidedAppliance.ts';
import { describeAction } from './describeAction.ts';
import { errorReason } from './errorReason.ts';
import { type EvaluationContext, evaluateAppliance } from './evaluateAppliance.ts';
import { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import { decideNamed, declaredNames } from './namedCertificates.ts';
import { namedOutcomes } from './namedOutcomes.ts';
import { NotificationBatcher } from './notificationBatcher.ts';
import type { DeliveryResult, Inventory, ListedAppliance } from './ports.ts';
import { readDeliveryResults, type TrapHostsSeen } from './readDeliveryResults.ts';
import type { RunCheckOptions } from './runCheckOptions.ts';
import { counted, NO_COUNTS, type RunCounts, type RunEvent } from './runCounts.ts';
import { failedView } from './runViews.ts';
import { saveSettledState } from './saveSettledState.ts';

/** One run's appliances, its batcher and its counts. */
export class CheckRun {
  private counts: RunCounts = NO_COUNTS;
  private readonly hosts: TrapHostsSeen = { failed: new Set(), ok: new Set() };
  private readonly batcher: NotificationBatcher | undefined;
  private readonly evaluation: EvaluationContext;
  /**
   * Notifications of the newer kinds each gateway without `/v2` could not take, for one line each per run
   * (the clients' refusals join it; app/runCheck.ts logs it once they are done).
   */
  readonly tooOld: GatewayTooOldTally;

  constructor(
    private readonly options: RunCheckOptions,
    private readonly inventory: Inventory | undefined,
  ) {
    const { forwarder, log } = options;
    this.tooOld = options.tooOld ?? new GatewayTooOldTally();
    this.evaluation = { ...options, inventory };
    this.batcher =
      forwarder && !options.dryRun
        ? new NotificationBatcher(forwarder, {
            ...options.batch,
            onGatewayFailure: (reason, _count, gateway, errorCode) =>
              log.write(logEntry('gatewayFailed', { gateway: gateway ?? forwarder.description, reason }), {
                event: 'gateway',
                ...(errorCode ? { errorCode } : {}),
              }),
            onFailover: ({ from, to, reason, count }) => {
              this.count({ kind: 'failover' });
              log.write(logEntry('gatewayFailover', { count, gateway: from, next: to, reason }), { event: 'gateway' });
            },
            onDelivered: (gateway, count) => this.count({ kind: 'delivered', gateway, count }),
            onGatewayTooOld: (gateway, count) => this.tooOld.add(gateway, count),
          })
        : undefined;
  }

  /** What the run counted so far. */
  get totals(): RunCounts {
    return this.counts;
  }

  /** Whether the run forwards notifications (a gateway is configured and this is no what-if run). */
  get forwarding(): boolean {
    return this.batcher !== undefined;
  }

  /** What this run's answers said of each trap host, for the fleet-level record (app/reportTrapHosts.ts). */
  trapHostEvidence(): TrapHostEvidence {
    return this.hosts;
  }

  /** Checks one appliance: evaluate, decide, hand its notifications over. Never throws: failures are counted. */
  async processAppliance(listed: ListedAppliance): Promise<void> {
    this.count({ kind: 'started' });
    let fields: EvaluationFields | undefined;
    let previous: ApplianceState | undefined;
    try {
      const { options } = this;
      const { input, loaded, cache, evaluation, entry, findings } = await evaluateAppliance(listed, this.evaluation);
      previous = loaded.state;
      this.count({ kind: 'evaluated', status: evaluation.status });
      fields = evaluationFields(evaluation);
      // Findings are shown where one looks on purpose, when there are some (docs/reference.md, Certificate findings).
      fields = withFindings(fields, findings);
      const decision = decide(input);
      const context = applianceContext(fields);
      for (const line of decision.logs) options.log.write(line, context);
      const named = await decideNamed(declaredNames(entry?.certificates), input, options.source);
      for (const n of named) for (const line of n.decision.logs) options.log.write(line, n.context);
      await this.deliver({ input, loaded, decision, cache, fields, context, entry, named });
    } catch (error) {
      this.fail(listed.name, error, fields, previous);
    }
  }

  /** Sends what is still batched and waits for every delivery and its settlement. */
  async drain(): Promise<void> {
    await this.batcher?.drain();
  }

  /** The one place the run's counts change. */
  private count(event: RunEvent): void {
    this.counts = counted(this.counts, event);
  }

  /**
   * Hands the due notifications and the owed retries to the batcher (or settles at once when there are
   * none or no gateway).
   */
  private async deliver(decided: DecidedAppliance): Promise<void> {
    // With a policy, `finding` notifications too (docs/reference.md, Certificate findings), sent on `/v2`.
    const notifications = [decided.decision, ...(decided.named ?? []).map((n) => n.decision)].flatMap((d) => [
      ...d.notifications,
      ...d.retries,
      ...(d.findingNotifications ?? []),
    ]);
    if (this.options.dryRun) {
      this.dryRun(decided);
      return;
    }
    if (!this.batcher || notifications.length === 0) {
      // Evaluate-only is legitimate, but what was due and went nowhere is counted, not passed over.
      for (const _ of notifications) this.count({ kind: 'notForwarded' });
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

  /** Counts and logs one appliance's results; resolves to its delivered notifications by id. */
  private delivered(
    decided: DecidedAppliance,
    results: ReadonlyMap<string, DeliveryResult>,
  ): Map<string, DeliveryOutcome> {
    const { outcomes, events } = readDeliveryResults(decided, results, { log: this.options.log, hosts: this.hosts });
    for (const event of events) this.count(event);
    return outcomes;
  }

  /** A what-if run: says what is due, and neither forwards it nor saves the state. */
  private dryRun(decided: DecidedAppliance): void {
    const { decision, input, context, fields } = decided;
    const due = [...decision.notifications, ...decision.retries, ...(decision.findingNotifications ?? [])];
    const named = (decided.named ?? []).map((n) => ({
      n,
      due: [...n.decision.notifications, ...n.decision.retries, ...(n.decision.findingNotifications ?? [])],
    }));
    for (const { n, due: list } of [{ n: { context }, due }, ...named]) {
      for (const x of list) {
        this.count({ kind: 'wouldSend' });
        this.options.log.write(logEntry('notificationDue', { event: x.event, id: x.id }, input.appliance), n.context);
      }
    }
    this.options.onOutcome?.({
      appliance: input.appliance,
      ...fields,
      action: describeAction(decision, new Map(), 'dry-run'),
      notifications: due.map((n) => ({ id: n.id, event: n.event })),
      ...namedOutcomes(decided.named, new Map(), 'dry-run'),
    });
  }

  /** Saves the settled state and reports the appliance's outcome and view. */
  private async finish(decided: DecidedAppliance, delivered: ReadonlyMap<string, DeliveryOutcome>): Promise<void> {
    const view = await saveSettledState(decided, delivered, this.options);
    const mode = this.batcher ? 'forward' : 'skip';
    const action = describeAction(decided.decision, delivered, mode);
    const appliance = decided.input.appliance;
    this.options.onOutcome?.({
      appliance,
      ...decided.fields,
      action,
      ...namedOutcomes(decided.named, delivered, mode),
    });
    this.options.onView?.(appliance, view);
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
    this.count({ kind: 'failed' });
    const reason = errorReason(error);
    // Structured lines also carry our own errors' stable code (docs/reference.md, Error codes).
    const base = fields ? applianceContext(fields) : undefined;
    const context = error instanceof CertmonitorError ? { ...base, errorCode: error.code } : base;
    this.options.log.write(logEntry('checkFailed', { reason }, appliance), context);
    const shown = fields ?? { status: 'unavailable' as const, message: formatMessage('checkFailed', { reason }) };
    this.options.onOutcome?.({ appliance, ...shown, action: 'error' });
    // A what-if run saves nothing, so it has no report to build.
    if (!this.options.onView || this.options.dryRun) return;
    const entry = this.inventory?.appliances[appliance];
    this.options.onView(appliance, failedView(shown, entry, this.options.settings.thresholdDays, previous));
  }
}
