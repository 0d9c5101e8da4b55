import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  HttpForwarder,
  type HttpForwarderOptions,
  parseRetryAfter,
  splitBatch,
} from '../../../adapters/forwarder/httpForwarder.ts';
import type { GatewayFailover } from '../../../app/ports.ts';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { startGateway } from '../../../gateway/gatewayRuntime.ts';
import type { Notification } from '../../../protocol/notification.ts';
import {
  HEADER_KEY_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  signatureMatches,
  signBody,
} from '../../../protocol/signature.ts';

const SECRET = 's3cr3t-value-never-logged';

const notification = (i: number): Notification => ({
  id: `hsm${i}:AB:expiring:2026-11-24T12`,
  appliance: `hsm${i}`,
  address: '0.0.0.0',
  event: 'expiring',
  observedAt: '2026-11-24T12:00:00.000Z',
});

interface Received {
  readonly timestamp: string;
  readonly signatureOk: boolean;
  readonly keyId: string;
  readonly ids: string[];
}

type Behaviour = (received: Received, response: http.ServerResponse, request: http.IncomingMessage) => void;

const ok = (ids: string[], response: http.ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      results: ids.map((id) => ({ id, duplicate: false, traps: [{ host: 'nms', ok: true }], syslog: 'ok' })),
    }),
  );
};

const answer500 = (_: Received, res: http.ServerResponse) => {
  res.writeHead(500);
  res.end('{}');
};

