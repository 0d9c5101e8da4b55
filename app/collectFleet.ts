/**
 * One collector run (docs/design.md, The collector): for every appliance of the inventory, read the
 * certificate it presents in its NTLS handshake and publish it to the destination when it differs from
 * what is stored there, with bounded concurrency.
 *
 * Guarantees, per appliance:
 * - it finishes within `timeoutMs` of its start, whatever the appliance or the destination does: one
 *   deadline covers the handshake, the read and the write, and each step is raced against it;
 * - only a change is written (byte comparison with what the destination holds), and only after a
 *   successful capture: a failure never deletes, truncates or overwrites what is stored;
 * - one catalogue line tells the outcome (`changed`, `unchanged`, `failed`, or `skipped` for an entry
 *   without an address), and a failure never stops the others.
 *
 * Then the inventory is published beside the certificates (`publishInventory.ts`), so that a check on the
 * destination sees every appliance of the fleet, collected or not.
 */
import { logEntry } from '../core/logEntry.ts';
import { beforeDeadline } from './beforeDeadline.ts';
import { type CollectedCertificate, collectNamed } from './collectNamed.ts';
import { startDeadline } from './deadline.ts';
import { describeCapture } from './describeCapture.ts';
import { failureReason } from './failureReason.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { ntlsTargetOf, peerOf } from './ntlsTarget.ts';
import type {
  CaptureResult,
  CertificateCapture,
  CertificateDestination,
  Inventory,
  InventoryEntry,
  LogSink,
} from './ports.ts';
import { type Publication, publishIfChanged, type StoredItem } from './publishIfChanged.ts';
import { type InventoryPublication, type InventoryToPublish, publishInventory } from './publishInventory.ts';

/** Inputs of one collector run. */
export interface CollectOptions {
  readonly inventory: Inventory;
  readonly capture: CertificateCapture;
  readonly destination: CertificateDestination;
  readonly log: LogSink;
  readonly concurrency: number;
  /** The most time one appliance may take, from its start. */
  readonly timeoutMs: number;
  /** Capture and compare, but write nothing. */
  readonly dryRun: boolean;
  /** Receives each appliance's result as it finishes (the `--json` output, the progress line). */
  readonly onResult?: (result: CollectResult) => void;
  /**
   * The inventory to publish as the destination's `fleet.json` once the appliances are done; absent when
   * it was read from the destination itself.
   */
  readonly publishInventory?: InventoryToPublish;
}

/** What happened to one appliance. */
export type CollectOutcome = 'changed' | 'unchanged' | 'failed' | 'skipped';

/** One appliance's result, as `collect --json` prints it. */
export interface CollectResult {
  readonly appliance: string;
  readonly result: CollectOutcome;
  /** `address:port` (`[v6]:port`), when the inventory gives an address. */
  readonly peer?: string;
  /** Why it failed or was skipped; certmonitor's words, safe to log. */
  readonly reason?: string;
  /** For `changed`: false in a dry run. */
  readonly published?: boolean;
  readonly certificates?: number;
  readonly bytes?: number;
  readonly fingerprintSha256?: string;
  readonly notAfter?: string;
  readonly subject?: string;
  /** Set when the captured certificate is one the check will report as invalid. */
  readonly certificateError?: string;
  /** The appliance's named certificates (docs/collector.md, Named certificates); absent when it has none. */
  readonly named?: readonly CollectedCertificate[];
  readonly durationMs: number;
}

/** What one run did. */
export interface CollectSummary {
  readonly appliances: number;
  /** Captured: changed + unchanged. */
  readonly collected: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly skipped: number;
  /** How many problems `fleet.json` has (the run went on with its valid entries). */
  readonly inventoryProblems: number;
  readonly dryRun: boolean;
  /** What became of the inventory at the destination; absent when it was read from there. */
  readonly inventory?: InventoryPublication;
  /** Named certificates collected and failed; absent when the inventory declares none. */
  readonly named?: { readonly collected: number; readonly failed: number };
  readonly durationMs: number;
}

/** Runs one collection over the inventory and resolves to its summary; never throws for one appliance. */
export async function collectFleet(options: CollectOptions): Promise<CollectSummary> {
  const started = performance.now();
  // What is wrong with fleet.json is said at every run (the collector keeps no state to space the lines
  // out, as the check does); the valid entries are collected all the same (docs/monitoring.md, Failure handling).
  const problems = options.inventory.problems ?? [];
  for (const reason of problems) {
    options.log.write(logEntry('inventoryProblems', { reason }), { errorCode: 'CM_ERR_INVENTORY_INVALID' });
  }
  const run = new CollectRun(options, problems.length);
  const names = Object.keys(options.inventory.appliances).sort();
  async function* entries() {
    for (const name of names) yield name;
  }
  await mapConcurrent(entries(), options.concurrency, (name) => run.collect(name));
  // After the certificates: a check in between sees a new appliance's certificate before the inventory
  // that names it, never an inventory naming appliances whose certificates are still on their way.
  const inventory =
    options.publishInventory && (await publishInventory({ ...options, inventory: options.publishInventory }));
  return run.summary(Math.round(performance.now() - started), inventory);
}

/** One run's counts and the per-appliance procedure. */
class CollectRun {
  private readonly counts = { changed: 0, unchanged: 0, failed: 0, skipped: 0 };
  private named: { collected: number; failed: number } | undefined;

