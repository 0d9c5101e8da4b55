/**
 * The forwarder's routing between `/v1` and `/v2` (docs/design.md, Wire protocol) against the real gateway:
 * what fits `/v1` travels there in the very bytes it always did, the newer kinds in their own requests to
 * `/v2`; a gateway of before `/v2` (a proxy that answers 404 there, as such a gateway does) fails only
 * those, as too old, and `/v1` delivery goes on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HttpForwarder } from '../../../adapters/forwarder/httpForwarder.ts';
import { NotificationBatcher } from '../../../app/notificationBatcher.ts';
import type { DeliveryResult, GatewayFailover } from '../../../app/ports.ts';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import type { Notification } from '../../../protocol/notification.ts';
import type { AnyNotification, NotificationV2 } from '../../../protocol/notificationV2.ts';
import { type FaultProxy, startFaultProxy } from '../../helpers/faultProxy.ts';

const SECRET = 'v2-forwarder-secret';
const observedAt = '2026-11-24T12:00:00.000Z';

const v1 = (i: number): Notification => ({
  id: `hsm${i}:AB:expiring:2026-11-24T12`,
  appliance: `hsm${i}`,
  address: '10.0.0.5',
  event: 'expiring',
  notAfter: '2026-12-01T00:00:00.000Z',
  observedAt,
});
const newer: NotificationV2[] = [
  { ...v1(1), id: 'hsm1:web:AB:expiring', certificate: 'web' },
  { id: 'app01:AB:expired', client: 'app01', event: 'expired', observedAt },
  { ...v1(2), id: 'hsm2:AB:expiring:critical', severity: 'critical' },
  { ...v1(3), id: 'hsm3:AB:finding:weak_key', event: 'finding', finding: 'weak_key', detail: 'RSA-1024' },
];

let dir: string;
let gateway: RunningGateway;
let proxy: FaultProxy;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-forwarder-v2-'));
  writeFileSync(join(dir, 'lambda.secret'), SECRET);
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile: './lambda.secret' }] },
      syslog: [{ file: './lunalogs' }],
      stateDir: './state',
      hostname: 'gw',
    },
    dir,
    {},
  );
  gateway = await startGateway(config, { stderr: undefined });
  proxy = await startFaultProxy(() => Number(new URL(gateway.url).port));
});
after(async () => {
  await proxy?.close();
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const forwarder = () => new HttpForwarder({ url: proxy.url, keyId: 'lambda', secret: SECRET, maxAttempts: 1 });
const byId = (results: readonly DeliveryResult[]) => new Map(results.map((r) => [r.id, r]));

/** A run's batcher over `run`, one request at a time, with what it tells and the results it settles. */
function batching(run: HttpForwarder, maxBatch: number) {
  const tooOld: Array<[string, number]> = [];
  const delivered: Array<[string, number]> = [];
  const failures: string[] = [];
  const failovers: GatewayFailover[] = [];
  const batcher = new NotificationBatcher(run, {
    maxBatch,
    maxInFlight: 1,
    onGatewayTooOld: (gw, count) => tooOld.push([gw, count]),
    onDelivered: (gw, count) => delivered.push([gw, count]),
    onGatewayFailure: (reason) => failures.push(reason),
    onFailover: (f) => failovers.push(f),
  });
  const seen = new Map<string, DeliveryResult>();
  const collect = async (results: ReadonlyMap<string, DeliveryResult>) => {
    for (const [id, r] of results) seen.set(id, r);
  };
  return { batcher, tooOld, delivered, failures, failovers, seen, collect };
}

describe('HttpForwarder routing between /v1 and /v2', () => {
  beforeEach(() => {
    proxy.mode = 'pass';
  });

  it('sends what fits /v1 there in the same bytes as before, and the newer kinds to /v2', async () => {
    const from = proxy.paths.length;
    const mixed: AnyNotification[] = [v1(10), newer[0]!, v1(11), newer[1]!, newer[2]!, newer[3]!];
    const results = byId(await forwarder().forward(mixed));
    assert.deepEqual(proxy.paths.slice(from), ['/v1/notifications', '/v2/notifications']);
    // The /v1 body is what a batch of only those two would have been.
    assert.equal(proxy.bodies[from], JSON.stringify({ notifications: [v1(10), v1(11)] }));
    assert.equal(proxy.bodies[from + 1], JSON.stringify({ notifications: newer }));
    for (const n of mixed) assert.equal(results.get(n.id)?.delivered, true, n.id);
    const lunalogs = readFileSync(join(dir, 'lunalogs'), 'utf8');
    assert.match(
      lunalogs,
      / hsm1 {2}local5 info {2}certmonitord\[\d+\]: info : 0 : web certificate of hsm1 will expire on /,
    );
    assert.match(
      lunalogs,
      / app01 {2}local5 err {2}certmonitord\[\d+\]: error : 0 : Client certificate of app01 has expired/,
    );
    assert.match(
      lunalogs,
      / hsm2 {2}local5 crit {2}certmonitord\[\d+\]: info : 0 : NTLS certificate will be expire on /,
    );
  });

  it('sends a batch of only /v1 notifications exactly as before: one /v1 request, nothing to /v2', async () => {
    const from = proxy.paths.length;
    await forwarder().forward([v1(20), v1(21)]);
    assert.deepEqual(proxy.paths.slice(from), ['/v1/notifications']);
  });

  it('against a gateway without /v2: only the newer kinds fail, as too old, once per run; /v1 goes on', async () => {
    proxy.mode = 'noV2';
    const from = proxy.paths.length;
    const run = forwarder();
    const { batcher, tooOld, failures, failovers, seen, collect } = batching(run, 3);
    await batcher.add([v1(30), newer[0]!], collect);
    await batcher.add([v1(31), newer[1]!], collect);
    await batcher.drain();
    assert.equal(seen.get(v1(30).id)?.delivered, true);
    assert.equal(seen.get(v1(31).id)?.delivered, true);
    for (const n of [newer[0]!, newer[1]!]) {
      const r = seen.get(n.id)!;
      assert.equal(r.delivered, false);
      assert.equal(r.gatewayTooOld, true);
      assert.deepEqual(r.traps, []);
    }
    assert.deepEqual(failures, [], 'not a gateway failure');
    assert.deepEqual(failovers, [], 'not a failover');
    assert.deepEqual(
      tooOld.map(([, count]) => count),
      [1, 1],
    );
    assert.ok(tooOld.every(([gw]) => gw === run.description));
    // Two batches of one run, one after the other: /v2 was asked once, and not again once it answered 404.
    assert.deepEqual(proxy.paths.slice(from), ['/v1/notifications', '/v2/notifications', '/v1/notifications']);
  });

  it('asks a gateway without /v2 only once per forwarder (one run)', async () => {
    proxy.mode = 'noV2';
    const from = proxy.paths.length;
    const run = forwarder();
    await run.forward([newer[0]!]);
    const second = await run.forward([v1(40), newer[1]!]);
    assert.deepEqual(proxy.paths.slice(from), ['/v2/notifications', '/v1/notifications']);
    assert.equal(byId(second).get(newer[1]!.id)?.gatewayTooOld, true);
    assert.equal(byId(second).get(v1(40).id)?.delivered, true);
  });
});

