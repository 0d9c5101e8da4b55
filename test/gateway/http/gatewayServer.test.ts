/**
 * The wire protocol over real HTTP on a loopback port (docs/design.md, Wire protocol): every refusal, duplicates, HTTPS, and
 * a flood of hostile requests after which the gateway is healthy and still delivers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import { HEADER_KEY_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signBody } from '../../../protocol/signature.ts';
import { postNotifications, rawRequest, signedHeaders } from '../../helpers/gatewayClient.ts';
import { makeSelfSignedCert } from '../../helpers/selfSignedCert.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../helpers/snmptrapd.ts';

const SECRET = 'current-secret-value';
const OLD_SECRET = 'previous-secret-value';
const key = { keyId: 'lambda', secret: SECRET };

let dir: string;
let trapd: RunningSnmptrapd;
let gw: RunningGateway;

function note(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    appliance: 'hsm01',
    address: '10.0.0.5',
    event: 'expiring',
    notAfter: '2027-07-06T05:04:03Z',
    observedAt: '2026-11-24T12:00:00Z',
    ...extra,
  };
}

async function start(extra: Record<string, unknown> = {}, sub = 'gw'): Promise<RunningGateway> {
  const base = join(dir, sub);
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: {
        keys: [
          { id: 'lambda', secretFile: '../current.secret' },
          { id: 'lambda-old', secretEnv: 'OLD_SECRET' },
        ],
      },
      rateLimit: { perClient: { perSecond: 100_000, burst: 100_000 }, perKey: { perSecond: 100_000, burst: 100_000 } },
      trapHosts: [
        { name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public', type: 'inform' },
      ],
      syslog: [{ file: './lunalogs' }],
      stateDir: './state',
      hostname: 'gw-test',
      ...extra,
    },
    base,
    { OLD_SECRET },
  );
  return startGateway(config, { stderr: undefined });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-gwserver-'));
  writeFileSync(join(dir, 'current.secret'), `${SECRET}\n`);
  trapd = await startSnmptrapd();
  gw = await start();
});
after(async () => {
  await gw.stop();
  await trapd.stop();
  rmSync(dir, { recursive: true, force: true });
});

function errorCode(body: unknown): string {
  return (body as { error: { code: string } }).error.code;
}

describe('gateway HTTP intake', () => {
  it('answers healthz without auth and without details', async () => {
    const r = await rawRequest(gw.url, { method: 'GET', path: '/healthz' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  it('delivers a notification: trap acknowledged, syslog lines written, result per host', async () => {
    const r = await postNotifications(gw.url, [note('hsm01:FP:expiring:2026-11-24T12')], key);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      results: [
        { id: 'hsm01:FP:expiring:2026-11-24T12', duplicate: false, traps: [{ host: 'nms', ok: true }], syslog: 'ok' },
      ],
    });
    const lines = await trapd.waitFor(1);
    assert.match(
      lines[0]!,
      /STRING: "\[hsm01:10\.0\.0\.5 \/ lunalogs \/ 2026 Nov 24 12:00:00 \/ certmonitord\[\d+\] \/ 1\]"$/,
    );
    const log = readFileSync(join(dir, 'gw', 'lunalogs'), 'utf8');
    assert.match(
      log,
      /hsm01 {2}local5 info {2}certmonitord\[\d+\]: info : 0 : NTLS certificate will be expire on Jul {2}6 05:04:03 2027 GMT\n/,
    );
    assert.match(
      log,
      /hsm01 {2}local5 info {2}certmonitord\[\d+\]: info : 0 : NTLS certificate expiry SNMP trap sent to trap host nms\n/,
    );
  });

  it('answers a repeated id with the stored result, duplicate:true, and sends nothing', async () => {
    const before = trapd.lines().length;
    // A retry is signed afresh: an identical signature would be refused as a replay.
    // (150 s back: never the same second as the first request, well inside the 300 s window).
    const retry = { ...key, timestamp: Math.floor(Date.now() / 1000) - 150 };
    const r = await postNotifications(gw.url, [note('hsm01:FP:expiring:2026-11-24T12')], retry);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      results: [
        { id: 'hsm01:FP:expiring:2026-11-24T12', duplicate: true, traps: [{ host: 'nms', ok: true }], syslog: 'ok' },
      ],
    });
    // A fence notification proves the receiver had time to get anything the duplicate might have sent.
    await postNotifications(gw.url, [note('fence-1', { appliance: 'fence1' })], key);
    await trapd.waitFor(before + 1);
    assert.equal(trapd.lines().length, before + 1);
  });

  it('accepts the previous key during rotation', async () => {
    const r = await postNotifications(gw.url, [note('rot-1', { event: 'missing' })], {
      keyId: 'lambda-old',
      secret: OLD_SECRET,
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.body as { results: unknown[] }).results[0], {
      id: 'rot-1',
      duplicate: false,
      traps: [],
      syslog: 'ok',
    });
  });

  it('refuses bad signatures, unknown keys, old timestamps and replays with 401', async () => {
    const body = JSON.stringify({ notifications: [note('auth-1')] });
    const h = signedHeaders(body, key);
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...h, [HEADER_SIGNATURE]: `v1=${'0'.repeat(64)}` }, 'GW_ERR_AUTH_BAD_SIGNATURE'],
      [{ ...h, [HEADER_KEY_ID]: 'nobody' }, 'GW_ERR_AUTH_UNKNOWN_KEY'],
      [signedHeaders(body, { ...key, timestamp: Math.floor(Date.now() / 1000) - 301 }), 'GW_ERR_AUTH_BAD_TIMESTAMP'],
      [signedHeaders(body, { ...key, timestamp: Math.floor(Date.now() / 1000) + 400 }), 'GW_ERR_AUTH_BAD_TIMESTAMP'],
      [{ 'content-type': 'application/json' }, 'GW_ERR_AUTH_MISSING_HEADERS'],
      [signedHeaders(body, { keyId: 'lambda', secret: OLD_SECRET }), 'GW_ERR_AUTH_BAD_SIGNATURE'],
    ];
    for (const [headers, code] of cases) {
      const r = await rawRequest(gw.url, { headers, body });
      assert.equal(r.status, 401, code);
      assert.equal(errorCode(r.body), code);
      assert.ok(!r.text.includes(SECRET) && !r.text.includes('auth-1'));
    }
    const first = await rawRequest(gw.url, { headers: h, body });
    assert.equal(first.status, 200);
    const replay = await rawRequest(gw.url, { headers: h, body });
    assert.equal(replay.status, 401);
    assert.equal(errorCode(replay.body), 'GW_ERR_AUTH_REPLAY');
  });

  it('refuses schema errors with 400 naming the field and never echoing the value', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ notifications: [note('x', { appliance: '-bad\nname' })] }, /^notifications\[0\]\.appliance: /],
      [{ notifications: [note('x'), note('y', { event: 'exploded' })] }, /^notifications\[1\]\.event: /],
      [
        { notifications: [note('x', { address: 'not-an-ip' })] },
        /^notifications\[0\]\.address: must be an IP address$/,
      ],
      [{ notifications: [note('bad id with spaces')] }, /^notifications\[0\]\.id: /],
      [{ notifications: [note('x'.repeat(201))] }, /^notifications\[0\]\.id: /],
      [{ notifications: [note('x', { observedAt: 'yesterday' })] }, /^notifications\[0\]\.observedAt: /],
      [{ notifications: Array.from({ length: 1001 }, (_, i) => note(`n${i}`)) }, /^notifications: /],
      [{ notifications: [] }, /^notifications: /],
      [{ notifications: [note('x')], extra: 1 }, /^extra: unknown field$/],
      [[1, 2], /^\(root\): /],
    ];
    for (const [doc, pattern] of cases) {
      const body = JSON.stringify(doc);
      const r = await rawRequest(gw.url, { headers: signedHeaders(body, key), body });
      assert.equal(r.status, 400, String(pattern));
      assert.equal(errorCode(r.body), 'GW_ERR_VALIDATION');
      assert.match((r.body as { error: { message: string } }).error.message, pattern);
      assert.ok(!r.text.includes('exploded') && !r.text.includes('not-an-ip') && !r.text.includes('yesterday'));
    }
    const notJson = '{"notifications": [';
    const r = await rawRequest(gw.url, { headers: signedHeaders(notJson, key), body: notJson });
    assert.equal(r.status, 400);
    assert.equal((r.body as { error: { message: string } }).error.message, 'body is not valid JSON');
  });

  it('refuses bodies over 1 MiB with 413 and non-JSON with 415', async () => {
    const big = JSON.stringify({ notifications: [note('big', { reason: 'x'.repeat(1_100_000) })] });
    const r = await rawRequest(gw.url, { headers: signedHeaders(big, key), body: big });
    assert.equal(r.status, 413);
    assert.equal(errorCode(r.body), 'GW_ERR_TOO_LARGE');
    const form = 'a=1';
    const f = await rawRequest(gw.url, {
      headers: { ...signedHeaders(form, key), 'content-type': 'text/plain' },
      body: form,
    });
    assert.equal(f.status, 415);
    assert.equal(errorCode(f.body), 'GW_ERR_MEDIA_TYPE');
    const none = await rawRequest(gw.url, { headers: {} });
    assert.equal(none.status, 415);
    const nf = await rawRequest(gw.url, { method: 'GET', path: '/etc/passwd' });
    assert.equal(nf.status, 404);
    assert.equal(errorCode(nf.body), 'GW_ERR_NOT_FOUND');
  });

  it('limits the rate per client and per key with 429', async () => {
    const limited = await start(
      { rateLimit: { perClient: { perSecond: 0.001, burst: 3 }, perKey: { perSecond: 0.001, burst: 2 } } },
      'limited',
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await postNotifications(limited.url, [note(`rl-${i}`, { event: 'missing' })], key)).status);
      }
      assert.deepEqual(statuses, [200, 200, 429, 429]);
      const r = await rawRequest(limited.url, { method: 'GET', path: '/healthz' });
      assert.equal(r.status, 200);
      const body = JSON.stringify({ notifications: [note('rl-x')] });
      const tooMany = await rawRequest(limited.url, { headers: signedHeaders(body, key), body });
      assert.equal(errorCode(tooMany.body), 'GW_ERR_RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });

  it('serves HTTPS when listen.tls is configured', async () => {
    const cert = makeSelfSignedCert();
    const tlsGw = await start(
      { listen: { host: '127.0.0.1', port: 0, tls: { cert: cert.certFile, key: cert.keyFile } } },
      'tls',
    );
    try {
      assert.match(tlsGw.url, /^https:/);
      const r = await postNotifications(tlsGw.url, [note('tls-1', { event: 'missing' })], { ...key, ca: cert.certPem });
      assert.equal(r.status, 200);
      await assert.rejects(rawRequest(tlsGw.url, { method: 'GET', path: '/healthz' }));
    } finally {
      await tlsGw.stop();
      cert.remove();
    }
  });

  it('survives a flood of hostile requests, then is healthy and still delivers', async () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const statuses = new Map<number, number>();
    const one = async (i: number) => {
      const kind = i % 6;
      let headers: Record<string, string>;
      let body: string | Buffer;
      if (kind === 0) {
        body = junk(Math.floor(rand() * 2000));
        headers = { 'content-type': 'application/json', [HEADER_KEY_ID]: 'lambda', [HEADER_TIMESTAMP]: 'x' };
      } else if (kind === 1) {
        body = junk(100).toString('latin1');
        headers = signedHeaders(body, key); // validly signed garbage
      } else if (kind === 2) {
        body = JSON.stringify({
          notifications: [note(`flood-${i}`, { appliance: `a${'\u0000'.repeat(3)}`, event: 'missing' })],
        });
        headers = signedHeaders(body, key);
      } else if (kind === 3) {
        body = JSON.stringify({ notifications: [note(`flood-${i}`, { appliance: `flood${i}`, event: 'missing' })] });
        headers = signedHeaders(body, key);
      } else if (kind === 4) {
        body = junk(300);
        headers = {
          'content-type': 'application/json',
          [HEADER_SIGNATURE]: junk(40).toString('hex'),
          [HEADER_KEY_ID]: '\u00ff',
        };
      } else {
        body = '{"notifications":[{"__proto__":{"polluted":1}}]}';
        headers = {
          'content-type': 'application/json; charset=utf-8',
          [HEADER_KEY_ID]: 'lambda',
          [HEADER_TIMESTAMP]: String(Math.floor(Date.now() / 1000)),
          [HEADER_SIGNATURE]: signBody('guess', 1, 'x'),
        };
      }
      try {
        const r = await rawRequest(gw.url, { headers, body });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      }
    };
    const total = 3000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < total) await one(next++);
      }),
    );
    assert.equal(statuses.get(500) ?? 0, 0, `statuses: ${JSON.stringify([...statuses])}`);
    assert.equal(statuses.get(0) ?? 0, 0);
    assert.ok((statuses.get(200) ?? 0) >= total / 6);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const health = await rawRequest(gw.url, { method: 'GET', path: '/healthz' });
    assert.deepEqual(health.body, { status: 'ok' });
    const before = trapd.lines().length;
    const r = await postNotifications(gw.url, [note('after-flood', { appliance: 'afterflood' })], key);
    assert.deepEqual((r.body as { results: Array<{ traps: unknown }> }).results[0]!.traps, [{ host: 'nms', ok: true }]);
    const lines = await trapd.waitFor(before + 1);
    assert.ok(lines.at(-1)!.includes('[afterflood:10.0.0.5'));
  });
});
