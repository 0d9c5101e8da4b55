/**
 * The gateway signing secret, from a local file (read at once, so a bad file is a configuration error at
 * start) or from an SSM SecureString (fetched on use and cached across warm invocations).
 */
import type { ForwarderConfig } from '../../app/checkConfig.ts';
import { ConfigError } from '../../app/errors.ts';
import { secretFromText } from '../../protocol/signature.ts';
import { readSettingFile } from './settingFile.ts';

/** A secret file is a line of text; anything far larger is a wrong path. */
const MAX_SECRET_BYTES = 64 * 1024;

/** Reads a secret file (bounded, trimmed); refuses an unreadable or empty one without echoing it. */
export async function readSecretFile(
  file: string,
  setting = 'CERTMONITOR_GATEWAY_SECRET_FILE (--secret-file)',
): Promise<string> {
  const secret = secretFromText(await readSettingFile(file, setting, MAX_SECRET_BYTES, 'a secret'));
  if (secret === '') throw new ConfigError(`${setting}: the file is empty`);
  return secret;
}

/**
 * A way to get the forwarder's signing secret: a file's is read now (a bad file throws {@link ConfigError}),
 * an SSM parameter's on each call, through a cache.
 */
export async function signingSecret(
  config: ForwarderConfig,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<() => Promise<string>> {
  if (config.secretFile !== undefined) {
    const value = await readSecretFile(config.secretFile);
    return async () => value;
  }
  if (config.secretParam === undefined) throw new ConfigError('a gateway needs its signing secret');
  // Loaded on demand: the AWS SDK costs about a second to import.
  const [{ createSsmClient }, { SsmSecret }] = await Promise.all([
    import('../ssm/ssmClient.ts'),
    import('../ssm/ssmSecret.ts'),
  ]);
  const parameter = new SsmSecret(createSsmClient({ env }), config.secretParam);
  return () => parameter.get();
}