  constructor(
    private readonly options: CollectOptions,
    private readonly inventoryProblems: number,
  ) {}

  summary(durationMs: number, inventory: InventoryPublication | undefined): CollectSummary {
    const { changed, unchanged, failed, skipped } = this.counts;
    const appliances = changed + unchanged + failed + skipped;
    return {
      appliances,
      collected: changed + unchanged,
      changed,
      unchanged,
      failed,
      skipped,
      inventoryProblems: this.inventoryProblems,
      dryRun: this.options.dryRun,
      ...(inventory ? { inventory } : {}),
      ...(this.named ? { named: { ...this.named } } : {}),
      durationMs,
    };
  }

  /** Collects one appliance, logs its line and reports its result. Never throws. */
  async collect(appliance: string): Promise<void> {
    const started = performance.now();
    const entry = this.options.inventory.appliances[appliance] ?? {};
    // Named certificates are read beside the NTLS one, each within the appliance's deadline.
    const named = this.collectNamedOf(appliance, entry);
    let result: Omit<CollectResult, 'durationMs'>;
    try {
      result = await this.collectEntry(appliance, entry);
    } catch (error) {
      const target = ntlsTargetOf(entry);
      result = this.fail(appliance, target && peerOf(target), 'collectFailed', failureReason(error));
    }
    const collected = await named;
    if (collected.length > 0) result = { ...result, named: collected };
    this.counts[result.result]++;
    // Name and outcome first, so a line of `--json` output reads well.
    const { result: outcome, appliance: _name, ...fields } = result;
    this.options.onResult?.({
      appliance,
      result: outcome,
      ...fields,
      durationMs: Math.round(performance.now() - started),
    });
  }

  /** The named certificates' collection, counted; none without an address or named certificates. */
  private async collectNamedOf(appliance: string, entry: InventoryEntry): Promise<CollectedCertificate[]> {
    const target = ntlsTargetOf(entry);
    if (target === undefined || entry.certificates === undefined) return [];
    const results = await collectNamed(appliance, target, entry.certificates, this.options);
    this.named ??= { collected: 0, failed: 0 };
    for (const r of results) this.named[r.result === 'failed' ? 'failed' : 'collected']++;
    return results;
  }

  private async collectEntry(appliance: string, entry: InventoryEntry): Promise<Omit<CollectResult, 'durationMs'>> {
    const { log, timeoutMs } = this.options;
    const target = ntlsTargetOf(entry);
    if (target === undefined) {
      const reason = 'the inventory gives no address for it';
      log.write(logEntry('collectSkipped', { reason }, appliance), { result: 'skipped' });
      return { appliance, result: 'skipped', reason };
    }
    const peer = peerOf(target);
    const deadline = startDeadline(timeoutMs);
    try {
      const signal = deadline.signal;
      const captured: CaptureResult = await beforeDeadline(
        this.options.capture.capture(target, signal),
        signal,
        'reading the certificate',
      ).catch((error: unknown) => ({ kind: 'failed' as const, reason: failureReason(error) }));
      if (captured.kind === 'failed') return this.fail(appliance, peer, 'collectFailed', captured.reason);
      const found = { appliance, peer, ...describeCapture(captured.pem, captured.certificates) };
      return await this.publish(found, captured.pem, signal);
    } finally {
      deadline.clear();
    }
  }

  /** Compares with what is stored and writes a change (unless a dry run). */
  private async publish(
    found: Omit<CollectResult, 'durationMs' | 'result'> & { readonly peer: string },
    pem: Uint8Array,
    signal: AbortSignal,
  ): Promise<Omit<CollectResult, 'durationMs'>> {
    const { destination, log, dryRun } = this.options;
    const { appliance, peer } = found;
    const item: StoredItem = {
      read: (s) => destination.read(appliance, s),
      write: (bytes, current, s) => destination.write(appliance, bytes, current, s),
    };
    let publication: Publication;
    try {
      publication = await publishIfChanged(item, pem, { dryRun, signal, noun: 'certificate' });
    } catch (error) {
      const extra = { ...found, destination: destination.description };
      return this.fail(appliance, peer, 'publishFailed', failureReason(error), extra);
    }
    if (publication === 'unchanged') {
      log.write(logEntry('collectUnchanged', { peer }, appliance), { result: 'unchanged' });
      return { ...found, result: 'unchanged' };
    }
    if (publication === 'dryRun') {
      log.write(logEntry('collectDryRun', { peer }, appliance), { result: 'changed' });
      return { ...found, result: 'changed', published: false };
    }
    log.write(logEntry('collectChanged', { peer, destination: destination.description }, appliance), {
      result: 'changed',
    });
    return { ...found, result: 'changed', published: true };
  }

  /** Logs a failure line and builds the failed result. */
  private fail(
    appliance: string,
    peer: string | undefined,
    key: 'collectFailed' | 'publishFailed',
    reason: string,
    extra: Partial<CollectResult> & { readonly destination?: string } = {},
  ): Omit<CollectResult, 'durationMs'> {
    const { destination, ...fields } = extra;
    const params = { peer: peer ?? '-', reason, ...(destination ? { destination } : {}) };
    this.options.log.write(logEntry(key, params, appliance), { result: 'failed' });
    return { ...fields, appliance, result: 'failed', ...(peer ? { peer } : {}), reason };
  }
}
