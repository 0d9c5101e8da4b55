/**
 * `certmonitor check` (docs/reference.md, Configuration; README, Command line): one scheduled run over a fleet. Prints the catalogue lines and a
 * summary; with `--json`, stdout carries one JSON object per appliance and, last, one `{"summary": …}`
 * object, while the catalogue lines go to stderr so stdout stays machine-readable.
 * Objects come in completion order (the run is concurrent); each carries its `appliance`.
 * Exit status: 0 the run completed and every due notification was delivered (or no gateway is configured:
 * the summary then counts those due and not forwarded), 1 some could not be (or an
 * appliance could not be processed or its certificate read, `fleet.json` has problems, or the run could not finish: inventory
 * unreadable, listing failed, or no appliance was evaluated at all), 2 configuration or usage error. `--dry-run` (docs/reference.md, What-if runs) decides
 * as usual, forwards nothing and writes no state. A notification some trap hosts acknowledged counts as
 * delivered (the others are owed it); a trap host that has failed for at least H makes the status 1
 * (docs/decisions.md).
 */
import { createSource } from '../adapters/createSource.ts';
import { createStateStore } from '../adapters/createStateStore.ts';
import { createForwarder } from '../adapters/forwarder/createForwarder.ts';
import { ConsoleLogSink, type TextOutput } from '../adapters/log/consoleLogSink.ts';
import { type CheckConfig, type CheckFlags, lambdaOnlyVariablesSet, parseCheckConfig } from '../app/checkConfig.ts';
import { type CheckFleetResult, checkFleet } from '../app/checkFleet.ts';
import { ConfigError, InventoryError } from '../app/errors.ts';
import { measureFleet } from '../app/measureFleet.ts';
import type { ApplianceOutcome, LogSink } from '../app/ports.ts';
import type { RunSummary } from '../app/runSummary.ts';
import type { Verdict } from '../app/verdict.ts';
import { errorLabel } from '../core/errors.ts';
import { logEntry } from '../core/logEntry.ts';
import { STATUSES } from '../core/types.ts';
import { EXIT_UNDELIVERED, parseNow } from './command.ts';
import { describeFailure, writeMetricsTextfile } from './metricsTextfile.ts';
import { ProgressBar, type ProgressStream, progressWanted } from './progressBar.ts';
import { UsageError } from './usageError.ts';

/** Flags of `certmonitor check` as commander parses them. */
export interface CheckCommandOptions extends CheckFlags {
  readonly now?: string;
  readonly json?: boolean;
  /** `--metrics-textfile FILE`: write the run's metrics for node_exporter's textfile collector. */
  readonly metricsTextfile?: string;
  /** `--no-progress` sets false; the progress line is shown only on a terminal anyway. */
  readonly progress?: boolean;
  /** Decide and print what is due; forward nothing, write no state. */
  readonly dryRun?: boolean;
}

/** Where the command writes and what environment it reads (tests and the demo pass their own). */
export interface CheckIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, when `--now` is not given. */
  readonly clock?: () => Date;
}

/**
 * One human summary line: `7 appliance(s): valid 2, expiring 2, …; notifications sent 3, failed 0;
 * delivered by gateway https://gw2.example:8443 (3); 1 gateway failover(s); 41 ms`; without a gateway,
 * `…; notifications sent 0, failed 0; 3 notification(s) due, not forwarded (no gateway configured); …`.
 */
export function formatSummary(summary: RunSummary): string {
  const statuses = STATUSES.map((s) => `${s} ${summary.byStatus[s]}`).join(', ');
  const deliveredBy = Object.entries(summary.deliveredBy ?? {}).map(([gateway, n]) => `${gateway} (${n})`);
  const extra = [
    summary.notForwarded ? `; ${summary.notForwarded} notification(s) due, not forwarded (no gateway configured)` : '',
    deliveredBy.length > 0 ? `; delivered by gateway ${deliveredBy.join(', ')}` : '',
    summary.failovers ? `; ${summary.failovers} gateway failover(s)` : '',
    summary.errors > 0 ? `; ${summary.errors} appliance(s) could not be processed` : '',
    summary.clientErrors ? `; ${summary.clientErrors} Luna client(s) could not be checked` : '',
    summary.inventoryProblems > 0 ? `; fleet.json has ${summary.inventoryProblems} problem(s)` : '',
    trapHostsLine(summary.trapHosts),
    summary.stopped ? '; stopped before the end of the fleet' : '',
    summary.wouldSend !== undefined
      ? `; dry run: ${summary.wouldSend} notification(s) due and not sent, no state written`
      : '',
  ].join('');
  return `${summary.appliances} appliance(s): ${statuses}; notifications sent ${summary.notifications.sent}, failed ${summary.notifications.failed}${extra}; ${summary.durationMs} ms`;
}

