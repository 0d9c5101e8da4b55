/**
 * The scheduled Lambda `check` (docs/design.md, The scheduled Lambda): a thin entry point. Configuration is read from the environment
 * once per cold start (docs/reference.md, Configuration, through the shared parser, so messages name the variable); the
 * AWS clients and the secret cache live across warm invocations. Each invocation evaluates as of the
 * event's `time` and either runs the pipeline over the whole fleet and returns its summary, or, when the
 * fleet is split, queues one SQS message per shard for `checkShard`: past `CERTMONITOR_SHARD_SIZE`
 * appliances (counted in one listing pass, see measureFleet.ts) ceil(size / shard size) shards, or a
 * fixed `CERTMONITOR_SHARDS` when that is above 1. A fleet with no appliance at all fails the invocation
 * (`EmptyRunError`) unless it is empty on purpose (`CERTMONITOR_ALLOW_EMPTY=true`): counted, it fits and
 * runs here; queued as fixed shards, it is looked at first.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import { EmptyRunError } from '../app/errors.ts';
import { hasAppliance } from '../app/hasAppliance.ts';
import { measureFleet } from '../app/measureFleet.ts';
import type { ReportStore } from '../app/ports.ts';
import type { RunSummary } from '../app/runSummary.ts';
import { CertmonitorError } from '../core/errors.ts';
import { runtimeHolder } from './checkRuntime.ts';
import type { ShardDispatch } from './dispatchShards.ts';
import { eventTime } from './eventTime.ts';
import { isoSeconds } from './isoSeconds.ts';
import { runInvocation } from './runInvocation.ts';
import { shardsFor } from './shardMessage.ts';

/** What the handler accepts: an EventBridge scheduled event, or any part of one (`invoke local`, tests). */
export type CheckEvent = Partial<ScheduledEvent> | null | undefined;

/** The part of the Lambda context the handler uses. */
export type CheckContext = Pick<Context, 'getRemainingTimeInMillis'>;

/** Options for {@link createHandler} (tests inject their environment and output). */
export interface HandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly out?: TextOutput;
}

/** Without a Lambda context (direct calls), assume Lambda's longest timeout. */
const DEFAULT_REMAINING_MS = 15 * 60_000;

/** Builds a handler bound to an environment; configuration is parsed on its first invocation only. */
export function createHandler(options: HandlerOptions = {}) {
  const holder = runtimeHolder(() => options.env ?? process.env);
  return async (event: CheckEvent, context?: CheckContext): Promise<RunSummary | ShardDispatch> => {
    const out = options.out ?? process.stdout;
    const now = eventTime(event) ?? new Date();
    const endsAt = Date.now() + (context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS);
    const { runtime: pending, coldStart } = holder.get();
    const runtime = await pending;
    if (runtime.sharding) {
      const { sqs, queueUrl, shards, shardSize } = runtime.sharding;
      let count: { shards: number; basis?: { appliances: number; shardSize: number } };
      if (shards !== undefined) {
        // Queued without counting: no shard can tell an empty fleet from an empty shard, so this run answers.
        if (!runtime.config.allowEmpty && !(await hasAppliance(runtime.source))) {
          throw new EmptyRunError(runtime.source.description);
        }
        count = { shards };
      } else {
        const fleet = await measureFleet(runtime.source, shardSize);
        // A fleet that fits runs here, from the listing just read (no second listing pass).
        if (fleet.fits) return runInvocation({ runtime, now, endsAt, out, coldStart, source: fleet.source });
        count = { shards: shardsFor(fleet.appliances, shardSize), basis: { appliances: fleet.appliances, shardSize } };
      }
      // Before the new shards start (they replace the parts): the previous run's report, if still due.
      await previousReport(runtime.state, now, count.shards, out);
      // Loaded only here: the SQS client is needed by a dispatching run alone.
      const { dispatchShards } = await import('./dispatchShards.ts');
      const dispatch = await dispatchShards(
        await sqs(),
        await queueUrl(),
        now.toISOString(),
        count.shards,
        count.basis,
      );
      out.write(`${JSON.stringify({ event: 'dispatched', ...dispatch })}\n`);
      return dispatch;
    }
    return runInvocation({ runtime, now, endsAt, out, coldStart });
  };
}

/**
 * A dispatching run's part of the fleet report (docs/design.md, Fleet report): assembles the previous
 * split run's report if its last shard could not, and records this run. Never fails the dispatch: a
 * failure is logged as a `reportFailed` line.
 */
async function previousReport(store: ReportStore, now: Date, shards: number, out: TextOutput): Promise<void> {
  const time = isoSeconds(now);
  try {
    const { dispatchReport } = await import('../app/shardReport.ts');
    if (await dispatchReport(store, now.toISOString(), shards)) {
      out.write(`${JSON.stringify({ time, event: 'report', location: store.reportDescription, previousRun: true })}\n`);
    }
  } catch (error) {
    const text = error instanceof CertmonitorError ? error.message : 'the fleet report failed';
    const code = error instanceof CertmonitorError ? { errorCode: error.code } : {};
    out.write(`${JSON.stringify({ time, event: 'reportFailed', level: 'error', text, ...code })}\n`);
  }
}

/** The Lambda entry point (`handlers/check.handler`). */
export const handler = createHandler();
