/**
 * The SQS-triggered Lambda `checkShard`: checks one shard of the fleet as of the scheduled run's instant
 * (docs/design.md, The scheduled Lambda, a fleet too large for one invocation). A message whose run fails is reported back as a batch
 * item failure, so SQS redelivers it and, after a few attempts, moves it to the dead-letter queue; a run
 * repeated this way is harmless (state is conditional and notification ids are deterministic).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ShardSource } from '../app/shardSource.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import type { CheckContext, HandlerOptions } from './check.ts';
import { runtimeHolder } from './checkRuntime.ts';
import { isoSeconds } from './isoSeconds.ts';
import { runInvocation } from './runInvocation.ts';
import { parseShardMessage } from './shardMessage.ts';

const DEFAULT_REMAINING_MS = 15 * 60_000;

/** Builds a shard handler bound to an environment (configuration parsed on the first invocation). */
export function createShardHandler(options: HandlerOptions = {}) {
  const holder = runtimeHolder(() => options.env ?? process.env);
  return async (event: Pick<SQSEvent, 'Records'>, context?: CheckContext): Promise<SQSBatchResponse> => {
    const out = options.out ?? process.stdout;
    const endsAt = Date.now() + (context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS);
    const { runtime: pending, coldStart } = holder.get();
    const runtime = await pending;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    let first = coldStart;
    for (const record of event.Records ?? []) {
      try {
        const message = parseShardMessage(record.body);
        const now = new Date(message.time);
        await runInvocation({
          runtime,
          now,
          endsAt,
          out,
          coldStart: first,
          source: new ShardSource(runtime.source, message.shard, message.shards),
          label: { shard: message.shard, shards: message.shards },
          shard: { shard: message.shard, shards: message.shards },
        });
      } catch (error) {
        const reason = errorLabel(error) ?? 'Error';
        const code = error instanceof CertmonitorError ? { errorCode: error.code } : {};
        out.write(`${JSON.stringify({ time: isoSeconds(new Date()), event: 'shardFailed', reason, ...code })}\n`);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
      first = false;
    }
    return { batchItemFailures };
  };
}

/** The Lambda entry point (`handlers/checkShard.handler`). */
export const handler = createShardHandler();