/** The summary's words for trap hosts that did not all acknowledge; empty when every one did. */
function trapHostsLine(counts: RunSummary['trapHosts']): string {
  const parts = [
    counts.partial > 0 ? `${counts.partial} sent to some trap hosts only (owed to the others)` : '',
    counts.retried > 0 ? `${counts.retried} owed delivery(ies) completed` : '',
    counts.owed > 0 ? `${counts.owed} owed delivery(ies) still missing a trap host` : '',
    counts.failing > 0 ? `${counts.failing} trap host(s) failing for H hours or more` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

/** The exit status of a finished run (README, Command line; docs/monitoring.md, Failure handling). */
export function exitStatusOf(verdict: Verdict): number {
  // Beyond what a retry could fix, a supervisor is told of what someone must fix: the inventory, a trap host,
  // a source that held nothing to evaluate.
  const failed = verdict.incomplete !== undefined || verdict.attention.length > 0 || verdict.empty !== undefined;
  return failed ? EXIT_UNDELIVERED : 0;
}

/** How one run prints and what it writes besides state. */
export interface RunCheckCommandOptions {
  readonly now: Date;
  readonly json: boolean;
  readonly progress?: boolean;
  /** A what-if run: forwards nothing and writes nothing (no state, no report). */
  readonly dryRun?: boolean;
  readonly metricsTextfile?: string;
}

/** Runs a check with an already validated configuration and prints its results. */
export async function runCheckCommand(
  config: CheckConfig,
  options: RunCheckCommandOptions,
  io: CheckIo,
): Promise<number> {
  const progress = options.progress ? new ProgressBar({ out: io.stderr as ProgressStream }) : undefined;
  try {
    return await checkAndReport(config, options, progress, io);
  } finally {
    progress?.finish();
  }
}

/** How long a terminal run waits for the fleet count before it starts anyway (the bar then fills in later). */
const COUNT_HEAD_START_MS = 2_000;

/**
 * Gives the progress bar its total and resolves to a function that abandons the count. The run streams its
 * listing lazily and learns the fleet's size only at the end, so a separate listing pass counts it (one
 * request per 1,000 names on S3, nothing held), on its own adapter without the log so skipped names are
 * not reported twice. It gets a head start of up to two seconds, as a file copier builds its list: run
 * alongside, a directory count starves behind the run's own file I/O. Not for `ssm:` sources, whose listing
 * returns every decrypted value (ten per request): counting would read the whole fleet twice. Only on a
 * terminal: scripts, `--json` and CI never pay for it.
 */
export async function countForProgress(
  spec: string,
  env: Readonly<Record<string, string | undefined>>,
  progress: ProgressBar,
): Promise<() => void> {
  if (spec.startsWith('ssm:')) return () => {};
  const abort = new AbortController();
  const counted = createSource(spec, { env })
    .then((counting) => measureFleet(counting, 1, abort.signal))
    .then(
      (fleet) => progress.setTotal(fleet.appliances),
      () => {
        // Without a total the line shows counts and rate only; the run itself reports listing errors.
      },
    );
  let timer: NodeJS.Timeout | undefined;
  const headStart = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, COUNT_HEAD_START_MS);
    timer.unref();
  });
  await Promise.race([counted, headStart]);
  clearTimeout(timer);
  return () => abort.abort();
}

