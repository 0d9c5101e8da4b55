/** Builds the gateway forwarder from a validated {@link GatewayConfig}, with its signing secret. */
import type { GatewayConfig } from '../../app/checkConfig.ts';
import type { NotificationForwarder } from '../../app/ports.ts';
import type { AdapterDeps } from '../adapterDeps.ts';
import { gatewayCaFetch } from './gatewayCaFetch.ts';
import { GatewayForwarder, type GatewayForwarderOptions } from './gatewayForwarder.ts';
import { signingSecret } from './signingSecret.ts';

/**
 * The forwarder to the gateway: the secret comes from a local file (read now, so a bad file is a
 * configuration error) or from an SSM SecureString (fetched on use and cached); with a CA file, HTTPS
 * trusts that CA (read now too).
 */
export async function createForwarder(
  gateway: GatewayConfig,
  deps: AdapterDeps & { readonly forwarder?: Partial<GatewayForwarderOptions> } = {},
): Promise<NotificationForwarder> {
  const secret = await signingSecret(gateway, deps.env);
  const fetch = gateway.caFile === undefined ? undefined : await gatewayCaFetch(gateway.caFile);
  return new GatewayForwarder({
    ...deps.forwarder,
    url: gateway.url,
    ...(gateway.standbys ? { standbys: gateway.standbys } : {}),
    keyId: gateway.keyId,
    secret,
    ...(fetch ? { fetch } : {}),
  });
}
