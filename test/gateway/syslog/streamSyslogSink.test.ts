/**
 * At-least-once delivery of the TCP/TLS syslog sink (docs/gateway.md, Syslog delivery): against plain
 * node TCP and TLS collectors on loopback that are stopped and started again on the same port, and against
 * Debian's rsyslogd restarted in the middle of a burst. Lines a collector never read are written again
 * on the next connection; a full buffer's losses reach the collector as one `syslogDropped` line with the
 * exact count. Waits have deadlines; nothing asserts how long anything took.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { type StreamSyslogOptions, StreamSyslogSink } from '../../../gateway/syslog/streamSyslogSink.ts';
import { SyslogWriter } from '../../../gateway/syslog/syslogWriter.ts';
import { type RunningRsyslog, startRsyslog } from '../../helpers/rsyslog.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../../helpers/selfSignedCert.ts';
import { waitUntil } from '../../helpers/waitUntil.ts';

const clock = () => new Date('2026-11-24T09:05:01Z');

/** A collector on one loopback port that can be stopped and started again on it, plain TCP or TLS. */
class Collector {
  port = 0;
  private server: Server | undefined;
  /** What each connection delivered, in order of the connections. */
  readonly connections: { socket: Socket; data: string }[] = [];
  /** Every TCP connection, a TLS handshake in progress included. */
  private readonly raw: Socket[] = [];

  constructor(private readonly cert?: SelfSignedCert) {}

