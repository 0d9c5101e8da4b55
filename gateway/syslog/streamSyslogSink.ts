/**
 * Syslog over TCP or TLS with octet-counting (RFC 6587 §3.4.1) or newline framing. Lines wait in a
 * bounded buffer while the connection is down; it reconnects with backoff. A full buffer drops the
 * newest line and counts it, so a dead collector never blocks traps or grows memory.
 */

import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { formatRfc3164, formatRfc5424, type SyslogRecord } from '../../core/syslogFormat.ts';
import type { SyslogSink } from './syslogSink.ts';

/** Options of one TCP/TLS destination. */
export interface StreamSyslogOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly format: 'rfc3164' | 'rfc5424';
  readonly framing: 'octet-counted' | 'newline';
  readonly bufferLines: number;
  /** PEM file of the CA that signs the collector's certificate (TLS). */
  readonly ca?: string;
  readonly rejectUnauthorized?: boolean;
}

/** One TCP/TLS connection per destination, kept open and re-established when it drops. */
export class StreamSyslogSink implements SyslogSink {
  readonly name: string;
  private socket: Socket | undefined;
  private connected = false;
  private readonly queue: string[] = [];
  private dropped = 0;
  private closed = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | undefined;
  private readonly ca: Buffer | undefined;

  constructor(private readonly opts: StreamSyslogOptions) {
    this.name = `${opts.tls ? 'tls' : 'tcp'} ${opts.host}:${opts.port}`;
    this.ca = opts.ca ? readFileSync(opts.ca) : undefined;
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port } = this.opts;
    const onConnect = () => {
      this.connected = true;
      this.retryMs = 250;
      this.flush();
    };
    const socket = this.opts.tls
      ? tlsConnect(
          {
            host,
            port,
            servername: host,
            ...(this.ca ? { ca: this.ca } : {}),
            rejectUnauthorized: this.opts.rejectUnauthorized ?? true,
          },
          onConnect,
        )
      : netConnect({ host, port }, onConnect);
    socket.setNoDelay(true);
    socket.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    socket.on('close', () => {
      this.connected = false;
      if (this.socket === socket) this.socket = undefined;
      this.scheduleReconnect();
    });
    socket.on('drain', () => this.flush());
    // The collector never talks back; reading keeps a half-closed peer from going unnoticed.
    socket.on('data', () => {});
    this.socket = socket;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  private frame(record: SyslogRecord): string {
    const line = this.opts.format === 'rfc5424' ? formatRfc5424(record) : formatRfc3164(record);
    return this.opts.framing === 'octet-counted' ? `${Buffer.byteLength(line)} ${line}` : `${line}\n`;
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || !this.connected) return;
    while (this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      if (!socket.write(chunk)) return; // resumes on 'drain'
    }
  }

  write(record: SyslogRecord): boolean {
    if (this.closed) return false;
    if (this.queue.length >= this.opts.bufferLines) {
      this.dropped++;
      return false;
    }
    this.queue.push(this.frame(record));
    this.flush();
    return true;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  /** Lines waiting for the connection (for tests and the drop report). */
  get buffered(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const until = Date.now() + 2000;
    // Wait while connected or still connecting; a collector that is down gets no grace period.
    while (this.queue.length > 0 && this.socket !== undefined && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.dropped += this.queue.length;
    this.queue.length = 0;
    const socket = this.socket;
    if (socket) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          socket.destroy();
          resolve();
        }, 1000);
        socket.end(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
