import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { createHandler } from '../../handlers/check.ts';
import { createShardHandler } from '../../handlers/checkShard.ts';
import { parseShardMessage } from '../../handlers/shardMessage.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';

const BUCKET = 'sharded-fleet';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/certmonitor-dev-check-shards';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'certs', name));
const context = { getRemainingTimeInMillis: () => 120_000 };
const names = Array.from({ length: 12 }, (_, i) => `hsm${String(i).padStart(2, '0')}`);

describe('a fleet split across invocations through SQS', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  // SQS cannot run here: the queue itself is mocked (this file only); S3 is the real s3rver.
  const sqs = mockClient(SQSClient);

  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS, { POWERTOOLS_METRICS_DISABLED: 'true' });
    s3 = await startS3rver([BUCKET]);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    await putObjects(client, BUCKET, [
      ...names.map((n, i) => [`certs/${n}/server.pem`, fixture(i % 2 ? 'leaf.pem' : 'rsa2048.pem')] as const),
      ['certs/fleet.json', JSON.stringify({ appliances: { ghost: {} } })],
    ]);
  });

  after(async () => {
    sqs.restore();
    client?.destroy();
    await s3?.stop();
  });

  const env = (extra: Record<string, string> = {}) => ({
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: 'us-east-1',
    CERTMONITOR_SOURCE: `s3://${BUCKET}/certs/`,
    CERTMONITOR_STATE: `s3://${BUCKET}/state/`,
    CERTMONITOR_SHARDS: '3',
    CERTMONITOR_SHARD_QUEUE: QUEUE,
    ...extra,
  });

  it('the scheduled invocation queues one message per shard, all as of the event time', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const check = createHandler({ env: env(), out: { write: () => true } });
    const result = await check({ time: '2026-11-24T12:00:00Z' }, context);
    assert.deepEqual(result, { dispatched: 3, time: '2026-11-24T12:00:00.000Z' });
    const entries = sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    assert.deepEqual(
      entries.map((e) => parseShardMessage(e.MessageBody ?? '')),
      [0, 1, 2].map((shard) => ({ time: '2026-11-24T12:00:00.000Z', shard, shards: 3 })),
    );
    assert.equal(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl, QUEUE);
  });

  it('resolves a queue configured by name once, with GetQueueUrl', async () => {
    sqs.reset();
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const check = createHandler({
      env: env({ CERTMONITOR_SHARD_QUEUE: 'certmonitor-dev-check-shards' }),
      out: { write: () => true },
    });
    await check({ time: '2026-11-24T12:00:00Z' }, context);
    await check({ time: '2026-11-24T13:00:00Z' }, context);
    assert.deepEqual(
      sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input.QueueName),
      ['certmonitor-dev-check-shards'],
    );
    assert.ok(sqs.commandCalls(SendMessageBatchCommand).every((c) => c.args[0].input.QueueUrl === QUEUE));
  });

  it('refuses a bad shard count naming the variable, and runs unsplit with an empty one', async () => {
    const bad = createHandler({ env: env({ CERTMONITOR_SHARDS: 'many' }), out: { write: () => true } });
    await assert.rejects(bad({ time: '2026-11-24T12:00:00Z' }, context), /CERTMONITOR_SHARDS/);
    const noQueue = createHandler({ env: env({ CERTMONITOR_SHARD_QUEUE: '' }), out: { write: () => true } });
    await assert.rejects(noQueue({ time: '2026-11-24T12:00:00Z' }, context), /CERTMONITOR_SHARD_QUEUE/);
    const unsplit = createHandler({ env: env({ CERTMONITOR_SHARDS: '' }), out: { write: () => true } });
    const summary = await unsplit({ time: '2026-11-24T12:00:00Z' }, context);
    assert.equal('appliances' in summary && summary.appliances, names.length + 1);
  });

  it('fails the scheduled invocation when the queue refuses a message (so it is retried)', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: 'shard-1', SenderFault: false, Code: 'InternalError' }],
    });
    const check = createHandler({ env: env(), out: { write: () => true } });
    await assert.rejects(check({ time: '2026-11-24T12:00:00Z' }, context), { name: 'ShardDispatchError' });
  });

  it('the shard invocations together check every appliance exactly once', async () => {
    const lines: string[] = [];
    const shardHandler = createShardHandler({ env: env(), out: { write: (t: string) => lines.push(t) } });
    const records = [0, 1, 2].map((shard) => ({
      messageId: `m${shard}`,
      body: JSON.stringify({ time: '2026-11-24T12:00:00.000Z', shard, shards: 3 }),
    }));
    const answer = await shardHandler({ Records: records as never }, context);
    assert.deepEqual(answer.batchItemFailures, []);
    const parsed = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const outcomes = parsed.filter((r) => r.event === 'outcome').map((r) => String(r.appliance));
    assert.deepEqual(outcomes.sort(), [...names, 'ghost'].sort());
    const summaries = parsed.filter((r) => r.event === 'summary');
    assert.equal(summaries.length, 3);
    assert.equal(
      summaries.reduce((sum, r) => sum + Number(r.appliances), 0),
      names.length + 1,
    );
    const state = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'state/' }));
    assert.equal(state.KeyCount, names.length + 1);
  });

  it('a shard run that did not do everything is a batch item failure, after its summary', async () => {
    const lines: string[] = [];
    const shardHandler = createShardHandler({ env: env(), out: { write: (t: string) => lines.push(t) } });
    const body = JSON.stringify({ time: '2026-11-24T12:00:00.000Z', shard: 1, shards: 3 });
    // Too little time left: the run stops before its first appliance.
    const answer = await shardHandler(
      { Records: [{ messageId: 'short', body }] as never },
      {
        getRemainingTimeInMillis: () => 1_000,
      },
    );
    assert.deepEqual(answer.batchItemFailures, [{ itemIdentifier: 'short' }]);
    const parsed = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(parsed.find((r) => r.event === 'summary')?.stopped, true);
    const failed = parsed.find((r) => r.event === 'shardFailed');
    assert.equal(failed?.reason, 'RunIncompleteError');
    assert.equal(failed?.errorCode, 'CM_ERR_RUN_INCOMPLETE');
  });

  it('reports a malformed message as a batch item failure without echoing it', async () => {
    const lines: string[] = [];
    const shardHandler = createShardHandler({ env: env(), out: { write: (t: string) => lines.push(t) } });
    const answer = await shardHandler(
      { Records: [{ messageId: 'bad', body: '{"time":"<script>","shard":0,"shards":3}' }] as never },
      context,
    );
    assert.deepEqual(answer.batchItemFailures, [{ itemIdentifier: 'bad' }]);
    assert.ok(!lines.join('').includes('<script>'));
  });
});
