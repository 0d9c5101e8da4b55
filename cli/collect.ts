/**
 * `certmonitor collect` (docs/collector.md, Collecting certificates): reads each appliance's NTLS certificate over
 * TLS and publishes the ones that changed to the fleet source the check reads. Prints one catalogue line
 * per appliance and a summary; with `--json`, stdout carries one object per appliance and, last,
 * `{"summary": …}`, while the lines go to stderr.
 * Exit status: 0 every appliance with an address was collected (and at least one was), 1 some could not
 * be (or nothing was collected, `fleet.json` has problems, or it could not be read or published), 2
 * configuration or usage error.
 * The inventory it read is published too, as that source's `fleet.json` (unless it was read from there),
 * with a line of its own.
 */
import path from 'node:path';
import { createDestination } from '../adapters/createDestination.ts';
import { ConsoleLogSink, type TextOutput } from '../adapters/log/consoleLogSink.ts';
import type { InventoryDocument } from '../adapters/parseInventory.ts';
import { readInventoryFrom } from '../adapters/readInventoryFrom.ts';
import { captureContextFor } from '../adapters/tls/clientIdentity.ts';
import { NtlsCapture } from '../adapters/tls/ntlsCapture.ts';
import { type CollectConfig, type CollectFlags, parseCollectConfig } from '../app/collectConfig.ts';
import { type CollectResult, type CollectSummary, collectFleet } from '../app/collectFleet.ts';
import { ConfigError, InventoryError } from '../app/errors.ts';
import type { LogSink } from '../app/ports.ts';
import type { InventoryToPublish } from '../app/publishInventory.ts';
import { logEntry } from '../core/logEntry.ts';
import type { CheckIo } from './check.ts';
import { EXIT_OK, EXIT_UNDELIVERED } from './command.ts';
import { ProgressBar, type ProgressStream, progressWanted } from './progressBar.ts';
import { UsageError } from './usageError.ts';

/** Flags of `certmonitor collect` as commander parses them. */
export interface CollectCommandOptions extends CollectFlags {
  readonly json?: boolean;
  /** `--no-progress` sets false; the progress line is shown only on a terminal anyway. */
  readonly progress?: boolean;
}

const OUTCOMES = ['changed', 'unchanged', 'failed', 'skipped'] as const;

/** One summary line: `12 appliance(s): collected 10 (changed 2, unchanged 8), failed 1, skipped 1; 834 ms`. */
export function formatCollectSummary(summary: CollectSummary): string {
  const { appliances, collected, changed, unchanged, failed, skipped, durationMs } = summary;
  const problems = summary.inventoryProblems > 0 ? `; fleet.json has ${summary.inventoryProblems} problem(s)` : '';
  const dryRun = summary.dryRun ? ' (dry run: nothing was published)' : '';
  return `${appliances} appliance(s): collected ${collected} (changed ${changed}, unchanged ${unchanged}), failed ${failed}, skipped ${skipped}${problems}; ${durationMs} ms${dryRun}`;
}

/**
 * 0 when every appliance with an address was collected (and each named certificate it declares), at least
 * one was, fleet.json is sound and was published (or was already there); otherwise 1.
 */
export function collectExitStatus(summary: CollectSummary): number {
  const complete =
    summary.failed === 0 &&
    summary.collected > 0 &&
    summary.inventoryProblems === 0 &&
    summary.inventory !== 'failed' &&
    // A named certificate that could not be collected fails the run as an appliance does.
    (summary.named?.failed ?? 0) === 0;
  return complete ? EXIT_OK : EXIT_UNDELIVERED;
}

/** Reads the inventory; one that cannot be read is logged and ends the run with exit 1 (undefined). */
async function loadInventory(config: CollectConfig, io: CheckIo, log: LogSink): Promise<InventoryDocument | undefined> {
  try {
    return await readInventoryFrom(config.inventory, { env: io.env }, 'CERTMONITOR_COLLECT_INVENTORY (--inventory)');
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    log.write(logEntry('collectAborted', { reason: error.message }));
    return undefined;
  }
}

/** A location spelled so that two spellings of one place compare equal (a relative path, a trailing slash). */
function normalLocation(spec: string): string {
  if (spec.startsWith('dir:')) return `dir:${path.resolve(spec.slice('dir:'.length))}`;
  return spec.replace(/\/+$/, '');
}

/**
 * What the run publishes as the destination's `fleet.json`: nothing when the inventory was read from
 * there, the bytes as read, or why an inventory that is unusable as a whole is not published.
 */
function inventoryToPublish(config: CollectConfig, document: InventoryDocument): InventoryToPublish | undefined {
  if (normalLocation(config.inventory) === normalLocation(config.to)) return undefined;
  if (document.bytes) return { bytes: document.bytes };
  return { unusable: document.inventory.problems?.[0] ?? 'the inventory cannot be used' };
}

/** The run itself, with a validated configuration. */
async function runCollect(config: CollectConfig, json: boolean, progressOn: boolean, io: CheckIo): Promise<number> {
  const out = json ? io.stderr : io.stdout;
  const clock = io.clock ?? (() => new Date());
  const progress = progressOn
    ? new ProgressBar({ out: io.stderr as ProgressStream, shown: OUTCOMES, shownWhenSeen: [] })
    : undefined;
  try {
    const lines: TextOutput = progress && (out as { isTTY?: boolean }).isTTY === true ? progress.above(out) : out;
    const log = new ConsoleLogSink({ out: lines, time: clock });
    const context = await captureContextFor(config.clientCert, config.clientKey);
    const destination = await createDestination(config.to, {
      env: io.env,
      maxSockets: Math.max(64, config.concurrency),
    });
    const document = await loadInventory(config, io, log);
    if (!document) return EXIT_UNDELIVERED;
    const { inventory } = document;
    progress?.setTotal(Object.keys(inventory.appliances).length);
    const summary = await collectFleet({
      inventory,
      capture: new NtlsCapture(context, config.clientCert !== undefined),
      destination,
      log,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      dryRun: config.dryRun,
      publishInventory: inventoryToPublish(config, document),
      onResult: (result: CollectResult) => {
        progress?.tick(result.result);
        if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
      },
    });
    progress?.finish();
    if (summary.collected === 0 && summary.failed === 0) {
      log.write(logEntry('collectAborted', { reason: 'no appliance in the inventory has an address' }));
    }
    io.stdout.write(json ? `${JSON.stringify({ summary })}\n` : `${formatCollectSummary(summary)}\n`);
    return collectExitStatus(summary);
  } finally {
    progress?.finish();
  }
}

/** `certmonitor collect` with commander's options: configuration errors become usage errors (exit 2). */
export async function collect(options: CollectCommandOptions, io: CheckIo): Promise<number> {
  try {
    const config = parseCollectConfig(io.env, options);
    const json = options.json === true;
    const progress =
      options.progress !== false &&
      progressWanted({ isTTY: (io.stderr as { isTTY?: boolean }).isTTY, json, env: io.env });
    return await runCollect(config, json, progress, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
}
