/**
 * Syslog over TCP or TLS with octet-counting (RFC 6587, section 3.4.1) or newline framing, delivered at least once
 * (docs/gateway.md, Syslog delivery). Plain TCP syslog has no acknowledgements, so a line written to a
 * connection is kept (the replay window) until the collector's TCP has acknowledged it and the connection
 * then stayed open for `replayMs`; when the connection is lost, the kept lines are written again on the
 * next one. Lines wait in the same bounded buffer while the collector is away; it reconnects with backoff.
 * A full buffer drops the newest line and counts it, so a dead collector never blocks traps or grows
 * memory; the count reaches the collector in a `syslogDropped` line once it works again.
 */

import { readFileSync } from 'node:fs';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { formatRfc3164, formatRfc5424, type SyslogRecord } from '../../core/syslogFormat.ts';
import { DropAccount, type DropNotice } from './dropAccount.ts';
import { ReplayBuffer } from './replayBuffer.ts';
import type { SyslogSink, SyslogSinkStats } from './syslogSink.ts';
import { unacknowledgedBytes } from './unacknowledgedBytes.ts';

/** Delivery timing of the TCP/TLS sinks (docs/gateway.md, Syslog delivery). */
export const STREAM_SYSLOG_TIMING = {
  /** How long an acknowledged line stays replayable: the collector's time to read what its kernel took. */
  replayMs: 5_000,
  /** Bytes outstanding and none acknowledged for this long: the collector is gone, connect again. */
  stallMs: 30_000,
  /** A connection (or TLS handshake) not established within this is abandoned and retried. */
  connectTimeoutMs: 10_000,
  /** TCP keepalive probes start after this much idle time. */
  keepAliveMs: 15_000,
  /** Longest wait between reconnection attempts (the backoff starts at 250 ms and doubles). */
  maxRetryMs: 30_000,
} as const;

/** Options of one TCP/TLS destination. */
export interface StreamSyslogOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly format: 'rfc3164' | 'rfc5424';
  readonly framing: 'octet-counted' | 'newline';
  /** Lines held at most: waiting for the collector plus kept for replay. */
  readonly bufferLines: number;
  /** PEM file of the CA that signs the collector's certificate (TLS). */
  readonly ca?: string;
  readonly rejectUnauthorized?: boolean;
  readonly replayMs?: number;
  readonly stallMs?: number;
  readonly connectTimeoutMs?: number;
  /** Bytes the collector's TCP has not acknowledged (default: the kernel's table; undefined: unknown). */
  readonly unacknowledged?: (socket: Socket) => number | undefined;
}

const FIRST_RETRY_MS = 250;

/** One TCP/TLS connection per destination, kept open and re-established when it drops. */
export class StreamSyslogSink implements SyslogSink {
  readonly name: string;
  private readonly buffer: ReplayBuffer;
  private readonly drops = new DropAccount();
  private readonly ca: Buffer | undefined;
  private readonly replayMs: number;
  private readonly stallMs: number;
  private readonly unacknowledged: (socket: Socket) => number | undefined;
  private socket: Socket | undefined;
  private connected = false;
  /** Which connection a write callback belongs to (callbacks of a lost one are ignored). */
  private generation = 0;
  private connectedAt = 0;
  private everConnected = false;
  private reconnects = 0;
  private closed = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  /** Since when bytes are outstanding without any being acknowledged, and how many were then. */
  private stall: { readonly acked: number; readonly since: number } | undefined;

