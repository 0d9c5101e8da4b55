/**
 * An in-process UDP syslog listener for `certmonitor demo`: keeps each datagram the gateway sends as one
 * line, so the demo shows the RFC 3164 lines a SIEM would receive without needing rsyslog.
 */
import { createSocket } from 'node:dgram';

/** A started listener. */
export interface DemoSyslogListener {
  readonly port: number;
  /** Lines received since the last call, in arrival order, trailing newline removed. */
  take(): string[];
  /** Resolves once no datagram has arrived for `quietMs` (or after `timeoutMs`), never at once. */
  settle(quietMs: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts listening on 127.0.0.1 and a port the system picks. */
export async function startDemoSyslogListener(): Promise<DemoSyslogListener> {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  let lastArrival = Date.now();
  socket.on('message', (msg) => {
    lastArrival = Date.now();
    // Control characters other than tab are shown escaped: the demo prints what arrived, never raw bytes.
    const text = msg
      .toString('utf8')
      .replace(/\r?\n$/, '')
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    lines.push(text);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    port: socket.address().port,
    take: () => lines.splice(0),
    async settle(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // Always give the event loop a turn: datagrams already sent may not have been read yet.
      await new Promise((r) => setTimeout(r, 20));
      while (Date.now() < deadline && Date.now() - lastArrival < quietMs) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
