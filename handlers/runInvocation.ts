/**
 * One check inside an invocation, shared by `check` (whole fleet) and `checkShard` (one shard): the Lambda's
 * side of the check assembly (app/checkFleet.ts). It wires in the forwarder bounded by the invocation's
 * remaining time, and turns the run into JSON log lines: one outcome line and a `DaysToExpiry` metric per
 * appliance, the report's line, run metrics, a summary line. A run that did not do everything it had to
 * fails the invocation after all that (docs/monitoring.md, Failure handling); a report that could not be written does
 * not (the checks and notifications are done), it has its own metric and alarm.
 */

import { HttpForwarder } from '../adapters/forwarder/httpForwarder.ts';
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import { ConsoleLogSink } from '../adapters/log/consoleLogSink.ts';
import { EmfMetrics } from '../adapters/log/emfMetrics.ts';
import { checkFleet } from '../app/checkFleet.ts';
import { DEFAULT_GATEWAY_TIMEOUT_MS } from '../app/gatewayTimeouts.ts';
import type { ApplianceOutcome, CertificateSource } from '../app/ports.ts';
import type { RunSummary } from '../app/runSummary.ts';
import type { CheckRuntime } from './checkRuntime.ts';
import { RunIncompleteError } from './errors.ts';
import { isoSeconds } from './isoSeconds.ts';
import { reportLine } from './reportLine.ts';

/** Time kept free at the end of an invocation: no appliance is started inside it. */
export const STOP_RESERVE_MS = 15_000;
/** Deliveries may use the time up to this much before the Lambda's own timeout. */
export const FORWARD_RESERVE_MS = 5_000;

/**
 * When the run stops starting appliances: {@link STOP_RESERVE_MS} before the end, and with a gateway also
 * its answer timeout earlier, so a request sent just before the stop still gets its answer before the
 * forwarding deadline rather than being abandoned while the gateway acts on it.
 */
function stopReserveMs(runtime: CheckRuntime): number {
  if (!runtime.forwarder) return STOP_RESERVE_MS;
  return STOP_RESERVE_MS + (runtime.forwarder.answerTimeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS);
}

/** What one run needs from its invocation. */
export interface InvocationInput {
  readonly runtime: CheckRuntime;
  readonly now: Date;
  /** Wall-clock instant (epoch ms) at which the Lambda times out. */
  readonly endsAt: number;
  readonly out: TextOutput;
  /** Whether to write the lifecycle lines (first invocation of this execution environment). */
  readonly coldStart: boolean;
  /** The fleet or one shard of it. */
  readonly source?: CertificateSource;
  /** Extra fields of the summary line (e.g. the shard). */
  readonly label?: Readonly<Record<string, unknown>>;
  /** The shard this run checks, when the fleet is split (its report is then a part of the run's). */
  readonly shard?: { readonly shard: number; readonly shards: number };
}

/** The outcome line of one appliance. */
function outcomeLine(time: string, outcome: ApplianceOutcome): string {
  const { appliance, status, notAfter, daysRemaining, action, message } = outcome;
  return `${JSON.stringify({ time, event: 'outcome', appliance, status, notAfter, daysRemaining, action, text: message })}\n`;
}

/**
 * Runs the check once and reports it; resolves to the run summary, or, once everything is reported, throws
 * `EmptyRunError` when the run evaluated no appliance (and the fleet is not empty on purpose), or
 * {@link RunIncompleteError} when it did not do everything it had to.
 */
export async function runInvocation(input: InvocationInput): Promise<RunSummary> {
  const { runtime, now, endsAt, out } = input;
  const time = isoSeconds(now);
  // The primary, its standbys, the key id and the secret, bounded by the invocation's time.
  const forwarder = runtime.forwarder
    ? new HttpForwarder({ ...runtime.forwarder, deadline: endsAt - FORWARD_RESERVE_MS })
    : undefined;
  const metrics = new EmfMetrics();
  const stopAt = endsAt - stopReserveMs(runtime);
  const { summary, report, verdict } = await checkFleet({
    source: input.source ?? runtime.source,
    state: runtime.state,
    ...(forwarder ? { forwarder } : {}),
    log: new ConsoleLogSink({ format: 'json', out, time: () => now }),
    settings: runtime.config.settings,
    now,
    concurrency: runtime.config.concurrency,
    announce: input.coldStart,
    allowEmpty: runtime.config.allowEmpty === true,
    replaced: runtime.config.replaced === true,
    shouldStop: () => Date.now() > stopAt,
    onOutcome: (outcome) => {
      metrics.recordOutcome(outcome);
      out.write(outcomeLine(time, outcome));
    },
    ...(input.shard ? { shard: input.shard } : {}),
  });
  const reported = reportLine(report, now, out);
  const succeeded = verdict.incomplete === undefined && verdict.empty === undefined;
  metrics.recordRun({ ...summary, reportFailed: !reported, succeeded });
  if (summary.stopped) {
    // Not a catalogue line: it is about the deployment, not an appliance.
    out.write(
      `${JSON.stringify({ time, event: 'stopped', level: 'warning', text: 'The check ran out of time before every appliance was checked; lower CERTMONITOR_SHARD_SIZE (param shardSize) or raise the timeout' })}\n`,
    );
  }
  out.write(`${JSON.stringify({ time, event: 'summary', ...input.label, ...summary })}\n`);
  // A run that watched nothing fails, so the dead man's switch is not satisfied by it.
  if (verdict.empty) throw verdict.empty;
  if (verdict.incomplete !== undefined) {
    throw new RunIncompleteError(
      `${verdict.incomplete}; the state records only what was delivered, so a retry or the next run sends the rest`,
    );
  }
  return summary;
}