  /** Listens (on port 0 the first time); `read: false` accepts connections but never reads them. */
  async start(options: { read: boolean; halfOpen?: boolean } = { read: true }): Promise<void> {
    const onConnection = (socket: Socket) => {
      const conn = { socket, data: '' };
      this.connections.push(conn);
      if (!options.read) return void socket.pause();
      socket.on('data', (d: Buffer) => {
        conn.data += d.toString();
      });
      socket.on('error', () => {});
    };
    const allowHalfOpen = options.halfOpen ?? false;
    this.server = this.cert
      ? createTlsServer({ cert: this.cert.certPem, key: this.cert.keyPem, allowHalfOpen }, onConnection)
      : createNetServer({ allowHalfOpen }, onConnection);
    this.server.on('connection', (socket: Socket) => this.raw.push(socket));
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Stops at once: connections are destroyed, with what they did not read (the kernel answers RST). */
  async stop(): Promise<void> {
    for (const socket of [...this.connections.map((c) => c.socket), ...this.raw]) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Every line received, over all connections (newline framing). */
  lines(): string[] {
    return this.connections.flatMap((c) => c.data.split('\n').filter((l) => l !== ''));
  }

  /** The appliance names (HOSTNAME) of the lines received, each once. */
  hosts(): Set<string> {
    return new Set(this.lines().map((l) => l.split(' ')[3]!));
  }
}

function sinkFor(c: Collector, extra: Partial<StreamSyslogOptions> = {}): StreamSyslogSink {
  return new StreamSyslogSink({
    host: '127.0.0.1',
    port: c.port,
    tls: false,
    format: 'rfc3164',
    framing: 'newline',
    bufferLines: 1000,
    ...extra,
  });
}

const names = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `hsm${from + i}`);

describe('StreamSyslogSink', () => {
  for (const variant of ['tcp', 'tls'] as const) {
    it(`${variant}: lines written around a collector restart all arrive, those it never read included`, async () => {
      const cert = variant === 'tls' ? makeSelfSignedCert() : undefined;
      const c = new Collector(cert);
      // The first collector accepts but never reads: the kernel takes the bytes, nobody reads them.
      await c.start({ read: false });
      const sink = sinkFor(c, variant === 'tls' ? { tls: true, ca: cert!.certFile } : {});
      const stderr: string[] = [];
      const w = new SyslogWriter([sink], 'gw', 9, (l) => stderr.push(l), clock);
      for (const n of names(1, 50)) assert.equal(w.appliance(n, 'missing'), true);
      await waitUntil('50 lines on the first connection', () => sink.stats().unconfirmed === 50);
      await c.stop();
      for (const n of names(51, 100)) assert.equal(w.appliance(n, 'missing'), true, 'buffered while away');
      await c.start({ read: true });
      await waitUntil('100 distinct lines', () => c.hosts().size === 100, 20_000);
      assert.deepEqual([...c.hosts()].sort(), names(1, 100).sort());
      assert.ok(sink.stats().reconnects >= 1);
      await w.close();
      assert.equal(sink.stats().dropped, 0, 'the collector closed after reading everything: nothing lost');
      assert.deepEqual(stderr, []);
      await c.stop();
      cert?.remove();
    });
  }

  it('tells the collector, once it is back, exactly how many lines a full buffer dropped', async () => {
    const c = new Collector();
    await c.start({ read: true });
    await c.stop(); // a port that was free a moment ago, nothing listening now
    const sink = sinkFor(c, { bufferLines: 5 });
    const stderr: string[] = [];
    const w = new SyslogWriter([sink], 'gw', 9, (l) => stderr.push(l), clock);
    const accepted = names(1, 8).map((n) => w.appliance(n, 'missing'));
    assert.deepEqual(accepted, [true, true, true, true, true, false, false, false]);
    assert.equal(w.reportDrops(), 3);
    assert.match(stderr[0]!, /Dropped 3 syslog message\(s\) for syslog host tcp 127\.0\.0\.1:\d+\n$/);
    await c.start({ read: true });
    await waitUntil('5 lines and the drop notice', () => c.lines().length >= 6, 20_000);
    await w.close();
    const lines = c.lines();
    assert.deepEqual(
      lines.slice(0, 5).map((l) => l.split(' ')[3]),
      names(1, 5),
    );
    assert.equal(
      lines[5],
      `<172>Nov 24 09:05:01 gw certmonitord[9]: warning : 0 : Dropped 3 syslog message(s) for syslog host tcp 127.0.0.1:${c.port}`,
    );
    assert.equal(lines.length, 6, 'the periodic report did not send the same loss to this collector again');
    await c.stop();
  });

  it('keeps a line until the collector acknowledged it and replayMs has passed; without the kernel figure, time decides', async () => {
    const c = new Collector();
    await c.start({ read: true });
    let unacked: number | undefined = 1 << 30;
    let probes = 0;
    const sink = sinkFor(c, {
      replayMs: 20,
      stallMs: 3_600_000,
      unacknowledged: () => {
        probes++;
        return unacked;
      },
    });
    const w = new SyslogWriter([sink], 'gw', 9, null, clock);
    for (const n of names(1, 10)) w.appliance(n, 'missing');
    await waitUntil('10 lines at the collector', () => c.lines().length === 10);
    const seen = probes;
    // Ticks come at least 10 ms apart, so ten of them span more than replayMs.
    await waitUntil('ten more ticks', () => probes >= seen + 10);
    assert.equal(sink.stats().unconfirmed, 10, 'not acknowledged by the collector: still kept');
    unacked = undefined;
    await waitUntil('the window confirmed', () => sink.stats().unconfirmed === 0);
    await w.close();
    await c.stop();
  });

  it('drops a connection on which nothing is acknowledged for stallMs and replays its lines on a new one', async () => {
    const c = new Collector();
    await c.start({ read: true });
    const sink = sinkFor(c, { replayMs: 3_600_000, stallMs: 50, unacknowledged: () => 1 << 30 });
    const w = new SyslogWriter([sink], 'gw', 9, null, clock);
    for (const n of names(1, 5)) w.appliance(n, 'missing');
    await waitUntil('the 5 lines again on a second connection', () => {
      const second = c.connections[1]?.data ?? '';
      return second.split('\n').filter(Boolean).length >= 5;
    });
    assert.equal(c.connections[0]!.data.split('\n').filter(Boolean).length, 5);
    assert.ok(sink.stats().reconnects >= 1);
    await w.close();
    await c.stop();
  });

  it('at shutdown counts the lines a collector did not confirm by closing its side, on stderr', async () => {
    const c = new Collector();
    // A collector that reads but never closes its side: nothing proves it read the last lines.
    await c.start({ read: true, halfOpen: true });
    const sink = sinkFor(c, { replayMs: 3_600_000 });
    const stderr: string[] = [];
    const w = new SyslogWriter([sink], 'gw', 9, (l) => stderr.push(l), clock);
    for (const n of names(1, 4)) w.appliance(n, 'missing');
    await waitUntil('4 lines at the collector', () => c.lines().length === 4);
    await w.close();
    assert.equal(sink.stats().dropped, 4);
    assert.match(stderr.join(''), /Dropped 4 syslog message\(s\) for syslog host tcp 127\.0\.0\.1:\d+\n$/);
    await c.stop();
  });
});

describe('StreamSyslogSink against rsyslogd restarted in the middle of a burst', () => {
  const N = 2000;
  let r: RunningRsyslog;
  before(async () => {
    r = await startRsyslog({ tcp: true });
  });
  after(async () => {
    await r.stop();
  });

  /** Appliance names of the certmonitord lines rsyslog wrote, each once, and its syslogDropped lines. */
  function received(): { hosts: Set<string>; drops: string[] } {
    const lines = r.lines().filter((l) => l.includes('certmonitord['));
    const drops = [...new Set(lines.filter((l) => l.includes('Dropped ')))];
    return { hosts: new Set(lines.filter((l) => !l.includes('Dropped ')).map((l) => l.split('|')[2]!)), drops };
  }

  /**
   * Lines `from`..`to` in chunks of 100, yielding between chunks so the socket sends meanwhile. Returns
   * how many the writer refused (buffer full).
   */
  async function burst(w: SyslogWriter, from: number, to: number, prefix: string): Promise<number> {
    let refused = 0;
    for (let i = from; i <= to; i++) {
      if (!w.appliance(`${prefix}${i}`, 'missing')) refused++;
      if (i % 100 === 0) await new Promise((res) => setImmediate(res));
    }
    return refused;
  }

  /**
   * The burst: 1..1000 to a running rsyslogd; it hangs (SIGSTOP) and takes 1001..1100 into its kernel
   * without reading them; it is killed (SIGKILL: the kernel answers the unread bytes with RST); 1101..N
   * are written while it is down; it starts again on the same port.
   */
  async function burstAcrossRestart(w: SyslogWriter, prefix: string): Promise<number> {
    let refused = await burst(w, 1, 1000, prefix);
    r.signal('SIGSTOP');
    refused += await burst(w, 1001, 1100, prefix);
    await r.halt('SIGKILL');
    refused += await burst(w, 1101, N, prefix);
    await r.start();
    return refused;
  }

  function sink(bufferLines: number): StreamSyslogSink {
    // replayMs far beyond the test's length: no line leaves the window before the restart, however slow the machine.
    return new StreamSyslogSink({
      host: '127.0.0.1',
      port: r.tcpPort!,
      tls: false,
      format: 'rfc3164',
      framing: 'octet-counted',
      bufferLines,
      replayMs: 3_600_000,
    });
  }

  it(`every one of ${N} lines arrives when the buffer holds them`, async () => {
    const s = sink(10_000);
    const w = new SyslogWriter([s], 'gw', 4242, null, clock);
    assert.equal(await burstAcrossRestart(w, 'a'), 0);
    await waitUntil(
      `${N} distinct lines at rsyslogd`,
      () => [...received().hosts].filter((h) => h.startsWith('a')).length >= N,
      60_000,
    );
    const hosts = received().hosts;
    for (let i = 1; i <= N; i++) assert.ok(hosts.has(`a${i}`), `a${i} arrived`);
    assert.deepEqual(received().drops, []);
    await w.close();
    assert.equal(s.stats().dropped, 0);
  });

  it('with a small buffer, the drop line says exactly how many did not arrive', async () => {
    const s = sink(1200);
    const w = new SyslogWriter([s], 'gw', 4242, null, clock);
    const refused = await burstAcrossRestart(w, 'b');
    assert.ok(refused > 0, 'the bound was hit');
    const dropLine = `Dropped ${refused} syslog message(s) for syslog host tcp 127.0.0.1:${r.tcpPort}`;
    await waitUntil(
      'every accepted line and the drop line',
      () =>
        [...received().hosts].filter((h) => h.startsWith('b')).length >= N - refused &&
        received().drops.some((l) => l.endsWith(dropLine)),
      60_000,
    );
    await w.close();
    const got = [...received().hosts].filter((h) => h.startsWith('b'));
    assert.equal(got.length, N - refused, 'missing lines are exactly those the drop line counts');
    assert.deepEqual(
      received().drops.map((l) => l.split('|').at(-1)),
      [`<172>Nov 24 09:05:01 gw certmonitord[4242]: warning : 0 : ${dropLine}`],
    );
  });
});