describe('HttpForwarder against a real HTTP server', () => {
  let server: http.Server;
  let url: string;
  let received: Received[] = [];
  let behaviours: Behaviour[] = [];

  before(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const timestamp = String(request.headers[HEADER_TIMESTAMP]);
        const signature = String(request.headers[HEADER_SIGNATURE]);
        let ids: string[] = [];
        try {
          ids = (JSON.parse(raw.toString('utf8')) as { notifications: Notification[] }).notifications.map((n) => n.id);
        } catch {}
        const entry: Received = {
          timestamp,
          signatureOk: signatureMatches(signBody(SECRET, timestamp, raw), signature),
          keyId: String(request.headers[HEADER_KEY_ID]),
          ids,
        };
        received.push(entry);
        const behaviour = behaviours.shift() ?? ((r, res) => ok(r.ids, res));
        behaviour(entry, response, request);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );

  beforeEach(() => {
    received = [];
    behaviours = [];
  });

  const sleeps: number[] = [];
  let wall = 1_790_000_000_000;
  const forwarder = (extra: Partial<HttpForwarderOptions> = {}) =>
    new HttpForwarder({
      url,
      keyId: 'lambda',
      secret: SECRET,
      baseDelayMs: 10,
      // A wall clock that moves one second per reading, so every attempt carries a fresh timestamp.
      clock: () => (wall += 1000),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...extra,
    });

  it('splits 2,500 notifications into signed batches of at most 1,000 and delivers all', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => notification(i));
    const results = await forwarder().forward(batch);
    assert.deepEqual(
      received.map((r) => r.ids.length),
      [1000, 1000, 500],
    );
    assert.ok(received.every((r) => r.signatureOk && r.keyId === 'lambda'));
    assert.equal(results.length, 2500);
    assert.ok(results.every((r, i) => r.delivered && r.id === batch[i]?.id && r.traps[0]?.host === 'nms'));
  });

  it('retries a 500 and a dropped connection, re-signing each attempt, then succeeds', async () => {
    behaviours = [
      (_, res) => {
        res.writeHead(500);
        res.end('{"error":{"code":"internal","message":"boom"}}');
      },
      (_, res) => res.socket?.destroy(),
    ];
    const results = await forwarder().forward([notification(1)]);
    assert.equal(received.length, 3);
    assert.ok(received.every((r) => r.signatureOk));
    assert.equal(new Set(received.map((r) => r.timestamp)).size, 3);
    assert.deepEqual(
      results.map((r) => r.delivered),
      [true],
    );
  });

  it('gives a retry within the same second a new signature, which a gateway refusing exact replays accepts', async () => {
    const seen = new Set<string>();
    const refuseReplays: Behaviour = (r, res, req) => {
      const signature = String(req.headers[HEADER_SIGNATURE]);
      if (seen.has(signature)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"GW_ERR_REPLAY","message":"replayed request"}}');
        return;
      }
      seen.add(signature);
      ok(r.ids, res);
    };
    behaviours = [
      (_, res, req) => {
        seen.add(String(req.headers[HEADER_SIGNATURE]));
        res.writeHead(503);
        res.end();
      },
      refuseReplays,
    ];
    const frozen = 1_790_000_000_000;
    const results = await forwarder({ clock: () => frozen }).forward([notification(1)]);
    assert.equal(received.length, 2);
    assert.notEqual(received[0]?.timestamp, received[1]?.timestamp);
    assert.equal(results[0]?.delivered, true);
  });

  it('two runs forwarding the same chunk in the same second: the one refused as a replay signs again, later, at once', async () => {
    // What the gateway does: remember every signature and refuse one it has seen.
    const seen = new Set<string>();
    const refuseReplays: Behaviour = (r, res, req) => {
      const signature = String(req.headers[HEADER_SIGNATURE]);
      if (seen.has(signature)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"GW_ERR_AUTH_REPLAY","message":"request was already seen (replay)"}}');
        return;
      }
      seen.add(signature);
      ok(r.ids, res);
    };
    behaviours = [refuseReplays, refuseReplays, refuseReplays];
    sleeps.length = 0;
    const frozen = 1_790_000_000_000;
    // Two runs (two forwarders, as two processes) with the same owed notification and the same wall second.
    const earlier = await forwarder({ clock: () => frozen }).forward([notification(1)]);
    const later = await forwarder({ clock: () => frozen }).forward([notification(1)]);
    assert.equal(earlier[0]?.delivered, true);
    assert.equal(later[0]?.delivered, true, 'the second run learns the outcome, not a refusal');
    assert.deepEqual(
      received.map((r) => r.timestamp),
      [String(frozen / 1000), String(frozen / 1000), String(frozen / 1000 + 1)],
    );
    assert.ok(received.every((r) => r.signatureOk));
    assert.deepEqual(sleeps, [], 'no backoff: the refusal was no sign of a busy gateway');
  });

  it('honours Retry-After on 429 within bounds', async () => {
    sleeps.length = 0;
    behaviours = [
      (_, res) => {
        res.writeHead(429, { 'retry-after': '2' });
        res.end();
      },
      (_, res) => {
        res.writeHead(503, { 'retry-after': '86400' });
        res.end();
      },
    ];
    const results = await forwarder({ maxRetryAfterMs: 5000 }).forward([notification(1)]);
    assert.deepEqual(sleeps, [2000, 5000]);
    assert.equal(results[0]?.delivered, true);
  });

  it('retries a garbage answer, and reports it when it persists', async () => {
    const garbage: Behaviour = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>proxy login</html>');
    };
    behaviours = [garbage, garbage, garbage];
    const [result] = await forwarder({ maxAttempts: 3 }).forward([notification(1)]);
    assert.equal(received.length, 3);
    assert.equal(result?.delivered, false);
    assert.equal(result?.error, 'gateway answered with an unreadable body');
  });

  it('does not retry a 401, and its error carries neither the secret nor the body', async () => {
    behaviours = [
      (_, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: `echo ${SECRET} <script>` } }));
      },
    ];
    const [result] = await forwarder().forward([notification(1)]);
    assert.equal(received.length, 1);
    assert.equal(result?.error, 'gateway answered HTTP 401 (unauthorized)');
  });

  it('maps results per id: failed trap, duplicate, and an id the gateway left out', async () => {
    behaviours = [
      (r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            results: [
              {
                id: r.ids[0],
                duplicate: false,
                traps: [
                  { host: 'a', ok: true },
                  { host: 'b\nFAKE', ok: false, error: 'timeout' },
                ],
                syslog: 'ok',
              },
              { id: r.ids[1], duplicate: true, traps: [], syslog: 'ok' },
            ],
          }),
        );
      },
    ];
    const results = await forwarder().forward([notification(1), notification(2), notification(3)]);
    assert.equal(results[0]?.delivered, false);
    assert.equal(results[0]?.traps[1]?.host, 'b FAKE');
    assert.equal(results[1]?.delivered, true);
    assert.equal(results[1]?.duplicate, true);
    assert.equal(results[2]?.delivered, false);
  });

  it('gives up at the answer timeout without sending again, and never starts after the deadline', async () => {
    behaviours = [() => {}, () => {}];
    const slow = await forwarder({
      clock: Date.now,
      sleep: undefined,
      answerTimeoutMs: 100,
      connectTimeoutMs: 0,
      maxAttempts: 2,
    }).forward([notification(1)]);
    assert.equal(slow[0]?.error, 'gateway did not answer in time');
    // The gateway may be acting on the request it received (informs wait for their acknowledgements):
    // sending it again would only be answered as a duplicate, later.
    assert.equal(received.length, 1);
    received = [];
    const late = await forwarder({ clock: Date.now, deadline: Date.now() - 1 }).forward([notification(1)]);
    assert.equal(late[0]?.delivered, false);
    assert.equal(received.length, 0);
  });

  it('a resend after an answer that never came, answered as a duplicate, reads as sent by this run', async () => {
    const duplicateOf = (r: Received, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          results: r.ids.map((id) => ({ id, duplicate: true, traps: [{ host: 'nms', ok: true }], syslog: 'ok' })),
        }),
      );
    };
    // The gateway received the first copy (and acted on it); its answer was lost on the way back.
    behaviours = [(_, res) => res.socket?.destroy(), duplicateOf];
    const [resent] = await forwarder().forward([notification(1)]);
    assert.equal(received.length, 2);
    assert.equal(resent?.delivered, true);
    assert.equal(resent?.duplicate, false);
    // The same answer to a first attempt is an earlier run's delivery: a duplicate.
    behaviours = [duplicateOf];
    const [first] = await forwarder().forward([notification(1)]);
    assert.equal(first?.duplicate, true);
  });

  it('attempts at one gateway share one answer timeout: a 500 that used it up is not retried', async () => {
    behaviours = [answer500, answer500];
    const [result] = await forwarder({ answerTimeoutMs: 1 }).forward([notification(1)]);
    assert.equal(received.length, 1);
    assert.equal(result?.error, 'gateway answered HTTP 500');
  });

  it('reports an unreachable gateway and an unavailable secret without throwing', async () => {
    const closed = http.createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const [down] = await forwarder({ url: `http://127.0.0.1:${port}`, maxAttempts: 2 }).forward([notification(1)]);
    assert.equal(down?.error, 'gateway unreachable (ECONNREFUSED)');
    const [noSecret] = await forwarder({
      secret: async () => {
        throw new Error('AccessDenied');
      },
    }).forward([notification(1)]);
    assert.equal(noSecret?.error, 'signing secret unavailable');
  });
});

