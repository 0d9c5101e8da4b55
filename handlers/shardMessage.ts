/** The SQS message that asks one invocation to check one shard of the fleet as of one instant. */
import { parseIsoInstant } from '../protocol/isoInstant.ts';
import { ShardMessageError } from './errors.ts';

/** Body of a shard message. */
export interface ShardMessage {
  /** The evaluation instant of the whole scheduled run, ISO 8601 (every shard evaluates as of it). */
  readonly time: string;
  readonly shard: number;
  readonly shards: number;
}

/** Largest number of shards accepted (a fleet of 100,000 appliances needs far fewer). */
export const MAX_SHARDS = 1000;

/** Parses and validates a shard message body. */
export function parseShardMessage(body: string): ShardMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new ShardMessageError('shard message is not JSON', { cause: error });
  }
  const { time, shard, shards } = (value ?? {}) as Record<string, unknown>;
  if (typeof time !== 'string' || !/T/.test(time) || parseIsoInstant(time) === undefined) {
    throw new ShardMessageError('shard message: time is not an ISO 8601 instant');
  }
  if (!Number.isInteger(shards) || (shards as number) < 1 || (shards as number) > MAX_SHARDS) {
    throw new ShardMessageError(`shard message: shards must be an integer from 1 to ${MAX_SHARDS}`);
  }
  if (!Number.isInteger(shard) || (shard as number) < 0 || (shard as number) >= (shards as number)) {
    throw new ShardMessageError('shard message: shard must be an integer from 0 to shards - 1');
  }
  return { time, shard: shard as number, shards: shards as number };
}

/**
 * The number of shards for a counted fleet: ceil(appliances / shardSize), at most {@link MAX_SHARDS}.
 * Shards are a stable hash partition, so each holds about `shardSize` appliances, not exactly at most.
 */
export function shardsFor(appliances: number, shardSize: number): number {
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(appliances / shardSize)));
}
