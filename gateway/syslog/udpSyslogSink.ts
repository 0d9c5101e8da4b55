/** Syslog over UDP (RFC 3164 by default, RFC 5424 optional): one datagram per line. */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { formatRfc3164, formatRfc5424, type SyslogRecord } from '../../core/syslogFormat.ts';
import { DropAccount } from './dropAccount.ts';
import type { SyslogSink, SyslogSinkStats } from './syslogSink.ts';

/** One UDP socket per destination; a send error is counted as a dropped line (UDP knows no more). */
export class UdpSyslogSink implements SyslogSink {
  readonly name: string;
  private readonly socket: Socket;
  private readonly drops = new DropAccount();
  private pending = 0;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly format: 'rfc3164' | 'rfc5424',
  ) {
    this.name = `udp ${host}:${port}`;
    this.socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('error', () => this.drops.lost());
    this.socket.unref();
  }

  write(record: SyslogRecord): boolean {
    if (this.closed) return false;
    const line = this.format === 'rfc5424' ? formatRfc5424(record) : formatRfc3164(record);
    this.pending++;
    this.socket.send(line, this.port, this.host, (error) => {
      this.pending--;
      if (error) this.drops.lost();
    });
    return true;
  }

  stats(): SyslogSinkStats {
    return { waiting: this.pending, unconfirmed: 0, dropped: this.drops.total, reconnects: 0 };
  }

  takeDropped(): number {
    return this.drops.take();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const until = Date.now() + 1000;
    while (this.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
