/**
 * What the Lambda keeps across warm invocations: the validated configuration (parsed once, at cold
 * start, through the shared parser so every error names its variable), the adapters with their AWS
 * clients and socket pools, and the cached signing secret.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_MAX_SOCKETS } from '../adapters/aws/awsClientOptions.ts';
import { awsErrorReason } from '../adapters/aws/awsErrorReason.ts';
import { createSource } from '../adapters/createSource.ts';
import { createStateStore, type StateLocation } from '../adapters/createStateStore.ts';
import { signingSecret } from '../adapters/forwarder/signingSecret.ts';
import { type CheckConfig, parseCheckConfig, SHARD_VARIABLES } from '../app/checkConfig.ts';
import { ConfigError } from '../app/errors.ts';
import type { CertificateSource } from '../app/ports.ts';
import { MAX_SHARDS } from './shardMessage.ts';

/**
 * Lambda-only variables: how the fleet is split, and the queue that carries the shards (a queue URL or a
 * queue name; a name is resolved with GetQueueUrl, so serverless.yml needs no CloudFormation reference that
 * `invoke local` would have to look up in an account).
 *
 * - `CERTMONITOR_SHARD_SIZE` (serverless param `shardSize`): the most appliances one invocation checks.
 *   The scheduled invocation counts the fleet; past this size it queues ceil(size / shardSize) shards.
 *   0 or absent: never split.
 * - `CERTMONITOR_SHARDS` (param `shards`): an explicit, fixed number of shards, queued without counting.
 *   Above 1 it overrides the shard size; 1 or absent leaves the decision to the shard size.
 */
export const SHARDS_VARIABLE = SHARD_VARIABLES.shards;
export const SHARD_SIZE_VARIABLE = SHARD_VARIABLES.shardSize;
export const SHARD_QUEUE_VARIABLE = SHARD_VARIABLES.queue;

/** Largest shard size accepted (far more than one invocation can check). */
export const MAX_SHARD_SIZE = 1_000_000;

/** What the forwarder needs: the gateway's address (and its standbys') and a cached way to get the signing secret. */
export interface RuntimeForwarder {
  readonly url: string;
  readonly standbys?: readonly string[];
  readonly keyId: string;
  readonly secret: () => Promise<string>;
  /** `CERTMONITOR_GATEWAY_TIMEOUT_MS` when set (app/gatewayTimeouts.ts). */
  readonly answerTimeoutMs?: number;
}

/** Splitting of the fleet across invocations; absent when one invocation always checks the whole fleet. */
export interface RuntimeSharding {
  /** A fixed number of shards (above 1), or undefined to split by {@link RuntimeSharding.shardSize}. */
  readonly shards?: number;
  /** Split when the fleet has more appliances than this (used when `shards` is undefined). */
  readonly shardSize: number;
  /** The queue's URL (looked up once when configured by name). */
  readonly queueUrl: () => Promise<string>;
  /** The SQS client, created (and the SDK loaded) only when a run dispatches: most runs never do. */
  readonly sqs: () => Promise<SQSClient>;
}

