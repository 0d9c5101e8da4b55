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
 */
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { logEntry } from '../core/logEntry.ts';
import { readCertificateFile } from '../core/readCertificateFile.ts';
import { startDeadline } from './deadline.ts';
import { DeadlineError, DestinationConflictError } from './errors.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { ntlsTargetOf, peerOf } from './ntlsTarget.ts';
import type {
  CaptureResult,
  CertificateCapture,
  CertificateDestination,
  Inventory,
  InventoryEntry,
  LogSink,
  StoredCertificate,
} from './ports.ts';

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
  readonly durationMs: number;
}

/**
 * `promise`, or a {@link DeadlineError} as soon as `signal` aborts, whichever comes first. A port that
 * settles in its own abort handler (the capture hands over a certificate it already has) still wins:
 * the rejection waits one timer turn, which its settlement precedes.
 */
function beforeDeadline<T>(promise: Promise<T>, signal: AbortSignal, step: string): Promise<T> {
  const late = () => new DeadlineError(`out of time while ${step} (timeout)`);
  if (signal.aborted) return Promise.reject(late());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => setTimeout(() => reject(late()), 0);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A short reason for an unexpected failure: our errors' messages, otherwise only a class name. */
function reasonOf(error: unknown): string {
  if (error instanceof CertmonitorError) return error.message;
  const label = errorLabel(error);
  return label?.endsWith('Error') ? label : 'unexpected error';
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The fields of the captured certificate the result reports, read by the core's own reader. */
function describeCapture(pem: Uint8Array, certificates: number): Partial<CollectResult> {
  const base = { certificates, bytes: pem.length };
  try {
    const { certificate } = readCertificateFile(pem);
    return {
      ...base,
      fingerprintSha256: certificate.fingerprintSha256,
      notAfter: certificate.notAfter.toISOString(),
      subject: certificate.subject,
    };
  } catch (error) {
    return { ...base, certificateError: reasonOf(error) };
  }
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
  return run.summary(Math.round(performance.now() - started));
}

/** One run's counts and the per-appliance procedure. */
class CollectRun {
  private readonly counts = { changed: 0, unchanged: 0, failed: 0, skipped: 0 };

  constructor(
    private readonly options: CollectOptions,
    private readonly inventoryProblems: number,
  ) {}

  summary(durationMs: number): CollectSummary {
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
      durationMs,
    };
  }

  /** Collects one appliance, logs its line and reports its result. Never throws. */
  async collect(appliance: string): Promise<void> {
    const started = performance.now();
    const entry = this.options.inventory.appliances[appliance] ?? {};
    let result: Omit<CollectResult, 'durationMs'>;
    try {
      result = await this.collectEntry(appliance, entry);
    } catch (error) {
      const target = ntlsTargetOf(entry);
      result = this.fail(appliance, target && peerOf(target), 'collectFailed', reasonOf(error));
    }
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
      ).catch((error: unknown) => ({ kind: 'failed' as const, reason: reasonOf(error) }));
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
    const failPublish = (error: unknown) =>
      this.fail(appliance, peer, 'publishFailed', reasonOf(error), { ...found, destination: destination.description });
    let stored: StoredCertificate;
    try {
      stored = await beforeDeadline(destination.read(appliance, signal), signal, 'reading the stored certificate');
    } catch (error) {
      return failPublish(error);
    }
    if (sameBytes(stored.bytes, pem)) {
      log.write(logEntry('collectUnchanged', { peer }, appliance), { result: 'unchanged' });
      return { ...found, result: 'unchanged' };
    }
    if (dryRun) {
      log.write(logEntry('collectDryRun', { peer }, appliance), { result: 'changed' });
      return { ...found, result: 'changed', published: false };
    }
    try {
      await beforeDeadline(destination.write(appliance, pem, stored, signal), signal, 'publishing the certificate');
    } catch (error) {
      if (!(error instanceof DestinationConflictError)) return failPublish(error);
      // Another collector published first: fine if it published the same certificate.
      const now = await beforeDeadline(destination.read(appliance, signal), signal, 'reading the stored certificate');
      if (!sameBytes(now.bytes, pem)) return failPublish(error);
      log.write(logEntry('collectUnchanged', { peer }, appliance), { result: 'unchanged' });
      return { ...found, result: 'unchanged' };
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
