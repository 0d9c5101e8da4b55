/**
 * What the Lambda keeps across warm invocations: the validated configuration (parsed once, at cold
 * start, through the shared parser so every error names its variable), the adapters with their AWS
 * clients and socket pools, and the cached signing secret.
 */

import { createSsmClient, DEFAULT_MAX_SOCKETS } from '../adapters/awsClients.ts';
import { readSecretFile } from '../adapters/createForwarder.ts';
import { createSource } from '../adapters/createSource.ts';
import { createStateStore } from '../adapters/createStateStore.ts';
import { SsmSecret } from '../adapters/ssmSecret.ts';
import { type CheckConfig, parseCheckConfig } from '../app/checkConfig.ts';
import type { CertificateSource, StateStore } from '../app/ports.ts';

/** The gateway's address and a cached way to get the signing secret. */
export interface RuntimeGateway {
  readonly url: string;
  readonly keyId: string;
  readonly secret: () => Promise<string>;
}

/** Everything an invocation needs that outlives it. */
export interface CheckRuntime {
  readonly config: CheckConfig;
  readonly source: CertificateSource;
  readonly state: StateStore;
  readonly gateway?: RuntimeGateway;
}

/** Parses the environment and builds the adapters; throws ConfigError naming the variable at fault. */
export async function createCheckRuntime(env: Readonly<Record<string, string | undefined>>): Promise<CheckRuntime> {
  const config = parseCheckConfig(env);
  const deps = { env, maxSockets: Math.max(DEFAULT_MAX_SOCKETS, config.concurrency) };
  const [source, state] = await Promise.all([createSource(config.source, deps), createStateStore(config.state, deps)]);
  const gateway = config.gateway;
  if (!gateway) return { config, source, state };
  let secret: () => Promise<string>;
  if (gateway.secretParam !== undefined) {
    const parameter = new SsmSecret(createSsmClient({ env }), gateway.secretParam);
    secret = () => parameter.get();
  } else {
    // A local secret file (invoke local); read once, so a bad file fails at start.
    const value = await readSecretFile(gateway.secretFile ?? '');
    secret = async () => value;
  }
  return { config, source, state, gateway: { url: gateway.url, keyId: gateway.keyId, secret } };
}
