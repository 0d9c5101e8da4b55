/**
 * The scheduled Lambda `check` (SPEC §9): a thin entry point. Configuration is read from the environment
 * once per cold start (SPEC §8 variables, through the shared parser, so messages name the variable), the
 * AWS clients and the secret cache live across warm invocations, and each invocation runs the shared
 * pipeline as of the event's `time`, writes one JSON log line per catalogue message and EMF metrics, and
 * returns the run summary.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { ConsoleLogSink, type TextOutput } from '../adapters/consoleLogSink.ts';
import { EmfMetrics } from '../adapters/emfMetrics.ts';
import { GatewayForwarder } from '../adapters/gatewayForwarder.ts';
import { type RunSummary, runCheck } from '../app/runCheck.ts';
import { logEntry } from '../core/logEntry.ts';
import { type CheckRuntime, createCheckRuntime } from './checkRuntime.ts';
import { eventTime } from './eventTime.ts';

/** What the handler accepts: an EventBridge scheduled event, or any part of one (`invoke local`, tests). */
export type CheckEvent = Partial<ScheduledEvent> | null | undefined;

/** The part of the Lambda context the handler uses. */
export type CheckContext = Pick<Context, 'getRemainingTimeInMillis'>;

/** Options for {@link createHandler} (tests inject their environment and output). */
export interface HandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly out?: TextOutput;
}

/** Time kept free at the end of an invocation: no appliance is started and no delivery attempted inside it. */
const STOP_RESERVE_MS = 15_000;
/** Deliveries may use the time up to this much before the Lambda's own timeout. */
const FORWARD_RESERVE_MS = 5_000;

/** Builds a handler bound to an environment; configuration is parsed on its first invocation only. */
export function createHandler(options: HandlerOptions = {}) {
  let runtime: Promise<CheckRuntime> | undefined;
  return async (event: CheckEvent, context?: CheckContext): Promise<RunSummary> => {
    const out = options.out ?? process.stdout;
    const env = options.env ?? process.env;
    const now = eventTime(event) ?? new Date();
    const log = new ConsoleLogSink({ format: 'json', out, time: () => now });
    const time = `${now.toISOString().slice(0, 19)}Z`;
    const coldStart = runtime === undefined;
    // A failed start is not cached: the next invocation tries again (e.g. after the parameter is fixed).
    runtime ??= createCheckRuntime(env).catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
    const { config, source, state, gateway } = await runtime;
    if (coldStart) {
      log.write(logEntry('started'));
      log.write(logEntry('configured', { D: config.settings.thresholdDays, H: config.settings.repeatHours }));
    }
    const remaining = context?.getRemainingTimeInMillis?.() ?? 15 * 60_000;
    const endsAt = Date.now() + remaining;
    const forwarder = gateway
      ? new GatewayForwarder({
          url: gateway.url,
          keyId: gateway.keyId,
          secret: gateway.secret,
          deadline: endsAt - FORWARD_RESERVE_MS,
        })
      : undefined;
    const metrics = new EmfMetrics();
    const summary = await runCheck({
      source,
      state,
      ...(forwarder ? { forwarder } : {}),
      log,
      settings: config.settings,
      now,
      concurrency: config.concurrency,
      shouldStop: () => Date.now() > endsAt - STOP_RESERVE_MS,
      onOutcome: (outcome) => {
        metrics.recordOutcome(outcome);
        out.write(
          `${JSON.stringify({
            time,
            event: 'outcome',
            appliance: outcome.appliance,
            status: outcome.status,
            notAfter: outcome.notAfter,
            daysRemaining: outcome.daysRemaining,
            action: outcome.action,
            text: outcome.message,
          })}\n`,
        );
      },
    });
    metrics.recordRun(summary);
    out.write(`${JSON.stringify({ time, event: 'summary', ...summary })}\n`);
    return summary;
  };
}

/** The Lambda entry point (`handlers/check.handler`). */
export const handler = createHandler();
