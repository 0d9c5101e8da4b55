/**
 * What a TCP/TLS syslog sink holds (docs/gateway.md, Syslog delivery): lines waiting for a connection,
 * and lines written to the current connection that are not yet known to have reached the collector (the
 * replay window). Both count against one bound. When the connection is lost, the unconfirmed lines go back
 * ahead of the waiting ones, so the next connection sends them again: at least once, never silently lost.
 */
import { LineQueue } from './lineQueue.ts';

/** A line written to the current connection; `end` is the byte offset just past it on that connection. */
interface SentLine {
  readonly line: string;
  readonly end: number;
}

/** The collector's TCP had acknowledged every byte before `acked` at time `at` (ms). */
interface Checkpoint {
  readonly acked: number;
  readonly at: number;
}

/** Waiting and unconfirmed lines of one sink, bounded together by `limit`. */
export class ReplayBuffer {
  private readonly waiting = new LineQueue<string>();
  private readonly unconfirmed = new LineQueue<SentLine>();
  private readonly checkpoints = new LineQueue<Checkpoint>();
  /** Bytes handed to the current connection so far. */
  private written = 0;
  /** Bytes of the current connection whose write completed, i.e. they are in the kernel. */
  private inKernel = 0;
  private lastAcked = 0;

  constructor(readonly limit: number) {}

  /** Lines not yet written to a connection. */
  get waitingLines(): number {
    return this.waiting.length;
  }

  /** Lines written to the current connection and still kept for replay. */
  get unconfirmedLines(): number {
    return this.unconfirmed.length;
  }

  /** Bytes of the current connection known to be in the kernel (their write completed). */
  get handed(): number {
    return this.inKernel;
  }

  /** Whether one more line fits under the bound. */
  hasRoom(): boolean {
    return this.waiting.length + this.unconfirmed.length < this.limit;
  }

  /** Queues a line; refused at the bound unless `overLimit` (the caller checked room before a notice). */
  add(line: string, overLimit = false): boolean {
    if (!overLimit && !this.hasRoom()) return false;
    this.waiting.push(line);
    return true;
  }

  /**
   * Whether a drop notice may be queued: up to one line past the bound, so the notice of lines dropped at
   * the bound is never itself dropped, and notices never pile up beyond it.
   */
  roomForNotice(): boolean {
    return this.waiting.length + this.unconfirmed.length <= this.limit;
  }

  /** The next waiting line to write; from now on it is unconfirmed. */
  next(): SentLine | undefined {
    const line = this.waiting.shift();
    if (line === undefined) return undefined;
    this.written += Buffer.byteLength(line);
    const sent = { line, end: this.written };
    this.unconfirmed.push(sent);
    return sent;
  }

  /** A write completed: the bytes before `end` are in the kernel. */
  reachedKernel(end: number): void {
    if (end > this.inKernel) this.inKernel = end;
  }

  /** The collector's TCP has acknowledged the bytes before `acked` at time `at`. */
  acknowledged(acked: number, at: number): void {
    if (acked <= this.lastAcked) return;
    this.lastAcked = acked;
    this.checkpoints.push({ acked, at });
  }

  /**
   * Lines acknowledged at least `replayMs` before `now`, on a connection still open, are delivered: the
   * collector had that long to read what its kernel accepted. Returns how many left the window.
   */
  confirm(now: number, replayMs: number): number {
    let upTo = 0;
    for (let c = this.checkpoints.peek(); c !== undefined && c.at <= now - replayMs; c = this.checkpoints.peek()) {
      upTo = c.acked;
      this.checkpoints.shift();
    }
    let n = 0;
    for (let s = this.unconfirmed.peek(); s !== undefined && s.end <= upTo; s = this.unconfirmed.peek()) {
      this.unconfirmed.shift();
      n++;
    }
    return n;
  }

  /** The collector closed its side after reading ours to the end: every unconfirmed line arrived. */
  confirmAll(): number {
    return this.unconfirmed.drain().length;
  }

  /** The connection is lost: unconfirmed lines go back ahead of the waiting ones; returns how many. */
  requeue(): number {
    const lines = this.unconfirmed.drain().map((s) => s.line);
    this.waiting.prepend(lines);
    this.checkpoints.drain();
    this.written = 0;
    this.inKernel = 0;
    this.lastAcked = 0;
    return lines.length;
  }

  /** Discards the waiting lines (shutdown); returns how many. */
  discardWaiting(): number {
    return this.waiting.drain().length;
  }

  /** Discards every line held (shutdown); returns how many. */
  discardAll(): number {
    return this.discardWaiting() + this.unconfirmed.drain().length;
  }
}
