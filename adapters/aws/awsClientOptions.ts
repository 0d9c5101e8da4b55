/**
 * Settings every AWS SDK v3 client of the adapters shares. Endpoints follow the SDK's own
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SSM` variables (docs/reference.md, Configuration); this module only adds
 * what the SDK cannot infer: a region when an endpoint is overridden, standard retries, and a socket pool
 * sized for the pipeline's concurrency. The clients themselves are built in `s3/` and `ssm/`.
 */

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

/** The configuration common to every client, for the service endpoint `endpoint` (undefined: the SDK's default). */
export function clientSettings(options: AwsClientOptions, endpoint: string | undefined) {
  const region = fallbackRegion(options.env ?? process.env, Boolean(endpoint));
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard' as const,
    requestHandler: requestHandlerOptions(options),
  };
}
