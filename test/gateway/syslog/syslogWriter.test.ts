/** Syslog output against Debian's rsyslogd (UDP, TCP), a TLS listener, and the lunalogs file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { createSyslogSinks } from '../../../gateway/syslog/createSyslogSinks.ts';
import { StreamSyslogSink } from '../../../gateway/syslog/streamSyslogSink.ts';
import { SyslogWriter } from '../../../gateway/syslog/syslogWriter.ts';
import { freeTcpPort } from '../../helpers/freePort.ts';
import { type RunningRsyslog, startRsyslog } from '../../helpers/rsyslog.ts';
import { makeSelfSignedCert } from '../../helpers/selfSignedCert.ts';

const NOW = new Date('2026-11-24T09:05:01Z');
const clock = () => NOW;
let r: RunningRsyslog;
let dir: string;
before(async () => {
  r = await startRsyslog({ udp: true, tcp: true });
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-syslog-'));
});
after(async () => {
  await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SyslogWriter', () => {
  it('delivers exact RFC 3164 lines over UDP and TCP (both framings) and RFC 5424, parsed by rsyslog', async () => {
    const sinks = createSyslogSinks([
      {
        transport: 'udp',
        host: '127.0.0.1',
        port: r.udpPort!,
        format: 'rfc3164',
        framing: 'newline',
        rejectUnauthorized: true,
        bufferLines: 10,
      },
      {
        transport: 'tcp',
        host: '127.0.0.1',
        port: r.tcpPort!,
        format: 'rfc3164',
        framing: 'octet-counted',
        rejectUnauthorized: true,
        bufferLines: 10,
      },
      {
        transport: 'tcp',
        host: '127.0.0.1',
        port: r.tcpPort!,
        format: 'rfc5424',
        framing: 'newline',
        rejectUnauthorized: true,
        bufferLines: 10,
      },
    ]);
    const w = new SyslogWriter(sinks, 'gw-host', 4242, null, clock);
    assert.equal(w.appliance('hsm01', 'willExpire', { notAfter: 'Jul  6 05:04:03 2027 GMT' }), true);
    w.lifecycle('started');
    await w.close();
    const lines = await r.waitFor(6);
    const expiring =
      '<174>Nov 24 09:05:01 hsm01 certmonitord[4242]: info : 0 : NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT';
    const started =
      '<174>Nov 24 09:05:01 gw-host certmonitord[4242]: info : 0 : NTLS certificate expiry monitor started';
    assert.equal(lines.filter((l) => l === `local5|info|hsm01|certmonitord[4242]:|${expiring}`).length, 2);
    assert.equal(lines.filter((l) => l === `local5|info|gw-host|certmonitord[4242]:|${started}`).length, 2);
    assert.ok(
      lines.includes(
        'local5|info|hsm01|certmonitord[4242]|<174>1 2026-11-24T09:05:01.000Z hsm01 certmonitord 4242 - - info : 0 : NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT',
      ),
    );
  });

  it('writes the lunalogs file line, severity words and all', async () => {
    const file = join(dir, 'lunalogs');
    const w = new SyslogWriter(
      createSyslogSinks([{ transport: 'file', file, bufferLines: 10 }]),
      'gw-host',
      1234,
      null,
      clock,
    );
    w.lifecycle('started');
    w.appliance('hsm02', 'missing');
    w.appliance('hsm02', 'trapFailed', { host: '10.1.1.1' });
    w.lifecycle('crashNoDump');
    await w.close();
    assert.equal(
      readFileSync(file, 'utf8'),
      [
        '2026 Nov 24 09:05:01 gw-host  local5 info  certmonitord[1234]: info : 0 : NTLS certificate expiry monitor started',
        '2026 Nov 24 09:05:01 hsm02  local5 warn  certmonitord[1234]: warning : 0 : NTLS certificate is missing',
        '2026 Nov 24 09:05:01 hsm02  local5 err  certmonitord[1234]: error : 0 : Failed to send NTLS certificate expiry SNMP trap to trap host 10.1.1.1',
        '2026 Nov 24 09:05:01 gw-host  local5 crit  certmonitord[1234]: info : 0 : certmonitord CRASH AND BURN and unable to dump the stack!',
        '',
      ].join('\n'),
    );
  });

  it('echoes lifecycle lines to stderr', () => {
    const seen: string[] = [];
    const w = new SyslogWriter([], 'gw', 7, (l) => seen.push(l), clock);
    w.lifecycle('terminated');
    assert.deepEqual(seen, [
      '2026 Nov 24 09:05:01 gw  local5 info  certmonitord[7]: info : 0 : NTLS certificate expiry monitor terminated\n',
    ]);
  });

  it('buffers while a TCP collector is down, counts what overflows, and delivers once it is up', async () => {
    const port = await freeTcpPort();
    const sink = new StreamSyslogSink({
      host: '127.0.0.1',
      port,
      tls: false,
      format: 'rfc3164',
      framing: 'newline',
      bufferLines: 3,
    });
    const w = new SyslogWriter([sink], 'gw', 9, null, clock);
    const accepted = [1, 2, 3, 4, 5].map((i) => w.appliance(`hsm0${i}`, 'missing'));
    assert.deepEqual(accepted, [true, true, true, false, false]);
    const received: string[] = [];
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.on('data', (d) => received.push(d.toString())));
    await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
    const until = Date.now() + 10_000;
    while (received.join('').split('\n').length < 4 && Date.now() < until)
      await new Promise((res) => setTimeout(res, 25));
    const reported: string[] = [];
    const w2 = new SyslogWriter([sink], 'gw', 9, (l) => reported.push(l), clock);
    assert.equal(w2.reportDrops(), 2);
    assert.match(reported[0]!, /Dropped 2 syslog message\(s\) for syslog host tcp 127\.0\.0\.1:\d+/);
    await w2.close();
    server.close();
    const got = received.join('').split('\n').filter(Boolean);
    assert.deepEqual(
      got.slice(0, 3).map((l) => l.split(' ')[3]),
      ['hsm01', 'hsm02', 'hsm03'],
    );
  });

  it('speaks TLS with octet-counting to a collector whose CA it trusts', async () => {
    const cert = makeSelfSignedCert();
    const received: Buffer[] = [];
    const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (s) =>
      s.on('data', (d: Buffer) => received.push(d)),
    );
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    const w = new SyslogWriter(
      createSyslogSinks([
        {
          transport: 'tls',
          host: '127.0.0.1',
          port,
          format: 'rfc3164',
          framing: 'octet-counted',
          ca: cert.certFile,
          rejectUnauthorized: true,
          bufferLines: 10,
        },
      ]),
      'gw',
      5,
      null,
      clock,
    );
    w.appliance('hsm01', 'missing');
    const until = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 25));
    await w.close();
    server.close();
    cert.remove();
    const line = '<172>Nov 24 09:05:01 hsm01 certmonitord[5]: warning : 0 : NTLS certificate is missing';
    assert.equal(Buffer.concat(received).toString(), `${Buffer.byteLength(line)} ${line}`);
  });
});