/** Everything an invocation needs that outlives it. */
export interface CheckRuntime {
  readonly config: CheckConfig;
  readonly source: CertificateSource;
  /** The per-appliance records and the fleet report's folder. */
  readonly state: StateLocation;
  readonly forwarder?: RuntimeForwarder;
  readonly sharding?: RuntimeSharding;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the sharding variables; no fixed count above 1 and no shard size means no splitting. */
function parseSharding(env: Env): RuntimeSharding | undefined {
  const raw = env[SHARDS_VARIABLE] || '1';
  const shards = Number(raw);
  if (!/^\d{1,4}$/.test(raw) || shards < 1 || shards > MAX_SHARDS) {
    throw new ConfigError(`${SHARDS_VARIABLE} must be a whole number from 1 to ${MAX_SHARDS}`);
  }
  const rawSize = env[SHARD_SIZE_VARIABLE] || '0';
  const shardSize = Number(rawSize);
  if (!/^\d{1,7}$/.test(rawSize) || shardSize > MAX_SHARD_SIZE) {
    throw new ConfigError(`${SHARD_SIZE_VARIABLE} must be a whole number from 0 (never split) to ${MAX_SHARD_SIZE}`);
  }
  if (shards === 1 && shardSize === 0) return undefined;
  const queue = env[SHARD_QUEUE_VARIABLE];
  if (!queue) {
    throw new ConfigError(
      `${SHARD_QUEUE_VARIABLE} is required when ${SHARDS_VARIABLE} is above 1 or ${SHARD_SIZE_VARIABLE} above 0`,
    );
  }
  const isUrl = /^https?:\/\/\S+$/.test(queue);
  if (!isUrl && !/^[A-Za-z0-9_-]{1,80}$/.test(queue)) {
    throw new ConfigError(`${SHARD_QUEUE_VARIABLE} must be an SQS queue URL or queue name`);
  }
  const endpoint = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  let client: Promise<typeof import('@aws-sdk/client-sqs')> | undefined;
  const sdk = () => {
    client ??= import('@aws-sdk/client-sqs');
    return client;
  };
  let created: Promise<SQSClient> | undefined;
  const sqs = () => {
    created ??= sdk().then(
      ({ SQSClient }) => new SQSClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) }),
    );
    return created;
  };
  let resolved: Promise<string> | undefined = isUrl ? Promise.resolve(queue) : undefined;
  const lookUp = async () => {
    const [{ GetQueueUrlCommand }, client] = await Promise.all([sdk(), sqs()]);
    return client.send(new GetQueueUrlCommand({ QueueName: queue }));
  };
  const queueUrl = () => {
    resolved ??= lookUp().then(
      (answer) => answer.QueueUrl ?? Promise.reject(new ConfigError(`${SHARD_QUEUE_VARIABLE}: queue not found`)),
      (error: unknown) => {
        resolved = undefined;
        throw new ConfigError(`${SHARD_QUEUE_VARIABLE}: queue URL lookup failed: ${awsErrorReason(error)}`, {
          cause: error,
        });
      },
    );
    return resolved;
  };
  return { ...(shards > 1 ? { shards } : {}), shardSize, queueUrl, sqs };
}

/** Parses the environment and builds the adapters; throws ConfigError naming the variable at fault. */
export async function createCheckRuntime(env: Env): Promise<CheckRuntime> {
  const config = parseCheckConfig(env);
  const sharding = parseSharding(env);
  const deps = { env, maxSockets: Math.max(DEFAULT_MAX_SOCKETS, config.concurrency) };
  const [source, state] = await Promise.all([createSource(config.source, deps), createStateStore(config.state, deps)]);
  const base = { config, source, state, ...(sharding ? { sharding } : {}) };
  const forwarder = config.forwarder;
  if (!forwarder) return base;
  // A secret file (invoke local) is read once here, so a bad file fails at start.
  if (forwarder.caFile !== undefined) {
    // The HTTP client that takes a CA of its own would add about 200 KB to the function's zip; the runtime
    // reads NODE_EXTRA_CA_CERTS before the function starts, which serves the same end.
    throw new ConfigError(
      'CERTMONITOR_GATEWAY_CA_FILE is for certmonitor check; on Lambda trust a private CA with NODE_EXTRA_CA_CERTS (the extraCaCerts parameter)',
    );
  }
  const secret = await signingSecret(forwarder, env);
  const standbys = forwarder.standbys ? { standbys: forwarder.standbys } : {};
  const timeout = forwarder.timeoutMs === undefined ? {} : { answerTimeoutMs: forwarder.timeoutMs };
  return { ...base, forwarder: { url: forwarder.url, ...standbys, keyId: forwarder.keyId, secret, ...timeout } };
}

/** A lazily created runtime shared by the invocations of one execution environment; a failed start is retried. */
export function runtimeHolder(env: () => Env) {
  let runtime: Promise<CheckRuntime> | undefined;
  return {
    /** The runtime, and whether this call created it (the cold start). */
    get(): { runtime: Promise<CheckRuntime>; coldStart: boolean } {
      if (runtime) return { runtime, coldStart: false };
      runtime = createCheckRuntime(env()).catch((error: unknown) => {
        runtime = undefined;
        throw error;
      });
      return { runtime, coldStart: true };
    },
  };
}
