/**
 * The soak's load, open-loop at fixed rates (a slow answer never slows the sender down, so latency is
 * measured honestly): batches of fresh ids, batches of ids sent before, requests with a bad signature,
 * bodies over the size limit. Like the scheduled check, it sends an id again until every trap host has
 * acknowledged it (the gateway then sends only to the hosts that miss it).
 */
import type { Notification } from '../../protocol/notification.ts';
import { rawRequest, signedHeaders } from '../../test/helpers/gatewayClient.ts';
import type { SoakOptions } from './soakOptions.ts';
import { seededRandom } from './stats.ts';

/** The kinds of request the soak sends. */
export type RequestKind = 'valid' | 'duplicate' | 'retry' | 'badSignature' | 'oversize';
export const REQUEST_KINDS: readonly RequestKind[] = ['valid', 'duplicate', 'retry', 'badSignature', 'oversize'];

/** Appliance names: fresh ids, and the refused requests (a receiver must see none of the latter). */
export const VALID_PREFIX = 'soak-';
export const FORGED_PREFIX = 'forged-';
export const OVERSIZE_PREFIX = 'oversize-';

/** What the gateway answers per notification (docs/gateway.md, HTTP answers). */
interface ResultBody {
  readonly results: ReadonlyArray<{
    readonly id: string;
    readonly duplicate: boolean;
    readonly traps: ReadonlyArray<{ readonly host: string; readonly ok: boolean }>;
  }>;
}

/** Counts per request kind. */
export interface KindCounts {
  requests: number;
  notifications: number;
  /** By HTTP status, or `error` for a request that got no answer. */
  statuses: Record<string, number>;
  latenciesMs: number[];
}

/** Latencies of the notification requests answered 200 since the last call, and what else happened. */
export interface IntervalLoad {
  readonly latenciesMs: number[];
  /** Notification requests that ended in the interval, answered or not. */
  requests: number;
}

/** Where and how to send, and at which rates. */
export interface SoakLoadOptions {
  readonly url: string;
  readonly keyId: string;
  readonly secret: string;
  readonly rates: SoakOptions['rates'];
  readonly retryEverySeconds: number;
  /** Trap host labels every id must be acknowledged by. */
  readonly hosts: readonly string[];
  /** Already-remembered ids the duplicates may use until `seedUsableUntil` (performance.now()). */
  readonly seeds: readonly Notification[];
  readonly seedUsableUntil: number;
}

/** Requests in flight at most; beyond it a scheduled request is skipped and counted. */
const MAX_IN_FLIGHT = 64;
/** A body of just over 1 MiB (the gateway's limit). */
const OVERSIZE_PADDING = 'x'.repeat(1024 * 1024 + 1024);

/** The load generator; `start()` begins sending, `stop()` ends the schedule and waits for answers. */
export class SoakLoad {
  readonly counts: Record<RequestKind, KindCounts>;
  /** Every fresh id sent, with its notification. */
  readonly sent = new Map<string, Notification>();
  /** Ids some trap host has not acknowledged yet (or whose request got no answer). */
  readonly unacknowledged = new Map<string, Notification>();
  /** Ids answered `duplicate: false` more than once (the gateway forgot them): must stay 0. */
  forgotten = 0;
  /** Results in which some trap host failed (each is retried). */
  failedResults = 0;
  /** Ids some answer reported as failed for a trap host. */
  readonly everFailed = new Set<string>();
  /**
   * Every notification request (fresh, duplicate, retry): when it was sent and answered (performance.now())
   * and its ids. With {@link everFailed} it tells a trap an inform receiver may rightly log twice from a
   * defect.
   */
  readonly requestLog: Array<{ readonly start: number; end: number; readonly ids: readonly string[] }> = [];
  skippedAtCap = 0;
  private readonly answeredFresh = new Set<string>();
  private readonly answered: Notification[] = [];
  private readonly outstanding = new Set<string>();
  private readonly random = seededRandom(20261202);
  private serial = 0;
  private forgedSerial = 0;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private interval: IntervalLoad = { latenciesMs: [], requests: 0 };
  private readonly recentSignatures = new Map<string, number>();

  constructor(private readonly o: SoakLoadOptions) {
    this.counts = Object.fromEntries(
      REQUEST_KINDS.map((k) => [k, { requests: 0, notifications: 0, statuses: {}, latenciesMs: [] }]),
    ) as unknown as Record<RequestKind, KindCounts>;
  }

  /** Starts every schedule. */
  start(): void {
    const every = (perSecond: number, fn: () => void) => {
      if (perSecond > 0) this.timers.push(setInterval(fn, 1000 / perSecond));
    };
    const { valid, duplicate, badSignature, oversize } = this.o.rates;
    every(valid.perSecond, () => this.sendValid());
    every(duplicate.perSecond, () => this.sendDuplicates());
    every(badSignature.perSecond, () => this.sendForged());
    every(oversize.perSecond, () => this.sendOversize());
    this.timers.push(setInterval(() => this.retryUnacknowledged(), this.o.retryEverySeconds * 1000));
  }

  /** Stops the schedules and waits for the answers of requests in flight. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * After the load: sends the unacknowledged ids again every `everyMs` until every host acknowledged
   * them all or `deadlineMs` passed; resolves to how many are left.
   */
  async drain(everyMs: number, deadlineMs: number): Promise<number> {
    const until = performance.now() + deadlineMs;
    while (this.unacknowledged.size > 0 && performance.now() < until) {
      this.retryUnacknowledged();
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      if (this.unacknowledged.size > 0) await new Promise((r) => setTimeout(r, everyMs));
    }
    return this.unacknowledged.size;
  }

