/**
 * A run that evaluated no appliance is a failed invocation (docs/monitoring.md, Failure handling): an empty
 * source fails with `EmptyRunError` after its summary line, counts no successful run and leaves the fleet
 * report as it was; a scheduled invocation that counts the fleet and finds nothing fails the same way, and
 * one that queues a fixed number of shards looks at the fleet first and queues nothing. A fleet that is
 * empty on purpose (`CERTMONITOR_ALLOW_EMPTY=true`) succeeds; a shard left empty by a small fleet is no
 * failure. Certificates and state live in directories; SQS cannot run here, so it is mocked.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { RunSummary } from '../../app/runSummary.ts';
import { createHandler } from '../../handlers/check.ts';
import { createShardHandler } from '../../handlers/checkShard.ts';

const TIME = '2026-11-24T12:00:00Z';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/certmonitor-dev-check-shards';
const context = { getRemainingTimeInMillis: () => 120_000 };

/** Captures the EMF lines Powertools writes to stdout while `run` runs. */
async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; emf: string[] }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  // Only the EMF lines are kept: the test runner's own output passes through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (!String(chunk).includes('"_aws"')) return original(chunk, ...rest);
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  let result: PromiseSettledResult<T>;
  try {
    result = await run().then(
      (value) => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const,
    );
  } finally {
    process.stdout.write = original;
  }
  return {
    result,
    emf: chunks
      .join('')
      .split('\n')
      .filter((l) => l.includes('"_aws"')),
  };
}

describe('a Lambda run that evaluated no appliance', () => {
  const sqs = mockClient(SQSClient);
  let root: string;

  before(async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_DEV;
    root = await mkdtemp(join(tmpdir(), 'certmonitor-empty-run-'));
    await mkdir(join(root, 'empty'));
  });
  after(async () => {
    sqs.restore();
    await rm(root, { recursive: true, force: true });
  });

  const env = (state: string, extra: Record<string, string> = {}) => ({
    CERTMONITOR_SOURCE: `dir:${join(root, 'empty')}`,
    CERTMONITOR_STATE: `dir:${join(root, state)}`,
    ...extra,
  });

  it('fails with EmptyRunError naming the source, after its summary line, and counts no successful run', async () => {
    const lines: string[] = [];
    const handler = createHandler({ env: env('state'), out: { write: (text: string) => lines.push(text) } });
    const { result, emf } = await captureStdout(() => handler({ time: TIME }, context));
    assert.equal(result.status, 'rejected');
    const error = (result as PromiseRejectedResult).reason as Error & { code?: string };
    assert.equal(error.name, 'EmptyRunError');
    assert.equal(error.code, 'CM_ERR_EMPTY_RUN');
    assert.match(
      error.message,
      /^no appliance was evaluated: dir:\/\S+\/empty holds no certificate and no inventory entry/,
    );
    const summary = JSON.parse(lines.find((l) => l.includes('"event":"summary"')) ?? '{}') as RunSummary;
    assert.equal(summary.appliances, 0);
    // The dead man's switch is not satisfied: the run's metrics say it did not succeed.
    const totals = emf.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => 'RunsSucceeded' in r);
    assert.equal(totals?.RunsSucceeded, 0);
    // An empty page would replace the report that last showed the fleet: none is written.
    assert.ok(!lines.some((l) => l.includes('"event":"report"')));
    assert.deepEqual(await readdir(join(root, 'state')).catch(() => []), []);
  });

  it('succeeds when the fleet is empty on purpose (CERTMONITOR_ALLOW_EMPTY=true), and refuses other values', async () => {
    const handler = createHandler({
      env: env('state-allowed', { CERTMONITOR_ALLOW_EMPTY: 'true' }),
      out: { write: () => true },
    });
    const { result, emf } = await captureStdout(() => handler({ time: TIME }, context));
    assert.equal(result.status, 'fulfilled');
    assert.equal(((result as PromiseFulfilledResult<unknown>).value as RunSummary).appliances, 0);
    const totals = emf.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => 'RunsSucceeded' in r);
    assert.equal(totals?.RunsSucceeded, 1);
    const refused = createHandler({
      env: env('state-bad', { CERTMONITOR_ALLOW_EMPTY: 'yes' }),
      out: { write: () => true },
    });
    await assert.rejects(refused({ time: TIME }, context), {
      name: 'ConfigError',
      message: "CERTMONITOR_ALLOW_EMPTY must be true or false, got 'yes'",
    });
  });

  it('split by shard size: the count finds nothing, the fleet "fits", and the run fails without queueing', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).rejects(new Error('no queue expected'));
    const handler = createHandler({
      env: env('state-sized', {
        CERTMONITOR_SHARD_SIZE: '10',
        CERTMONITOR_SHARD_QUEUE: QUEUE,
        AWS_REGION: 'us-east-1',
      }),
      out: { write: () => true },
    });
    const { result } = await captureStdout(() => handler({ time: TIME }, context));
    assert.equal(result.status, 'rejected');
    assert.equal(((result as PromiseRejectedResult).reason as Error).name, 'EmptyRunError');
    assert.equal(sqs.commandCalls(SendMessageBatchCommand).length, 0);
  });

  it('fixed shards: the scheduled invocation looks at the fleet first and queues nothing for an empty one', async () => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const sharded = { CERTMONITOR_SHARDS: '3', CERTMONITOR_SHARD_QUEUE: QUEUE, AWS_REGION: 'us-east-1' };
    const handler = createHandler({ env: env('state-fixed', sharded), out: { write: () => true } });
    await assert.rejects(handler({ time: TIME }, context), { name: 'EmptyRunError', code: 'CM_ERR_EMPTY_RUN' });
    assert.equal(sqs.commandCalls(SendMessageBatchCommand).length, 0);
    // An inventory that names an appliance is a fleet (its certificate is then missing): the shards are queued.
    const inventoryOnly = join(root, 'inventory-only');
    await mkdir(inventoryOnly);
    await writeFile(join(inventoryOnly, 'fleet.json'), JSON.stringify({ appliances: { hsm01: {} } }));
    const withInventory = createHandler({
      env: { ...env('state-fixed-inventory', sharded), CERTMONITOR_SOURCE: `dir:${inventoryOnly}` },
      out: { write: () => true },
    });
    const { result } = await captureStdout(() => withInventory({ time: TIME }, context));
    assert.equal(result.status, 'fulfilled');
    assert.equal(sqs.commandCalls(SendMessageBatchCommand).length, 1);
  });

  it('a shard left with no appliance by a small fleet is no failure', async () => {
    const shard = createShardHandler({ env: env('state-shard'), out: { write: () => true } });
    const body = JSON.stringify({ time: `${TIME.slice(0, 19)}.000Z`, shard: 1, shards: 3 });
    const { result } = await captureStdout(() => shard({ Records: [{ messageId: 'm1', body } as never] }, context));
    assert.equal(result.status, 'fulfilled');
    assert.deepEqual((result as PromiseFulfilledResult<{ batchItemFailures: unknown[] }>).value.batchItemFailures, []);
  });
});
