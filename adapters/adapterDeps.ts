/**
 * What the adapter factories (source, state store, destination) share: their dependencies, how a location
 * that cannot be used is refused, and how an S3 or SSM adapter is built. The AWS adapters are imported only
 * when a location needs them: loading the SDK costs about a second, which a `dir:` run (and every CLI
 * start) should not pay.
 */
import { mkdir } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../app/errors.ts';
import type { S3Location } from './s3/s3Location.ts';

/** What the factories may need besides the location. */
export interface AdapterDeps {
  /** The environment for endpoint overrides (defaults to the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Sockets per AWS client: at least the pipeline's concurrency. */
  readonly maxSockets?: number;
}

/** Parses `spec` with a backend's location parser; a bad one is a {@link ConfigError} naming `setting`. */
export function parseLocation<T>(spec: string, setting: string, parse: (spec: string) => T): T {
  try {
    return parse(spec);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid location';
    throw new ConfigError(`${setting}: ${reason}`, { cause: error });
  }
}

/** The AWS client options of the factories' dependencies. */
function clientOptions(deps: AdapterDeps) {
  return { env: deps.env, maxSockets: deps.maxSockets };
}

/** How one AWS backend parses its locations and makes its client, each loaded on demand. */
export interface AwsBackend<L, C> {
  readonly parse: () => Promise<(spec: string) => L>;
  readonly client: () => Promise<(options: ReturnType<typeof clientOptions>) => C>;
}

/** S3 (`s3://bucket/prefix/`). */
export const S3_BACKEND: AwsBackend<S3Location, S3Client> = {
  parse: async () => (await import('./s3/s3Location.ts')).parseS3Location,
  client: async () => (await import('./s3/s3Client.ts')).createS3Client,
};

/** SSM Parameter Store (`ssm:/path/`). */
export const SSM_BACKEND: AwsBackend<string, SSMClient> = {
  parse: async () => (await import('./ssm/ssmLocation.ts')).parseSsmLocation,
  client: async () => (await import('./ssm/ssmClient.ts')).createSsmClient,
};

/**
 * An adapter of `backend` for the location `spec`: parsed (errors name `setting`), then built with its
 * client, the SDK and the adapter's module loaded on demand.
 */
export async function awsAdapter<L, C, T>(
  spec: string,
  setting: string,
  deps: AdapterDeps,
  backend: AwsBackend<L, C>,
  adapter: () => Promise<new (client: C, location: L) => T>,
): Promise<T> {
  const location = parseLocation(spec, setting, await backend.parse());
  const [createClient, Adapter] = await Promise.all([backend.client(), adapter()]);
  return new Adapter(createClient(clientOptions(deps)), location);
}

/** The S3 and SSM adapters of one port, each module loaded only when a location names its backend. */
export interface AwsAdapters<T> {
  readonly s3: () => Promise<new (client: S3Client, location: S3Location) => T>;
  readonly ssm: () => Promise<new (client: SSMClient, location: string) => T>;
}

/** The adapter for an `s3://` or `ssm:` location (see {@link awsAdapter}); undefined for any other scheme. */
export function awsLocationAdapter<T>(
  spec: string,
  setting: string,
  deps: AdapterDeps,
  adapters: AwsAdapters<T>,
): Promise<T> | undefined {
  if (spec.startsWith('s3://')) return awsAdapter(spec, setting, deps, S3_BACKEND, adapters.s3);
  if (spec.startsWith('ssm:')) return awsAdapter(spec, setting, deps, SSM_BACKEND, adapters.ssm);
  return undefined;
}

/** Creates the directory of a `dir:` location when absent; one that cannot be created is refused naming `setting`. */
export async function ensureDirectory(dir: string, setting: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`${setting}: the directory cannot be created`, { cause: error });
  }
}