  /** The notification requests since the last call (their latencies), and starts a new interval. */
  takeInterval(): IntervalLoad {
    const current = this.interval;
    this.interval = { latenciesMs: [], requests: 0 };
    return current;
  }

  private nextBatchSize(maxBatch: number): number {
    return 1 + Math.floor(this.random() * maxBatch);
  }

  private fresh(prefix: string, n: number): Notification {
    const appliance = `${prefix}${n}`;
    return {
      id: `${appliance}:8B3B5CD9:expiring:2026-12-02T12`,
      appliance,
      address: '10.0.0.5',
      event: 'expiring',
      notAfter: '2027-07-06T05:04:03Z',
      observedAt: new Date().toISOString(),
    };
  }

  private sendValid(): void {
    const batch = Array.from({ length: this.nextBatchSize(this.o.rates.valid.maxBatch) }, () =>
      this.fresh(VALID_PREFIX, this.serial++),
    );
    for (const n of batch) this.sent.set(n.id, n);
    this.post('valid', batch, this.o.secret);
  }

  private sendDuplicates(): void {
    const seeds = performance.now() < this.o.seedUsableUntil ? this.o.seeds : [];
    const pool = this.answered.length + seeds.length;
    if (pool === 0) return;
    const picked = new Map<string, Notification>();
    for (let i = this.nextBatchSize(this.o.rates.duplicate.maxBatch); i > 0; i--) {
      const k = Math.floor(this.random() * pool);
      const n = k < this.answered.length ? this.answered[k]! : seeds[k - this.answered.length]!;
      picked.set(n.id, n);
    }
    this.post('duplicate', [...picked.values()], this.o.secret);
  }

  private sendForged(): void {
    const batch = Array.from({ length: this.nextBatchSize(this.o.rates.badSignature.maxBatch) }, () =>
      this.fresh(FORGED_PREFIX, this.forgedSerial++),
    );
    this.post('badSignature', batch, `${this.o.secret}-wrong`);
  }

  private sendOversize(): void {
    this.post('oversize', [this.fresh(OVERSIZE_PREFIX, this.forgedSerial++)], this.o.secret, OVERSIZE_PADDING);
  }

  /** Sends every unacknowledged id that is not in a request already, in batches of at most 500. */
  private retryUnacknowledged(): void {
    const due = [...this.unacknowledged.values()].filter((n) => !this.outstanding.has(n.id));
    for (let i = 0; i < due.length; i += 500) this.post('retry', due.slice(i, i + 500), this.o.secret);
  }

  private post(kind: RequestKind, batch: Notification[], secret: string, padding?: string): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.skippedAtCap++;
      if (kind === 'valid') for (const n of batch) this.unacknowledged.set(n.id, n);
      return;
    }
    const body = JSON.stringify(padding ? { notifications: batch, padding } : { notifications: batch });
    const headers = signedHeaders(body, { keyId: this.o.keyId, secret });
    if (this.isRecentSignature(headers['x-certmonitor-signature']!)) return; // same batch this second
    const counts = this.counts[kind];
    counts.requests++;
    counts.notifications += batch.length;
    const tracked = kind === 'valid' || kind === 'duplicate' || kind === 'retry';
    if (tracked) for (const n of batch) this.outstanding.add(n.id);
    this.inFlight++;
    const t0 = performance.now();
    const logged = tracked ? { start: t0, end: Number.POSITIVE_INFINITY, ids: batch.map((n) => n.id) } : undefined;
    if (logged) this.requestLog.push(logged);
    const p = rawRequest(this.o.url, { body, headers })
      .then(
        (r) => {
          const ms = performance.now() - t0;
          counts.statuses[r.status] = (counts.statuses[r.status] ?? 0) + 1;
          counts.latenciesMs.push(ms);
          if (!tracked) return;
          this.interval.requests++;
          if (r.status === 200) this.interval.latenciesMs.push(ms);
          this.settle(batch, r.status === 200 ? (r.body as ResultBody) : undefined);
        },
        () => {
          counts.statuses.error = (counts.statuses.error ?? 0) + 1;
          if (tracked) this.settle(batch, undefined);
        },
      )
      .finally(() => {
        if (logged) logged.end = performance.now();
        this.inFlight--;
        if (tracked) for (const n of batch) this.outstanding.delete(n.id);
        this.running.delete(p);
      });
    this.running.add(p);
  }

  /** Records what the gateway said about each id; without an answer every id stays to be sent again. */
  private settle(batch: readonly Notification[], answer: ResultBody | undefined): void {
    if (!answer) {
      for (const n of batch) if (this.sent.has(n.id)) this.unacknowledged.set(n.id, n);
      return;
    }
    const byId = new Map(batch.map((n) => [n.id, n]));
    for (const result of answer.results) {
      const n = byId.get(result.id);
      if (!n) continue;
      if (!result.duplicate) {
        if (this.answeredFresh.has(n.id)) this.forgotten++;
        this.answeredFresh.add(n.id);
        this.answered.push(n);
      }
      const everyHostOk = this.o.hosts.every((h) => result.traps.some((t) => t.host === h && t.ok));
      if (everyHostOk) {
        this.unacknowledged.delete(n.id);
      } else {
        this.failedResults++;
        this.everFailed.add(n.id);
        this.unacknowledged.set(n.id, n);
      }
    }
  }

  /** True when this exact signature was used in the last two seconds (the gateway refuses replays). */
  private isRecentSignature(signature: string): boolean {
    const now = performance.now();
    for (const [s, at] of this.recentSignatures) if (now - at > 2000) this.recentSignatures.delete(s);
    if (this.recentSignatures.has(signature)) return true;
    this.recentSignatures.set(signature, now);
    return false;
  }
}