/** The CLI's side of the check assembly (app/checkFleet.ts): adapters in; lines, report errors, summary and status out. */
async function checkAndReport(
  config: CheckConfig,
  options: RunCheckCommandOptions,
  progress: ProgressBar | undefined,
  io: CheckIo,
): Promise<number> {
  const { now, json, dryRun } = options;
  const out = json ? io.stderr : io.stdout;
  // On the terminal the bar is on, catalogue lines go above it; redirected to a file they need no care.
  const lines = progress && (out as { isTTY?: boolean }).isTTY === true ? progress.above(out) : out;
  const log: LogSink = new ConsoleLogSink({ out: lines, time: () => now });
  const deps = { env: io.env, maxSockets: Math.max(64, config.concurrency) };
  const source = await createSource(config.source, deps);
  // A what-if run writes nothing, not even the state directory, and needs no signing secret.
  const state = await createStateStore(config.state, { ...deps, readOnly: dryRun === true });
  const forwarder = config.forwarder && !dryRun ? await createForwarder(config.forwarder, deps) : undefined;
  // A count still running when the run ends is abandoned, so it cannot keep the process alive.
  let stopCounting = () => {};
  const onOutcome =
    json || progress
      ? (o: ApplianceOutcome) => {
          progress?.tick(o.status);
          if (json) io.stdout.write(`${JSON.stringify(o)}\n`);
        }
      : undefined;
  let result: CheckFleetResult;
  try {
    result = await checkFleet({
      ...{ source, state, forwarder, log, settings: config.settings, now, concurrency: config.concurrency },
      announce: true,
      onOutcome,
      dryRun,
      allowEmpty: config.allowEmpty === true,
      replaced: config.replaced === true,
      beforeRun: async () => {
        if (progress) stopCounting = await countForProgress(config.source, io.env, progress);
      },
      afterRun: () => {
        stopCounting();
        progress?.finish();
      },
    });
  } catch (error) {
    // An inventory naming clients over a source that has none (tls:) is a configuration error.
    if (error instanceof ConfigError) throw new UsageError(error.message);
    // An inventory that could not be read, or a listing that failed, is a run that could not finish.
    const reason =
      error instanceof InventoryError
        ? error.message
        : `the fleet could not be listed (${errorLabel(error) ?? 'unexpected error'})`;
    log.write(logEntry('checkFailed', { reason }));
    return EXIT_UNDELIVERED;
  }
  return printResult(result, options, io);
}

/** Reports a finished run: a report that failed, the metrics textfile, the summary; resolves to the exit status. */
async function printResult(result: CheckFleetResult, options: RunCheckCommandOptions, io: CheckIo): Promise<number> {
  const { summary, report, verdict, views } = result;
  if (report.kind === 'failed') io.stderr.write(`certmonitor: ${describeFailure(report.error)}\n`);
  const metricsWritten =
    options.metricsTextfile === undefined ||
    (await writeMetricsTextfile({
      file: options.metricsTextfile,
      now: options.now,
      views,
      clients: result.clients,
      summary,
      stderr: io.stderr,
    }));
  if (options.json) io.stdout.write(`${JSON.stringify({ summary })}\n`);
  else io.stdout.write(`${formatSummary(summary)}\n`);
  if (verdict.empty) io.stderr.write(`certmonitor: ${verdict.empty.message}\n`);
  return metricsWritten ? exitStatusOf(verdict) : EXIT_UNDELIVERED;
}

/** `certmonitor check` with commander's options: configuration errors become usage errors (exit 2). */
export async function check(options: CheckCommandOptions, io: CheckIo): Promise<number> {
  try {
    const config = parseCheckConfig(io.env, options);
    const now = options.now !== undefined ? parseNow(options.now) : (io.clock ?? (() => new Date()))();
    const json = options.json === true;
    const progress =
      options.progress !== false &&
      progressWanted({ isTTY: (io.stderr as { isTTY?: boolean }).isTTY, json, env: io.env });
    const metricsTextfile = options.metricsTextfile;
    if (metricsTextfile !== undefined && metricsTextfile.trim() === '') {
      throw new UsageError('--metrics-textfile needs a file name');
    }
    const dryRun = options.dryRun === true;
    if (dryRun && metricsTextfile !== undefined) {
      throw new UsageError('--metrics-textfile cannot be used with --dry-run: a what-if run writes nothing');
    }
    noteIgnoredVariables(io);
    return await runCheckCommand(
      config,
      { now, json, progress, dryRun, ...(metricsTextfile !== undefined ? { metricsTextfile } : {}) },
      io,
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Says which Lambda-only variables are set and ignored here (docs/reference.md, Environment variables). */
function noteIgnoredVariables(io: CheckIo): void {
  const ignored = lambdaOnlyVariablesSet(io.env);
  if (ignored.length === 0) return;
  io.stderr.write(
    `certmonitor: note: ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} read by the Lambda only; check runs the whole fleet in this process\n`,
  );
}