  constructor(private readonly opts: StreamSyslogOptions) {
    this.name = `${opts.tls ? 'tls' : 'tcp'} ${opts.host}:${opts.port}`;
    this.ca = opts.ca ? readFileSync(opts.ca) : undefined;
    this.buffer = new ReplayBuffer(opts.bufferLines);
    this.replayMs = opts.replayMs ?? STREAM_SYSLOG_TIMING.replayMs;
    this.stallMs = opts.stallMs ?? STREAM_SYSLOG_TIMING.stallMs;
    this.unacknowledged = opts.unacknowledged ?? unacknowledgedBytes;
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = this.open(() => this.onConnect(socket));
    this.generation++;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, STREAM_SYSLOG_TIMING.keepAliveMs);
    socket.setTimeout(this.opts.connectTimeoutMs ?? STREAM_SYSLOG_TIMING.connectTimeoutMs, () => {
      if (!this.connected) socket.destroy();
    });
    socket.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    // The collector closed its side: whatever we write now is lost, so treat the connection as lost.
    socket.on('end', () => {
      if (!this.closed) socket.destroy();
    });
    socket.on('close', () => this.onClose(socket));
    socket.on('drain', () => this.flush());
    // The collector never talks back; reading notices its FIN or RST as soon as it comes.
    socket.on('data', () => {});
    this.socket = socket;
  }

  private open(onConnect: () => void): Socket {
    const { host, port } = this.opts;
    if (!this.opts.tls) return netConnect({ host, port }, onConnect);
    return tlsConnect(
      {
        host,
        port,
        // SNI carries names only (RFC 6066); the certificate is still checked against an IP address.
        ...(isIP(host) ? {} : { servername: host }),
        ...(this.ca ? { ca: this.ca } : {}),
        rejectUnauthorized: this.opts.rejectUnauthorized ?? true,
      },
      onConnect,
    );
  }

  private onConnect(socket: Socket): void {
    if (socket !== this.socket || this.closed) return;
    socket.setTimeout(0);
    this.connected = true;
    this.connectedAt = Date.now();
    if (this.everConnected) this.reconnects++;
    this.everConnected = true;
    const tickMs = Math.max(10, Math.min(1000, Math.floor(this.replayMs / 4)));
    this.tickTimer = setInterval(() => this.tick(), tickMs);
    this.tickTimer.unref();
    this.flush();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    const wasConnected = this.connected;
    this.socket = undefined;
    this.connected = false;
    this.stall = undefined;
    this.generation++;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    if (this.closed) return;
    // Whatever the collector may not have read is written again on the next connection.
    this.buffer.requeue();
    // A connection that lasted resets the backoff; one refused or dropped at once keeps it growing.
    if (wasConnected && Date.now() - this.connectedAt >= this.replayMs) this.retryMs = FIRST_RETRY_MS;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, STREAM_SYSLOG_TIMING.maxRetryMs);
  }

  /** Confirms what the collector acknowledged long enough ago, and drops a connection that stalled. */
  private tick(): void {
    const socket = this.socket;
    if (!socket || !this.connected) return;
    if (this.buffer.unconfirmedLines === 0 && socket.writableLength === 0) {
      this.stall = undefined;
    } else {
      const now = Date.now();
      const unacked = this.unacknowledged(socket);
      // Without the kernel's figure, what is in the kernel counts as acknowledged (time alone decides).
      const acked = Math.max(0, this.buffer.handed - (unacked ?? 0));
      this.buffer.acknowledged(acked, now);
      this.buffer.confirm(now, this.replayMs);
      if (this.stalled(socket, acked, (unacked ?? 0) > 0, now)) {
        socket.destroy();
        return;
      }
    }
    this.announce();
    this.flush();
  }

  /** True once bytes were outstanding for `stallMs` without the collector acknowledging any. */
  private stalled(socket: Socket, acked: number, unacked: boolean, now: number): boolean {
    const outstanding = unacked || socket.writableLength > 0;
    if (!outstanding || this.stall === undefined || acked > this.stall.acked) {
      this.stall = outstanding ? { acked, since: now } : undefined;
      return false;
    }
    return now - this.stall.since >= this.stallMs;
  }

  private frame(record: SyslogRecord): string {
    const line = this.opts.format === 'rfc5424' ? formatRfc5424(record) : formatRfc3164(record);
    return this.opts.framing === 'octet-counted' ? `${Buffer.byteLength(line)} ${line}` : `${line}\n`;
  }

  /** Writes waiting lines until the socket asks to wait for 'drain'. */
  private flush(): void {
    const socket = this.socket;
    if (!socket || !this.connected || socket.writableNeedDrain) return;
    const generation = this.generation;
    socket.cork();
    for (let sent = this.buffer.next(); sent !== undefined; sent = this.buffer.next()) {
      const end = sent.end;
      const more = socket.write(sent.line, (error) => {
        if (!error && generation === this.generation) this.buffer.reachedKernel(end);
      });
      if (!more) break; // resumes on 'drain'
    }
    socket.uncork();
  }

  /**
   * Queues the notice of the lines lost since the last one, at the tail, which is where they are missing
   * (a full buffer drops the newest lines). At most one line past the bound, except at shutdown (`force`).
   */
  private announce(force = false): void {
    if (!force && !this.buffer.roomForNotice()) return;
    const notice = this.drops.announcement();
    if (notice) this.buffer.add(this.frame(notice), true);
  }

  write(record: SyslogRecord): boolean {
    if (this.closed) return false;
    if (!this.buffer.hasRoom()) {
      this.drops.lost();
      return false;
    }
    this.announce();
    this.buffer.add(this.frame(record), true);
    this.flush();
    return true;
  }

  takeDropped(): number {
    return this.drops.take();
  }

  announceDropsWith(notice: DropNotice): void {
    this.drops.announceWith(notice);
  }

  stats(): SyslogSinkStats {
    return {
      waiting: this.buffer.waitingLines,
      unconfirmed: this.buffer.unconfirmedLines,
      dropped: this.drops.total,
      reconnects: this.reconnects,
    };
  }

  /**
   * Writes what waits within 2 s while connected or connecting (a collector that is down gets no grace),
   * then closes our side and waits up to 2 s for the collector to close its own: it does so only after
   * reading everything, which confirms the replay window. Lines neither written nor so confirmed count as
   * dropped (some of the unconfirmed may have arrived).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.connected) this.announce(true);
    this.flush();
    const until = Date.now() + 2000;
    while (this.buffer.waitingLines > 0 && this.socket !== undefined && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.drops.lost(this.buffer.discardWaiting());
    const socket = this.socket;
    if (socket && this.connected && (await peerClosesAfterUs(socket, 2000))) this.buffer.confirmAll();
    socket?.destroy();
    this.drops.lost(this.buffer.discardAll());
  }
}

/** Ends our side and resolves true when the peer closes its side (it read to the end) within `ms`. */
function peerClosesAfterUs(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.end();
  });
}
