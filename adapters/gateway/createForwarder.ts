/** Builds the gateway forwarder from a validated {@link GatewayConfig}, with its signing secret. */
import { open } from 'node:fs/promises';
import { ConfigError, type GatewayConfig } from '../../app/checkConfig.ts';
import type { NotificationForwarder } from '../../app/ports.ts';
import { secretFromText } from '../../protocol/signature.ts';
import type { AdapterDeps } from '../createSource.ts';
import { GatewayForwarder, type GatewayForwarderOptions } from './gatewayForwarder.ts';

/** A secret file is a line of text; anything far larger is a wrong path. */
const MAX_SECRET_BYTES = 64 * 1024;

/** Reads a secret file (bounded, trimmed); refuses an unreadable or empty one without echoing it. */
export async function readSecretFile(
  file: string,
  setting = 'CERTMONITOR_GATEWAY_SECRET_FILE (--secret-file)',
): Promise<string> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = new Uint8Array(MAX_SECRET_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_SECRET_BYTES) throw new ConfigError(`${setting}: the file is too large to be a secret`);
      text = new TextDecoder().decode(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as { code?: string }).code ?? 'error';
    throw new ConfigError(`${setting}: the file cannot be read (${code})`, { cause: error });
  }
  const secret = secretFromText(text);
  if (secret === '') throw new ConfigError(`${setting}: the file is empty`);
  return secret;
}

/**
 * The forwarder to the gateway: the secret comes from a local file (read now, so a bad file is a
 * configuration error) or from an SSM SecureString (fetched on use and cached).
 */
export async function createForwarder(
  gateway: GatewayConfig,
  deps: AdapterDeps & { readonly forwarder?: Partial<GatewayForwarderOptions> } = {},
): Promise<NotificationForwarder> {
  let secret: GatewayForwarderOptions['secret'];
  if (gateway.secretFile !== undefined) {
    secret = await readSecretFile(gateway.secretFile);
  } else if (gateway.secretParam !== undefined) {
    // Loaded on demand: the AWS SDK costs about a second to import.
    const [{ createSsmClient }, { SsmSecret }] = await Promise.all([
      import('../aws/awsClients.ts'),
      import('../ssm/ssmSecret.ts'),
    ]);
    const parameter = new SsmSecret(createSsmClient({ env: deps.env }), gateway.secretParam);
    secret = () => parameter.get();
  } else {
    throw new ConfigError('a gateway needs its signing secret');
  }
  return new GatewayForwarder({ ...deps.forwarder, url: gateway.url, keyId: gateway.keyId, secret });
}
