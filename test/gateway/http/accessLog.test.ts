/**
 * The access log over real HTTP (docs/gateway.md, Access log): one line per request with the peer, the
 * authenticated key id, the status, the counts of notifications and duplicates; nothing of the request's
 * content; the level chooses which requests are logged. The key rotation check reads these lines.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import { type AccessEntry, formatAccessLine } from '../../../gateway/http/accessLog.ts';
import { freeUdpPort } from '../../helpers/freePort.ts';
import { postNotifications, rawRequest, signedHeaders } from '../../helpers/gatewayClient.ts';

const NEW_KEY = { keyId: 'lambda-2027', secret: 'the-new-secret-value' };
const OLD_KEY = { keyId: 'lambda-2026', secret: 'the-old-secret-value' };

let dir: string;
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-access-'));
  writeFileSync(join(dir, 'new.secret'), NEW_KEY.secret);
  writeFileSync(join(dir, 'old.secret'), OLD_KEY.secret);
});

function note(id: string) {
  return {
    id,
    appliance: 'hsm01',
    address: '10.0.0.5',
    event: 'expiring',
    notAfter: '2027-07-06T05:04:03Z',
    observedAt: '2026-11-24T12:00:00Z',
  };
}

/** Starts a gateway whose stderr lines are collected; `accessLog` omitted = the default. */
async function start(
  name: string,
  accessLog?: string,
  more: Record<string, unknown> = {},
): Promise<{ gw: RunningGateway; lines: string[] }> {
  const lines: string[] = [];
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: {
        keys: [
          { id: NEW_KEY.keyId, secretFile: 'new.secret' },
          { id: OLD_KEY.keyId, secretFile: 'old.secret' },
        ],
      },
      syslog: [{ file: `./${name}.lunalogs` }],
      stateDir: `./${name}-state`,
      hostname: 'gw-test',
      ...(accessLog === undefined ? {} : { accessLog }),
      ...more,
    },
    dir,
    {},
  );
  const gw = await startGateway(config, { stderr: (line) => void lines.push(line) });
  return { gw, lines };
}

/** The access lines among the gateway's stderr lines, as field maps. */
function accessLines(lines: readonly string[]): Record<string, string>[] {
  return lines
    .filter((l) => l.startsWith('certmonitor gateway: access '))
    .map((l) =>
      Object.fromEntries(
        l
          .trimEnd()
          .slice('certmonitor gateway: access '.length)
          .split(' ')
          .map((f) => f.split('=', 2) as [string, string]),
      ),
    );
}

