/**
 * Splitting by shard size, end to end: the scheduled `check` counts a fleet past CERTMONITOR_SHARD_SIZE and
 * queues ceil(size / shardSize) shard messages (SQS cannot run here, so SendMessageBatch is mocked and its
 * messages captured); each captured message is delivered as a real SQSEvent to `checkShard`. Together the
 * shards must check every appliance exactly once, as of the scheduled instant, leaving the same state and
 * forwarding the same notifications as one inline run over the same fleet on a fresh state. Certificates
 * and state live in directories; the gateway is a real loopback HTTP server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { RunSummary } from '../../app/runSummary.ts';
import { createHandler } from '../../handlers/check.ts';
import { createShardHandler } from '../../handlers/checkShard.ts';
import { shardsFor } from '../../handlers/shardMessage.ts';
import type { Notification } from '../../protocol/notification.ts';
import { HEADER_KEY_ID } from '../../protocol/signature.ts';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:certmonitor-dev-check-shards';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/certmonitor-dev-check-shards';
const TIME = '2026-11-24T12:00:00.000Z';
const context = { getRemainingTimeInMillis: () => 120_000 };
const fixture = (name: string) => readFile(join(import.meta.dirname, '..', 'fixtures', 'certs', name));

/** 25 listed appliances (valid, expiring, invalid; some with inventory overrides) and 2 inventory-only ones. */
const LISTED = Array.from({ length: 25 }, (_, i) => `hsm${String(i).padStart(2, '0')}`);
const GHOSTS = ['ghost-a', 'ghost-b'];
const ALL = [...LISTED, ...GHOSTS].sort();

type Records = Record<string, unknown>[];
const parseLines = (lines: string[]): Records =>
  lines
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every state file's JSON, by file name. */
async function stateOf(dir: string): Promise<Record<string, unknown>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(join(dir, f), 'utf8'))] as const)),
  );
}

