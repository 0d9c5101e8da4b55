import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import type { RunSummary } from '../../app/runSummary.ts';
import type { FleetStatus } from '../../core/fleetReport.ts';
import { createHandler } from '../../handlers/check.ts';
import type { Notification } from '../../protocol/notification.ts';
import { HEADER_SIGNATURE, HEADER_TIMESTAMP, signatureMatches, signBody } from '../../protocol/signature.ts';
import { getText, putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';
import { type SsmStandIn, startSsmStandIn } from '../helpers/ssmStandIn.ts';

const BUCKET = 'certmonitor-fleet';
const SECRET = 'handler-test-secret';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'certs', name));
const EVENT = {
  'detail-type': 'Scheduled Event' as const,
  source: 'aws.events',
  time: '2026-11-24T12:00:00Z',
  detail: {},
};
const context = { getRemainingTimeInMillis: () => 120_000 };

describe('handlers/check invoked directly against s3rver, an SSM stand-in and an HTTP gateway', () => {
  let s3: S3rverHandle;
  let ssm: SsmStandIn;
  let client: S3Client;
  let gateway: http.Server;
  let gatewayUrl: string;
  const received: { notification: Notification; signed: boolean }[] = [];
  /** False: every trap host fails (the gateway answers, but nothing is delivered). */
  let trapsOk = true;

  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS, { POWERTOOLS_METRICS_DISABLED: 'true' });
    s3 = await startS3rver([BUCKET]);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    await putObjects(client, BUCKET, [
      ['certs/hsm01/server.pem', fixture('leaf.pem')],
      ['certs/hsm02/server.pem', fixture('rsa2048.pem')],
      ['certs/hsm03/server.pem', 'not a certificate'],
      ['certs/fleet.json', JSON.stringify({ appliances: { hsm01: { address: '10.0.0.5' }, ghost: {} } })],
    ]);
    ssm = await startSsmStandIn([['/certmonitor/gateway-secret', `${SECRET}\n`]]);
    gateway = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const ts = String(request.headers[HEADER_TIMESTAMP]);
        const signed = signatureMatches(signBody(SECRET, ts, raw), String(request.headers[HEADER_SIGNATURE]));
        const { notifications } = JSON.parse(raw.toString('utf8')) as { notifications: Notification[] };
        for (const notification of notifications) received.push({ notification, signed });
        response.writeHead(signed ? 200 : 401, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            results: notifications.map((n) => ({
              id: n.id,
              duplicate: false,
              traps: [trapsOk ? { host: 'nms', ok: true } : { host: 'nms', ok: false, error: 'timeout' }],
              syslog: 'ok',
            })),
          }),
        );
      });
    });
    await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });

  after(async () => {
    client?.destroy();
    await new Promise<void>((done) => {
      gateway?.closeAllConnections();
      gateway ? gateway.close(() => done()) : done();
    });
    await ssm?.stop();
    await s3?.stop();
  });

  const env = () => ({
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_REGION: 'us-east-1',
    CERTMONITOR_SOURCE: `s3://${BUCKET}/certs/`,
    CERTMONITOR_STATE: `s3://${BUCKET}/state/`,
    CERTMONITOR_THRESHOLD_DAYS: '30',
    CERTMONITOR_REPEAT_HOURS: '24',
    CERTMONITOR_GATEWAY_URL: gatewayUrl,
    CERTMONITOR_GATEWAY_KEY_ID: 'lambda',
    CERTMONITOR_GATEWAY_SECRET_PARAM: '/certmonitor/gateway-secret',
    CERTMONITOR_CONCURRENCY: '4',
  });

  it('evaluates as of event.time, forwards signed notifications, logs JSON lines, stores state, returns the summary', async () => {
    const lines: string[] = [];
    const handler = createHandler({ env: env(), out: { write: (text: string) => lines.push(text) } });
    const summary = (await handler(EVENT, context)) as RunSummary;
    assert.equal(summary.appliances, 4);
    assert.deepEqual(
      { ...summary.byStatus },
      { valid: 1, expiring: 1, expired: 0, not_yet_valid: 0, invalid: 1, missing: 1, unavailable: 0 },
    );
    assert.equal(summary.notifications.failed, 0);
    assert.equal(summary.notifications.sent, received.length);
    assert.ok(received.every((r) => r.signed));
    const expiring = received.find((r) => r.notification.appliance === 'hsm01');
    assert.equal(expiring?.notification.event, 'expiring');
    assert.equal(expiring?.notification.address, '10.0.0.5');
    assert.equal(expiring?.notification.observedAt.slice(0, 19), '2026-11-24T12:00:00');

    const records = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(records.some((r) => r.key === 'started'));
    assert.ok(
      records.some(
        (r) => r.appliance === 'hsm01' && r.text === 'NTLS certificate will be expire on Nov 27 09:30:00 2026 GMT',
      ),
    );
    assert.ok(
      records.some((r) => r.appliance === 'ghost' && r.text === 'NTLS certificate is missing' && r.level === 'warning'),
    );
    const outcome = records.find((r) => r.event === 'outcome' && r.appliance === 'hsm01');
    assert.equal(outcome?.status, 'expiring');
    assert.equal(outcome?.daysRemaining, 2);

    const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'state/' }));
    assert.deepEqual(listing.Contents?.map((o) => o.Key).sort(), [
      'state/_report/fleet-status.json',
      'state/_report/index.html',
      'state/ghost.json',
      'state/hsm01.json',
      'state/hsm02.json',
      'state/hsm03.json',
    ]);
    // The fleet report of this run: two objects at the state location, every appliance once.
    const report = JSON.parse(await getText(client, BUCKET, 'state/_report/fleet-status.json')) as FleetStatus;
    assert.equal(report.time, '2026-11-24T12:00:00.000Z');
    assert.deepEqual(
      report.appliances.map((a) => [a.appliance, a.status]),
      [
        ['ghost', 'missing'],
        ['hsm01', 'expiring'],
        ['hsm02', 'valid'],
        ['hsm03', 'invalid'],
      ],
    );
    assert.ok(records.some((r) => r.event === 'report' && r.appliances === 4));

    // A warm re-invocation for the same instant replays the decision: nothing is due again.
    const before = received.length;
    const again = (await handler(EVENT, context)) as RunSummary;
    assert.equal(again.notifications.sent, 0);
    assert.equal(received.length, before);
    assert.equal(lines.filter((l) => l.includes('"key":"started"')).length, 1);
  });

  it('stops starting appliances when the invocation is about to time out, says so, and fails the invocation', async () => {
    const lines: string[] = [];
    const handler = createHandler({ env: env(), out: { write: (text: string) => lines.push(text) } });
    await assert.rejects(handler(EVENT, { getRemainingTimeInMillis: () => 1_000 }), {
      name: 'RunIncompleteError',
      code: 'CM_ERR_RUN_INCOMPLETE',
    });
    const summary = JSON.parse(lines.find((l) => l.includes('"event":"summary"')) ?? '{}');
    assert.equal(summary.stopped, true);
    assert.equal(summary.appliances, 0);
    assert.ok(lines.some((l) => l.includes('"event":"stopped"')));
    // A partial run leaves the last complete report in place.
    assert.ok(lines.some((l) => l.includes('"event":"reportSkipped"')));
    const report = JSON.parse(await getText(client, BUCKET, 'state/_report/fleet-status.json')) as FleetStatus;
    assert.equal(report.appliances.length, 4);
  });

  it('a run that delivered nothing is a failed invocation, after saving what it could; the retry delivers', async () => {
    const event = { ...EVENT, time: '2026-11-30T12:00:00Z' };
    const records = (lines: string[]) =>
      lines
        .flatMap((l) => l.split('\n'))
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const lines: string[] = [];
    const handler = createHandler({ env: env(), out: { write: (text: string) => lines.push(text) } });
    trapsOk = false;
    const before = received.length;
    try {
      await assert.rejects(handler(event, context), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'RunIncompleteError');
        assert.match(
          error.message,
          /^\d+ due notification\(s\) not delivered; the state records only what was delivered/,
        );
        return true;
      });
    } finally {
      trapsOk = true;
    }
    const failedIds = received
      .slice(before)
      .map((r) => r.notification.id)
      .sort();
    assert.ok(failedIds.length > 0);
    // The summary is written before the invocation fails, and says what failed.
    const summary = records(lines).find((r) => r.event === 'summary') as RunSummary | undefined;
    assert.equal(summary?.notifications.failed, failedIds.length);
    assert.equal(summary?.notifications.sent, 0);
    assert.ok(records(lines).some((r) => r.key === 'trapFailed' && r.appliance === 'hsm01'));
    // The state stays correct: nothing undelivered is recorded as sent, so the retry sends the same ids.
    const state = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/hsm01.json' }));
    const record = JSON.parse((await state.Body?.transformToString()) ?? '{}');
    assert.notEqual(record.lastAlertAt, '2026-11-30T12:00:00.000Z');
    const retried = received.length;
    const retry = (await handler(event, context)) as RunSummary;
    assert.equal(retry.notifications.failed, 0);
    assert.deepEqual(
      received
        .slice(retried)
        .map((r) => r.notification.id)
        .sort(),
      failedIds,
    );
  });

  it('fails with a message naming the variable when the configuration is wrong, and retries it next time', async () => {
    const broken = { ...env(), CERTMONITOR_THRESHOLD_DAYS: 'soon' };
    const handler = createHandler({ env: broken, out: { write: () => true } });
    await assert.rejects(handler(EVENT, context), /CERTMONITOR_THRESHOLD_DAYS/);
    await assert.rejects(handler({ time: 'yesterday' }, context), /event\.time/);
    const missing = createHandler({ env: { ...env(), CERTMONITOR_SOURCE: '' }, out: { write: () => true } });
    await assert.rejects(missing(EVENT, context), /CERTMONITOR_SOURCE/);
    // A private CA on Lambda is NODE_EXTRA_CA_CERTS: the CLI's CA file is refused, saying so.
    const caFile = createHandler({
      env: { ...env(), CERTMONITOR_GATEWAY_URL: 'https://gw.example:8443', CERTMONITOR_GATEWAY_CA_FILE: '/ca.pem' },
      out: { write: () => true },
    });
    await assert.rejects(
      caFile(EVENT, context),
      /CERTMONITOR_GATEWAY_CA_FILE is for certmonitor check; on Lambda .*NODE_EXTRA_CA_CERTS/,
    );
  });

  it('without a gateway, succeeds and its summary counts the notifications due and not forwarded', async () => {
    const { CERTMONITOR_GATEWAY_URL, CERTMONITOR_GATEWAY_KEY_ID, CERTMONITOR_GATEWAY_SECRET_PARAM, ...evaluateOnly } =
      env();
    const lines: string[] = [];
    const handler = createHandler({
      env: { ...evaluateOnly, CERTMONITOR_STATE: `s3://${BUCKET}/evaluate-only/` },
      out: { write: (text: string) => lines.push(text) },
    });
    const before = received.length;
    const summary = (await handler(EVENT, context)) as RunSummary;
    assert.equal(received.length, before, 'nothing reached the gateway');
    assert.deepEqual(summary.notifications, { sent: 0, failed: 0 });
    // hsm01 expiring, hsm03 invalid, ghost missing: each due, none forwarded.
    assert.equal(summary.notForwarded, 3);
    const line = JSON.parse(lines.find((l) => l.includes('"event":"summary"')) ?? '{}') as RunSummary;
    assert.equal(line.notForwarded, 3);
  });

  it('delivers through a standby gateway when the primary is down, and its summary says so', async () => {
    // A loopback port nothing listens on: the primary is down.
    const closed = http.createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const primary = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((done) => closed.close(() => done()));
    const lines: string[] = [];
    const handler = createHandler({
      env: {
        ...env(),
        CERTMONITOR_GATEWAY_URL: `${primary},${gatewayUrl}`,
        CERTMONITOR_STATE: `s3://${BUCKET}/standby/`,
      },
      out: { write: (text: string) => lines.push(text) },
    });
    const before = received.length;
    const summary = (await handler(EVENT, context)) as RunSummary;
    const delivered = received.length - before;
    assert.ok(delivered > 0, 'the standby received the notifications');
    assert.equal(summary.notifications.sent, delivered);
    assert.equal(summary.notifications.failed, 0);
    assert.deepEqual(summary.deliveredBy, { [gatewayUrl]: delivered });
    assert.equal(summary.failovers, 1);
    const records = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      records.filter((r) => r.key === 'gatewayFailover').map((r) => r.text),
      [
        `Failed over ${delivered} NTLS certificate expiry notification(s) from SNMP gateway ${primary} to SNMP gateway ${gatewayUrl}: gateway unreachable (ECONNREFUSED)`,
      ],
    );
    const line = records.find((r) => r.event === 'summary');
    assert.deepEqual(line?.deliveredBy, { [gatewayUrl]: delivered });
    assert.equal(line?.failovers, 1);
  });
});