describe('HttpForwarder with a standby gateway that has /v2 (docs/gateway.md, Newer notifications)', () => {
  let standby: FaultProxy;
  before(async () => {
    standby = await startFaultProxy(() => Number(new URL(gateway.url).port));
  });
  after(async () => {
    await standby?.close();
  });
  beforeEach(() => {
    proxy.mode = 'noV2';
    standby.mode = 'pass';
  });

  const withStandby = () =>
    new HttpForwarder({ url: proxy.url, standbys: [standby.url], keyId: 'lambda', secret: SECRET, maxAttempts: 1 });

  it('sends /v1 to the primary and /v2 to the standby, delivered, and names the primary as too old once', async () => {
    const fromPrimary = proxy.paths.length;
    const fromStandby = standby.paths.length;
    const run = withStandby();
    const { batcher, tooOld, delivered, failures, failovers, seen, collect } = batching(run, 4);
    await batcher.add([v1(50), newer[0]!, newer[1]!], collect);
    await batcher.add([v1(51), newer[2]!, newer[3]!], collect);
    await batcher.drain();
    const [primaryName, standbyName] = run.description.split(', ');
    for (const n of [v1(50), v1(51)]) assert.equal(seen.get(n.id)?.gateway, primaryName, n.id);
    for (const n of newer) {
      const r = seen.get(n.id)!;
      assert.equal(r.delivered, true, n.id);
      assert.equal(r.gateway, standbyName);
      assert.equal(r.gatewayTooOld, undefined);
      assert.deepEqual(r.gatewaysWithoutV2, [primaryName]);
    }
    // The primary was asked for /v2 once; the second batch's /v1 still went to it, its /v2 straight to the standby.
    assert.deepEqual(proxy.paths.slice(fromPrimary), ['/v1/notifications', '/v2/notifications', '/v1/notifications']);
    assert.deepEqual(standby.paths.slice(fromStandby), ['/v2/notifications', '/v2/notifications']);
    assert.deepEqual(failures, [], 'not a gateway failure');
    assert.deepEqual(failovers, [], 'not a failover');
    assert.deepEqual(tooOld, [
      [primaryName, 2],
      [primaryName, 2],
    ]);
    assert.deepEqual(delivered, [
      [primaryName, 1],
      [standbyName, 2],
      [primaryName, 1],
      [standbyName, 2],
    ]);
    const lunalogs = readFileSync(join(dir, 'lunalogs'), 'utf8');
    assert.match(
      lunalogs,
      / app01 {2}local5 err {2}certmonitord\[\d+\]: error : 0 : Client certificate of app01 has expired/,
    );
  });

  it('fails the newer kinds as too old, naming both gateways, only when neither has /v2', async () => {
    standby.mode = 'noV2';
    const run = withStandby();
    const [primaryName, standbyName] = run.description.split(', ');
    const results = byId(await run.forward([v1(60), newer[0]!]));
    assert.equal(results.get(v1(60).id)?.delivered, true);
    const r = results.get(newer[0]!.id)!;
    assert.equal(r.delivered, false);
    assert.equal(r.gatewayTooOld, true);
    assert.deepEqual(r.gatewaysWithoutV2, [primaryName, standbyName]);
    // Neither is asked for /v2 again in this run.
    const asked = proxy.paths.length + standby.paths.length;
    const again = byId(await run.forward([newer[1]!]));
    assert.equal(proxy.paths.length + standby.paths.length, asked);
    assert.equal(again.get(newer[1]!.id)?.gatewayTooOld, true);
    assert.deepEqual(again.get(newer[1]!.id)?.gatewaysWithoutV2, [primaryName, standbyName]);
  });

  it('keeps them pending when the primary lacks /v2 and the standby is failing', async () => {
    standby.mode = 'fail500';
    const run = withStandby();
    const [primaryName, standbyName] = run.description.split(', ');
    const r = byId(await run.forward([newer[0]!])).get(newer[0]!.id)!;
    assert.equal(r.delivered, false);
    assert.equal(r.gatewayTooOld, undefined);
    assert.equal(r.gateway, standbyName);
    assert.match(r.error ?? '', /HTTP 500/);
    assert.deepEqual(r.gatewaysWithoutV2, [primaryName]);
  });
});