/** A captured SendMessageBatch entry as SQS would deliver it to the event source mapping. */
function sqsRecord(entry: SendMessageBatchRequestEntry, index: number): SQSRecord {
  const body = entry.MessageBody ?? '';
  return {
    messageId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    receiptHandle: `handle-${index}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.parse(TIME)),
      SenderId: 'AROAEXAMPLE:certmonitor-dev-check',
      ApproximateFirstReceiveTimestamp: String(Date.parse(TIME) + 50),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

describe('a fleet past CERTMONITOR_SHARD_SIZE is split through SQS and checked exactly once', () => {
  const sqs = mockClient(SQSClient);
  let root: string;
  let gateway: http.Server;
  let gatewayUrl: string;
  /** Notifications the gateway received, by the state directory of the run that sent them (the key id). */
  const received = new Map<string, Notification[]>();
  /** The inline run's outcome lines (the first test's reference). */
  let inlineOutcomes: Records = [];

  before(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    root = await mkdtemp(join(tmpdir(), 'certmonitor-shards-'));
    const [leaf, rsa, ec] = await Promise.all([fixture('leaf.pem'), fixture('rsa2048.pem'), fixture('ecp256.pem')]);
    const certs = join(root, 'certs');
    for (const [i, name] of LISTED.entries()) {
      await mkdir(join(certs, name), { recursive: true });
      const body = i % 7 === 3 ? 'not a certificate' : [leaf, rsa, ec][i % 3];
      await writeFile(join(certs, name, 'server.pem'), body as Buffer | string);
    }
    const inventory = {
      appliances: {
        ...Object.fromEntries(GHOSTS.map((g) => [g, {}])),
        hsm01: { address: '10.0.0.1' },
        // rsa2048 expires in July 2027: expiring only with this appliance's longer threshold.
        hsm04: { address: '10.0.0.4', thresholdDays: 400 },
        hsm06: { repeatHours: 1 },
      },
    };
    await writeFile(join(certs, 'fleet.json'), JSON.stringify(inventory));
    await writeFile(join(root, 'secret'), 'shard-test-secret\n');
    gateway = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const { notifications } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          notifications: Notification[];
        };
        const run = String(request.headers[HEADER_KEY_ID] ?? '');
        received.set(run, [...(received.get(run) ?? []), ...notifications]);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ results: notifications.map((n) => ({ id: n.id, traps: [{ host: 'nms', ok: true }] })) }),
        );
      });
    });
    await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });

  after(async () => {
    sqs.restore();
    await new Promise<void>((done) => {
      gateway?.closeAllConnections();
      gateway ? gateway.close(() => done()) : done();
    });
    await rm(root, { recursive: true, force: true });
  });

  /** The environment of one deployment whose state lives in `state` (also its gateway key id). */
  const env = async (state: string, shardSize: string) => {
    await mkdir(join(root, state), { recursive: true });
    return {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      CERTMONITOR_SOURCE: `dir:${join(root, 'certs')}`,
      CERTMONITOR_STATE: `dir:${join(root, state)}`,
      CERTMONITOR_GATEWAY_URL: gatewayUrl,
      CERTMONITOR_GATEWAY_KEY_ID: state,
      CERTMONITOR_GATEWAY_SECRET_FILE: join(root, 'secret'),
      CERTMONITOR_CONCURRENCY: '4',
      CERTMONITOR_SHARD_SIZE: shardSize,
      CERTMONITOR_SHARD_QUEUE: QUEUE,
    };
  };

  /** Notifications sorted by id, for comparing runs. */
  const notifications = (run: string) => [...(received.get(run) ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  /** Outcome lines without their timestamps, by appliance. */
  const outcomes = (records: Records) =>
    records
      .filter((r) => r.event === 'outcome')
      .map(({ time: _time, ...rest }) => rest)
      .sort((a, b) => String(a.appliance).localeCompare(String(b.appliance)));

  it('shards, fed the captured messages as SQS events, match one inline run over the same fleet', async () => {
    // The reference: one inline run on a fresh state, never split.
    const inlineLines: string[] = [];
    const inline = createHandler({ env: await env('inline', '0'), out: { write: (t: string) => inlineLines.push(t) } });
    const reference = (await inline({ time: TIME }, context)) as RunSummary;
    assert.equal(reference.appliances, ALL.length);
    assert.ok(reference.notifications.sent > 0, 'the fleet has notifications due');
    assert.equal(reference.notifications.failed, 0);

    // The scheduled invocation counts 27 appliances, past the shard size of 10: ceil(27 / 10) = 3 shards.
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const shardedEnv = await env('sharded', '10');
    const schedLines: string[] = [];
    const check = createHandler({ env: shardedEnv, out: { write: (t: string) => schedLines.push(t) } });
    const dispatch = await check({ time: TIME }, context);
    assert.deepEqual(dispatch, { dispatched: 3, time: TIME, appliances: ALL.length, shardSize: 10 });
    assert.deepEqual(await stateOf(join(root, 'sharded')), {}, 'the scheduled invocation checked nothing itself');
    assert.ok(parseLines(schedLines).some((r) => r.event === 'dispatched' && r.appliances === ALL.length));
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    assert.ok(calls.every((c) => c.args[0].input.QueueUrl === QUEUE));
    const entries = calls.flatMap((c) => c.args[0].input.Entries ?? []);
    assert.equal(entries.length, 3);

    // Each message to its own checkShard invocation (batchSize 1 in serverless.yml), as a real SQSEvent.
    const shardLines: string[] = [];
    const checkShard = createShardHandler({ env: shardedEnv, out: { write: (t: string) => shardLines.push(t) } });
    for (const [index, entry] of entries.entries()) {
      const event: SQSEvent = { Records: [sqsRecord(entry, index)] };
      assert.deepEqual(await checkShard(event, context), { batchItemFailures: [] });
    }
    const records = parseLines(shardLines);
    const summaries = records.filter((r) => r.event === 'summary');
    assert.deepEqual(
      summaries.map((s) => s.shard),
      [0, 1, 2],
    );
    assert.ok(
      summaries.every((s) => Number(s.appliances) > 0),
      'every shard has appliances',
    );

    // Every appliance exactly once, as of the scheduled instant.
    const checked = records.filter((r) => r.event === 'outcome').map((r) => String(r.appliance));
    assert.deepEqual(checked.sort(), ALL);
    assert.ok(records.filter((r) => r.event === 'outcome').every((r) => r.time === '2026-11-24T12:00:00Z'));
    assert.ok(notifications('sharded').every((n) => n.observedAt.startsWith('2026-11-24T12:00:00')));

    // The same outcomes, state and notifications as the inline run.
    inlineOutcomes = outcomes(parseLines(inlineLines));
    assert.deepEqual(outcomes(records), inlineOutcomes);
    assert.deepEqual(await stateOf(join(root, 'sharded')), await stateOf(join(root, 'inline')));
    assert.deepEqual(notifications('sharded'), notifications('inline'));
    const sent = summaries.reduce((sum, s) => sum + (s.notifications as { sent: number }).sent, 0);
    assert.equal(sent, reference.notifications.sent);
  });

  it('a fleet within the shard size is checked by the scheduled invocation itself, queueing nothing', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).rejects(new Error('no queue expected'));
    const lines: string[] = [];
    const check = createHandler({
      env: await env('fits', String(ALL.length)),
      out: { write: (t: string) => lines.push(t) },
    });
    const summary = (await check({ time: TIME }, context)) as RunSummary;
    assert.equal(summary.appliances, ALL.length);
    assert.equal(sqs.commandCalls(SendMessageBatchCommand).length, 0);
    assert.deepEqual(await stateOf(join(root, 'fits')), await stateOf(join(root, 'inline')));
    assert.deepEqual(notifications('fits'), notifications('inline'));
    assert.deepEqual(outcomes(parseLines(lines)), inlineOutcomes);
  });

  it('refuses a bad shard size naming the variable, and needs the queue only when splitting', async () => {
    const bad = createHandler({ env: { ...(await env('bad', 'lots')) }, out: { write: () => true } });
    await assert.rejects(bad({ time: TIME }, context), /CERTMONITOR_SHARD_SIZE/);
    const noQueue = createHandler({
      env: { ...(await env('bad', '10')), CERTMONITOR_SHARD_QUEUE: '' },
      out: { write: () => true },
    });
    await assert.rejects(noQueue({ time: TIME }, context), /CERTMONITOR_SHARD_QUEUE/);
  });

  it('ceil(size / shard size) shards, at most the message limit', () => {
    assert.equal(shardsFor(11, 10), 2);
    assert.equal(shardsFor(20, 10), 2);
    assert.equal(shardsFor(100_000, 2000), 50);
    assert.equal(shardsFor(10_000_000, 1), 1000);
  });
});