describe('httpForwarder helpers', () => {
  it('splits by count and by size', () => {
    const batch = Array.from({ length: 5 }, (_, i) => notification(i));
    assert.deepEqual(
      splitBatch(batch, 2).map((c) => c.length),
      [2, 2, 1],
    );
    assert.deepEqual(
      splitBatch(batch, 1000, 250).map((c) => c.length),
      [1, 1, 1, 1, 1],
    );
  });

  it('parses Retry-After seconds and dates, clamped', () => {
    assert.equal(parseRetryAfter('3', 0, 10_000), 3000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 0, 10_000), 5000);
    assert.equal(parseRetryAfter('600', 0, 10_000), 10_000);
    assert.equal(parseRetryAfter('soon', 0, 10_000), undefined);
  });
});

/** A loopback stand-in for one gateway: answers each request with the next behaviour, else 200 with one trap. */
async function startStub(name: string) {
  const requests: string[][] = [];
  const behaviours: Array<(res: http.ServerResponse) => void> = [];
  let always: ((res: http.ServerResponse) => void) | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const ids = (
        JSON.parse(Buffer.concat(chunks).toString('utf8')) as { notifications: Notification[] }
      ).notifications.map((n) => n.id);
      requests.push(ids);
      const behaviour = behaviours.shift() ?? always;
      if (behaviour) return behaviour(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          results: ids.map((id) => ({ id, duplicate: false, traps: [{ host: name, ok: true }], syslog: 'ok' })),
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** Answers every request this way from now on. */
    set always(behaviour: ((res: http.ServerResponse) => void) | undefined) {
      always = behaviour;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

type Stub = Awaited<ReturnType<typeof startStub>>;

const answer =
  (status: number, code: string) =>
  (res: http.ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message: `echo ${SECRET}` } }));
  };