/** Waits until the onResponse hook of the last request has run (it runs after the answer is sent). */
async function settle(lines: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < 100 && accessLines(lines).length < count; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('gateway access log', () => {
  it('one line per request: peer, authenticated key id, status, notifications and duplicates', async () => {
    const { gw, lines } = await start('default');
    try {
      assert.equal((await postNotifications(gw.url, [note('a:1'), note('a:2')], OLD_KEY)).status, 200);
      assert.equal((await postNotifications(gw.url, [note('a:1'), note('a:3')], NEW_KEY)).status, 200);
      await settle(lines, 2);
      const [first, second] = accessLines(lines);
      assert.match(first?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(
        { ...first, time: undefined, ms: undefined },
        {
          time: undefined,
          peer: '127.0.0.1',
          key: 'lambda-2026',
          method: 'POST',
          route: '/v1/notifications',
          status: '200',
          notifications: '2',
          duplicates: '0',
          ms: undefined,
        },
      );
      assert.match(first?.ms ?? '', /^\d+$/);
      assert.equal(second?.key, 'lambda-2027');
      assert.equal(second?.duplicates, '1');
    } finally {
      await gw.stop();
    }
  });

  it('refusals carry their code and no key id unless the signature checked out; nothing of the request is written', async () => {
    const { gw, lines } = await start('refusals');
    try {
      const hostile = 'evil-key';
      const body = JSON.stringify({ notifications: [note('b:1')] });
      // An unknown key id: the id the client sent is not logged.
      await rawRequest(gw.url, { body, headers: signedHeaders(body, { keyId: 'not-configured', secret: 'x' }) });
      // A configured key id with a wrong secret: still unauthenticated, so no key id either.
      await rawRequest(gw.url, { body, headers: signedHeaders(body, { keyId: NEW_KEY.keyId, secret: 'wrong' }) });
      await rawRequest(gw.url, { body, headers: { ...signedHeaders(body, NEW_KEY), 'x-certmonitor-key-id': hostile } });
      // A path and query of the client's choosing never reach the line.
      await rawRequest(gw.url, { method: 'GET', path: `/${hostile}/x?secret=${hostile}` });
      // The schema refusal comes after authentication: its key id is known.
      const invalid = JSON.stringify({ notifications: [{ id: 'c:1' }] });
      await rawRequest(gw.url, { body: invalid, headers: signedHeaders(invalid, NEW_KEY) });
      await rawRequest(gw.url, { method: 'GET', path: '/healthz' });
      await settle(lines, 5);
      const access = accessLines(lines);
      assert.deepEqual(
        access.map((a) => [a.key, a.method, a.route, a.status, a.code]),
        [
          ['-', 'POST', '/v1/notifications', '401', 'GW_ERR_AUTH_UNKNOWN_KEY'],
          ['-', 'POST', '/v1/notifications', '401', 'GW_ERR_AUTH_BAD_SIGNATURE'],
          ['-', 'POST', '/v1/notifications', '401', 'GW_ERR_AUTH_UNKNOWN_KEY'],
          ['-', 'GET', 'other', '404', 'GW_ERR_NOT_FOUND'],
          ['lambda-2027', 'POST', '/v1/notifications', '400', 'GW_ERR_VALIDATION'],
        ],
        'the default level logs notification requests and refusals, not /healthz',
      );
      const text = lines.join('');
      assert.ok(!text.includes('evil') && !text.includes('not-configured') && !text.includes('secret='), text);
    } finally {
      await gw.stop();
    }
  });

  it('accessLog chooses the requests: off, refused, requests (default) or all', async () => {
    const counts: Record<string, number> = {};
    const routes: Record<string, string[]> = {};
    for (const level of ['off', 'refused', 'requests', 'all']) {
      const { gw, lines } = await start(`level-${level}`, level);
      try {
        await postNotifications(gw.url, [note(`d:${level}`)], NEW_KEY);
        await rawRequest(gw.url, { method: 'GET', path: '/healthz' });
        // A scraper calls /metrics every few seconds: like /healthz, logged only at `all`.
        await rawRequest(gw.url, { method: 'GET', path: '/metrics' });
        await rawRequest(gw.url, { method: 'GET', path: '/nothing' });
        await new Promise((r) => setTimeout(r, 100));
        counts[level] = accessLines(lines).length;
        routes[level] = accessLines(lines).map((a) => `${a.route ?? ''}`);
      } finally {
        await gw.stop();
      }
    }
    assert.deepEqual(counts, { off: 0, refused: 1, requests: 2, all: 4 });
    assert.deepEqual(routes.all, ['/v1/notifications', '/healthz', '/metrics', 'other']);
  });

  it('a request the client gave up on still gets its line, with what it was answered and answer=abandoned', async () => {
    // An inform host nothing answers: the gateway holds the request until the inform times out (1.5 s).
    const port = await freeUdpPort();
    const trapHosts = [
      {
        name: 'nms',
        host: '127.0.0.1',
        port,
        version: '2c',
        community: 'public',
        type: 'inform',
        retries: 0,
        timeoutMs: 1500,
      },
    ];
    const { gw, lines } = await start('abandoned', undefined, { trapHosts });
    try {
      const body = JSON.stringify({ notifications: [note('slow:1')] });
      const gaveUp = fetch(`${gw.url}/v1/notifications`, {
        method: 'POST',
        headers: signedHeaders(body, OLD_KEY),
        body,
        signal: AbortSignal.timeout(200),
      });
      await assert.rejects(gaveUp, (e: Error) => e.name === 'TimeoutError');
      // Written once the gateway is done with it (the inform's timeout), answered or not.
      for (let i = 0; i < 300 && accessLines(lines).length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      const [line] = accessLines(lines);
      assert.equal(line?.status, '200');
      assert.equal(line?.key, OLD_KEY.keyId);
      assert.equal(line?.notifications, '1');
      assert.equal(line?.answer, 'abandoned');
      // A request whose answer was sent has no such field.
      const later = { ...OLD_KEY, timestamp: Math.floor(Date.now() / 1000) + 1 };
      assert.equal((await postNotifications(gw.url, [note('slow:1')], later)).status, 200);
      await settle(lines, 2);
      assert.equal(accessLines(lines).length, 2);
      assert.equal(accessLines(lines)[1]?.answer, undefined);
    } finally {
      await gw.stop();
    }
  });

  it('an unknown level is refused naming the key', () => {
    assert.throws(
      () => buildGatewayConfig({ auth: { keys: [{ id: 'k', secretEnv: 'S' }] }, accessLog: 'debug' }, dir, { S: 'x' }),
      /accessLog: /,
    );
  });

  it('formats a line in logfmt, with an unknown peer or method never taken verbatim', () => {
    const entry: AccessEntry = {
      peer: 'not an address',
      method: 'BREW',
      url: '/v1/notifications?x=1',
      status: 200,
      keyId: 'lambda',
      notifications: 3,
      duplicates: 1,
      durationMs: 12.4,
    };
    assert.equal(
      formatAccessLine(entry, new Date('2026-11-24T12:00:00Z')),
      'certmonitor gateway: access time=2026-11-24T12:00:00.000Z peer=unknown key=lambda method=other ' +
        'route=/v1/notifications status=200 notifications=3 duplicates=1 ms=12\n',
    );
  });
});
