/**
 * Construction of the AWS SDK v3 clients the adapters share. Endpoints follow the SDK's own
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SSM` variables (README, Configuration); this module only adds what the SDK
 * cannot infer: path-style addressing for an overridden S3 endpoint, and a socket pool sized for the
 * pipeline's concurrency.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';

/** Options shared by the client factories. */
export interface AwsClientOptions {
  /** Largest number of sockets kept per host; the pipeline's concurrency should not exceed it. */
  readonly maxSockets?: number;
  /** Total attempts per request (the SDK's standard retry mode: backoff with jitter on 5xx, throttling, network). */
  readonly maxAttempts?: number;
  /** The environment to read endpoint overrides from (tests pass their own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Default socket pool: enough for the pipeline's default concurrency with headroom. */
export const DEFAULT_MAX_SOCKETS = 64;

function requestHandlerOptions(options: AwsClientOptions) {
  const agent = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  // A plain options object lets the SDK build its own NodeHttpHandler, so no direct @smithy dependency is needed.
  return { httpAgent: agent, httpsAgent: agent, connectionTimeout: 5_000, requestTimeout: 30_000 };
}

/**
 * The region from the given environment (the SDK itself reads only `process.env`), else `us-east-1` when
 * an endpoint is overridden: local S3-compatible servers ignore it, but the SDK refuses to sign without one.
 * Undefined leaves the SDK's own chain (config files, instance metadata) to decide.
 */
function fallbackRegion(env: Readonly<Record<string, string | undefined>>, endpointSet: boolean): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpointSet ? 'us-east-1' : undefined);
}

/** Creates the S3 client: path-style addressing whenever the endpoint is overridden. */
export function createS3Client(options: AwsClientOptions = {}): S3Client {
  const env = options.env ?? process.env;
  const endpointSet = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  const region = fallbackRegion(env, endpointSet);
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: endpointSet,
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: requestHandlerOptions(options),
  });
}

/** Creates the SSM client (endpoint from `AWS_ENDPOINT_URL_SSM` through the SDK itself). */
export function createSsmClient(options: AwsClientOptions = {}): SSMClient {
  const env = options.env ?? process.env;
  const endpoint = env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL;
  const region = fallbackRegion(env, Boolean(endpoint));
  return new SSMClient({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: requestHandlerOptions(options),
  });
}