/** A loopback URL nothing listens on (connection refused). */
async function closedUrl(): Promise<string> {
  const closed = http.createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((done) => closed.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

describe('HttpForwarder with standby gateways (docs/gateway.md, Standby gateways)', () => {
  let primary: Stub;
  let standby: Stub;
  let third: Stub;
  let failovers: GatewayFailover[];

  beforeEach(async () => {
    [primary, standby, third] = await Promise.all([startStub('p'), startStub('s'), startStub('t')]);
    failovers = [];
  });
  afterEach(async () => {
    await Promise.all([primary.close(), standby.close(), third.close()]);
  });

  let wall = 1_790_000_000_000;
  const forwarder = (extra: Partial<HttpForwarderOptions> = {}) =>
    new HttpForwarder({
      url: primary.url,
      standbys: [standby.url],
      keyId: 'lambda',
      secret: SECRET,
      maxAttempts: 3,
      clock: () => (wall += 1000),
      sleep: async () => {},
      random: () => 0.5,
      ...extra,
    });
  const onFailover = (f: GatewayFailover) => void failovers.push(f);

  it('names the gateway that delivered, and stays at the primary while it accepts', async () => {
    const results = await forwarder().forward([notification(1), notification(2)], onFailover);
    assert.deepEqual(
      results.map((r) => [r.delivered, r.gateway]),
      [
        [true, primary.url],
        [true, primary.url],
      ],
    );
    assert.equal(standby.requests.length, 0);
    assert.deepEqual(failovers, []);
  });

  it('fails over when the primary refuses connections', async () => {
    const refused = await closedUrl();
    const results = await forwarder({ url: refused }).forward([notification(1), notification(2)], onFailover);
    assert.deepEqual(
      results.map((r) => [r.delivered, r.gateway, r.traps[0]?.host]),
      [
        [true, standby.url, 's'],
        [true, standby.url, 's'],
      ],
    );
    assert.deepEqual(failovers, [
      { from: refused, to: standby.url, reason: 'gateway unreachable (ECONNREFUSED)', count: 2 },
    ]);
  });

  it('fails over when the primary does not answer within the answer timeout (one attempt, not one per retry)', async () => {
    primary.always = () => {};
    const results = await forwarder({
      clock: Date.now,
      answerTimeoutMs: 100,
      connectTimeoutMs: 0,
      maxAttempts: 2,
    }).forward([notification(1)], onFailover);
    assert.equal(primary.requests.length, 1);
    assert.equal(results[0]?.delivered, true);
    assert.equal(results[0]?.gateway, standby.url);
    assert.deepEqual(failovers, [
      { from: primary.url, to: standby.url, reason: 'gateway did not answer in time', count: 1 },
    ]);
  });

  for (const [status, code] of [
    [500, 'GW_ERR_INTERNAL'],
    [503, 'GW_ERR_UNAVAILABLE'],
    [429, 'GW_ERR_RATE_LIMITED'],
  ] as const) {
    it(`fails over on ${status} once the primary's retries are spent`, async () => {
      primary.always = answer(status, code);
      const results = await forwarder().forward([notification(1)], onFailover);
      assert.equal(primary.requests.length, 3, 'every attempt at the primary first');
      assert.equal(standby.requests.length, 1);
      assert.equal(results[0]?.delivered, true);
      assert.equal(results[0]?.gateway, standby.url);
      assert.deepEqual(failovers, [
        { from: primary.url, to: standby.url, reason: `gateway answered HTTP ${status} (${code})`, count: 1 },
      ]);
    });
  }

  for (const [status, code] of [
    [400, 'GW_ERR_VALIDATION'],
    [401, 'GW_ERR_AUTH_UNKNOWN_KEY'],
    [413, 'GW_ERR_TOO_LARGE'],
  ] as const) {
    it(`does not fail over on ${status}: every gateway would answer the same`, async () => {
      primary.always = answer(status, code);
      const results = await forwarder().forward([notification(1)], onFailover);
      assert.equal(primary.requests.length, 1);
      assert.equal(standby.requests.length, 0);
      assert.deepEqual(failovers, []);
      assert.deepEqual(results, [
        {
          id: notification(1).id,
          delivered: false,
          traps: [],
          error: `gateway answered HTTP ${status} (${code})`,
          gateway: primary.url,
        },
      ]);
    });
  }

  it('does not fail over on a replay refusal, and reports it once every attempt was refused', async () => {
    primary.always = answer(401, 'GW_ERR_AUTH_REPLAY');
    const results = await forwarder().forward([notification(1)], onFailover);
    assert.equal(primary.requests.length, 3, 'each attempt signed again');
    assert.equal(standby.requests.length, 0);
    assert.deepEqual(failovers, []);
    assert.equal(results[0]?.error, 'gateway answered HTTP 401 (GW_ERR_AUTH_REPLAY)');
  });

  it('after a failover, later requests of the run start at the standby; a new run starts at the primary', async () => {
    primary.always = answer(503, 'GW_ERR_UNAVAILABLE');
    const run = forwarder({ batchSize: 1 });
    const results = await run.forward([notification(1), notification(2), notification(3)], onFailover);
    assert.deepEqual(
      results.map((r) => [r.delivered, r.gateway]),
      [
        [true, standby.url],
        [true, standby.url],
        [true, standby.url],
      ],
    );
    assert.equal(primary.requests.length, 3, "only the first request paid for the primary's attempts");
    assert.deepEqual(
      standby.requests.map((ids) => ids.length),
      [1, 1, 1],
    );
    assert.equal(failovers.length, 1);
    primary.always = undefined;
    const next = await forwarder({ batchSize: 1 }).forward([notification(4)], onFailover);
    assert.equal(next[0]?.gateway, primary.url);
  });

  it('a preferred standby that fails goes back through the list in order: primary, then the others', async () => {
    const run = forwarder({ standbys: [standby.url, third.url] });
    primary.always = answer(503, 'GW_ERR_UNAVAILABLE');
    await run.forward([notification(1)], onFailover);
    standby.always = answer(502, 'bad_gateway');
    const [result] = await run.forward([notification(2)], onFailover);
    assert.equal(result?.gateway, third.url);
    assert.deepEqual(
      failovers.map((f) => `${f.from} -> ${f.to}`),
      [`${primary.url} -> ${standby.url}`, `${standby.url} -> ${primary.url}`, `${primary.url} -> ${third.url}`],
    );
  });

  it('when no gateway accepts, the results name the last one tried and its reason', async () => {
    primary.always = answer(500, 'GW_ERR_INTERNAL');
    standby.always = answer(429, 'GW_ERR_RATE_LIMITED');
    const [result] = await forwarder().forward([notification(1)], onFailover);
    assert.equal(result?.delivered, false);
    assert.equal(result?.gateway, standby.url);
    assert.equal(result?.error, 'gateway answered HTTP 429 (GW_ERR_RATE_LIMITED)');
    assert.equal(failovers.length, 1);
  });

  it('each attempt at any gateway is signed with a later timestamp than the last', async () => {
    primary.always = answer(503, 'GW_ERR_UNAVAILABLE');
    const frozen = 1_790_000_000_000;
    const seen: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      seen.push(String(headers[HEADER_TIMESTAMP]));
      return fetch(input, init);
    };
    const [result] = await forwarder({ clock: () => frozen, fetch: recording }).forward([notification(1)]);
    assert.equal(result?.delivered, true);
    assert.equal(seen.length, 4);
    assert.equal(new Set(seen).size, 4);
  });

  it('does not fail over once the deadline has passed', async () => {
    primary.always = answer(503, 'GW_ERR_UNAVAILABLE');
    let now = 1_000;
    // The primary's answer comes back after the deadline.
    const late: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      now = 3_000;
      return response;
    };
    const [result] = await forwarder({ clock: () => now, fetch: late, deadline: 2_000 }).forward(
      [notification(1)],
      onFailover,
    );
    assert.equal(result?.delivered, false);
    assert.equal(result?.gateway, primary.url);
    assert.equal(primary.requests.length, 1);
    assert.equal(standby.requests.length, 0);
    assert.deepEqual(failovers, []);
  });

  it('names a gateway by origin and path, without credentials', () => {
    const named = new HttpForwarder({
      url: 'https://user:pw@gw.example:8443/',
      standbys: ['https://proxy.example/gw2/'],
      keyId: 'k',
      secret: SECRET,
    });
    assert.equal(named.description, 'https://gw.example:8443, https://proxy.example/gw2');
  });
});

describe('HttpForwarder against the real gateway', () => {
  it('two runs forwarding the same owed notification in the same second both learn its result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certmonitor-forwarder-replay-'));
    writeFileSync(join(dir, 'lambda.secret'), `${SECRET}\n`);
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: 0 },
        auth: { keys: [{ id: 'lambda', secretFile: './lambda.secret' }] },
        syslog: [{ file: './lunalogs' }],
        stateDir: './state',
      },
      dir,
      {},
    );
    const gateway = await startGateway(config, { stderr: undefined });
    try {
      // Each run is its own forwarder (its own process in production); both read the same wall second.
      const now = Date.now();
      const run = () =>
        new HttpForwarder({ url: gateway.url, keyId: 'lambda', secret: SECRET, clock: () => now }).forward([
          notification(1),
        ]);
      const [first] = await run();
      const [second] = await run();
      assert.equal(first?.delivered, true);
      assert.equal(first?.duplicate, false);
      assert.equal(second?.delivered, true, `not refused as a replay: ${second?.error}`);
      assert.equal(second?.duplicate, true, 'the gateway recognised the id: nothing was sent twice');
    } finally {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
