/** Builds the forwarder from a validated {@link ForwarderConfig}, with its signing secret. */
import type { ForwarderConfig } from '../../app/checkConfig.ts';
import type { NotificationForwarder } from '../../app/ports.ts';
import type { AdapterDeps } from '../adapterDeps.ts';
import { forwarderCaFetch } from './forwarderCaFetch.ts';
import { HttpForwarder, type HttpForwarderOptions } from './httpForwarder.ts';
import { signingSecret } from './signingSecret.ts';

/**
 * The forwarder to the gateway: the secret comes from a local file (read now, so a bad file is a
 * configuration error) or from an SSM SecureString (fetched on use and cached); with a CA file, HTTPS
 * trusts that CA (read now too).
 */
export async function createForwarder(
  config: ForwarderConfig,
  deps: AdapterDeps & { readonly forwarder?: Partial<HttpForwarderOptions> } = {},
): Promise<NotificationForwarder> {
  const secret = await signingSecret(config, deps.env);
  const fetch = config.caFile === undefined ? undefined : await forwarderCaFetch(config.caFile);
  return new HttpForwarder({
    ...deps.forwarder,
    url: config.url,
    ...(config.standbys ? { standbys: config.standbys } : {}),
    keyId: config.keyId,
    secret,
    ...(fetch ? { fetch } : {}),
  });
}
