/**
 * The forwarder's HTTP client for `certmonitor check` (docs/reference.md, Configuration:
 * `CERTMONITOR_GATEWAY_TIMEOUT_MS`, `CERTMONITOR_GATEWAY_CA_FILE` / `--ca-file`): a connect timeout of its
 * own, shorter than the answer timeout, so a gateway that cannot be reached is retried soon; and for HTTPS
 * to a gateway whose certificate a private CA issued, trust in that CA for the gateway connection alone,
 * instead of the public ones (Node's global fetch takes neither, only the process-wide
 * NODE_EXTRA_CA_CERTS). It is undici's: the library Node's own fetch is built on, so streaming and errors
 * behave the same as with the global fetch.
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

/**
 * A fetch whose connections time out after `connectTimeoutMs` and, with `caFile`, trust only the CA(s) in
 * it; throws {@link ConfigError} for a CA file that cannot serve.
 */
export async function forwarderFetch(options: {
  readonly caFile?: string;
  readonly connectTimeoutMs: number;
}): Promise<typeof fetch> {
  const ca = options.caFile === undefined ? undefined : await readCaFile(options.caFile);
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ connect: { timeout: options.connectTimeoutMs, ...(ca ? { ca } : {}) } });
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
