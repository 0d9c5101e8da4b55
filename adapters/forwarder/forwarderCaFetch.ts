/**
 * HTTPS to a gateway whose certificate a private CA issued (docs/reference.md, Configuration:
 * `CERTMONITOR_GATEWAY_CA_FILE` / `--ca-file`). Node's global fetch takes no CA of its own, only the
 * process-wide NODE_EXTRA_CA_CERTS; this fetch trusts the given CA(s) for the gateway connection alone,
 * instead of the public ones. It is undici's: the library Node's own fetch is built on, so timeouts,
 * streaming and errors behave the same with and without a private CA. Loaded only when a CA file is set.
 */
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../../app/errors.ts';
import { readSettingFile } from './settingFile.ts';

/** A CA bundle is a few certificates; anything far larger is a wrong path. */
const MAX_CA_FILE_BYTES = 1024 * 1024;
const SETTING = 'CERTMONITOR_GATEWAY_CA_FILE (--ca-file)';

/** Reads the CA bundle; refuses an unreadable file or one without a PEM certificate, naming the setting. */
async function readCaFile(file: string): Promise<string> {
  const pem = await readSettingFile(file, SETTING, MAX_CA_FILE_BYTES, 'a CA bundle');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${SETTING}: the file holds no PEM certificate`);
  for (const block of blocks) {
    try {
      // TLS would skip a damaged certificate silently and then trust nothing: refuse it at start instead.
      new X509Certificate(block);
    } catch (error) {
      throw new ConfigError(`${SETTING}: the file holds a certificate TLS cannot use`, { cause: error });
    }
  }
  return pem;
}

/** A fetch that trusts only the CA(s) in `caFile`; throws {@link ConfigError} for a file that cannot serve. */
export async function forwarderCaFetch(caFile: string): Promise<typeof fetch> {
  const ca = await readCaFile(caFile);
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca } });
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
