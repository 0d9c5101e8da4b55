/**
 * Splits a scheduled run across invocations through SQS (docs/design.md, The scheduled Lambda): one message per shard, all carrying
 * the run's evaluation instant, so every shard decides as of the same `now`. SQS delivers each to the
 * `checkShard` function, retries failed ones and parks poison messages in the dead-letter queue.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsErrorReason } from '../adapters/aws/awsErrorReason.ts';
import { ShardDispatchError } from './errors.ts';
import type { ShardMessage } from './shardMessage.ts';

/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH = 10;

/** What the scheduled invocation returns when it dispatched shards instead of running. */
export interface ShardDispatch {
  /** How many shard messages were queued. */
  readonly dispatched: number;
  readonly time: string;
  /** The counted fleet size, when the split was decided by the shard size. */
  readonly appliances?: number;
  readonly shardSize?: number;
}

/** What the split was decided on, reported with the dispatch. */
export interface ShardBasis {
  readonly appliances: number;
  readonly shardSize: number;
}

/** Queues one message per shard; throws {@link ShardDispatchError} unless every one was accepted. */
export async function dispatchShards(
  client: SQSClient,
  queueUrl: string,
  time: string,
  shards: number,
  basis?: ShardBasis,
): Promise<ShardDispatch> {
  const messages: ShardMessage[] = Array.from({ length: shards }, (_, shard) => ({ time, shard, shards }));
  for (let start = 0; start < messages.length; start += SQS_BATCH) {
    const chunk = messages.slice(start, start + SQS_BATCH);
    let failed: number;
    try {
      const answer = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message) => ({ Id: `shard-${message.shard}`, MessageBody: JSON.stringify(message) })),
        }),
      );
      failed = answer.Failed?.length ?? 0;
    } catch (error) {
      throw new ShardDispatchError(`shard messages could not be queued: ${awsErrorReason(error)}`, { cause: error });
    }
    if (failed > 0) throw new ShardDispatchError(`${failed} shard message(s) were refused by the queue`);
  }
  return { dispatched: shards, time, ...basis };
}
