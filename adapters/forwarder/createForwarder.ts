/** Builds the forwarder from a validated {@link ForwarderConfig}, with its signing secret. */
import type { ForwarderConfig } from '../../app/checkConfig.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../app/gatewayTimeouts.ts';
import type { NotificationForwarder } from '../../app/ports.ts';
import type { AdapterDeps } from '../adapterDeps.ts';
import { forwarderFetch } from './forwarderFetch.ts';
import { HttpForwarder, type HttpForwarderOptions } from './httpForwarder.ts';
import { signingSecret } from './signingSecret.ts';

/**
 * The forwarder to the gateway: the secret comes from a local file (read now, so a bad file is a
 * configuration error) or from an SSM SecureString (fetched on use and cached); with a CA file, HTTPS
 * trusts that CA (read now too). Connections have a connect timeout of their own (forwarderFetch.ts).
 */
export async function createForwarder(
  config: ForwarderConfig,
  deps: AdapterDeps & { readonly forwarder?: Partial<HttpForwarderOptions> } = {},
): Promise<NotificationForwarder> {
  const secret = await signingSecret(config, deps.env);
  const connectTimeoutMs = deps.forwarder?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const fetch = await forwarderFetch({ ...(config.caFile ? { caFile: config.caFile } : {}), connectTimeoutMs });
  return new HttpForwarder({
    ...(config.timeoutMs === undefined ? {} : { answerTimeoutMs: config.timeoutMs }),
    ...deps.forwarder,
    url: config.url,
    ...(config.standbys ? { standbys: config.standbys } : {}),
    keyId: config.keyId,
    secret,
    fetch,
  });
}
