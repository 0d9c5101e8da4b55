/**
 * The collector's optional client certificate (docs/collector.md, Collecting certificates): a certificate and key
 * registered on the appliances, so the NTLS handshake completes instead of being refused (and the
 * appliances log an ordinary client connection, not a failed handshake).
 */
import type { SecureContext } from 'node:tls';
import { ConfigError } from '../../app/errors.ts';
import { readFileCapped } from '../dir/dirFiles.ts';
import { createCaptureContext } from './ntlsCapture.ts';

/** A PEM certificate or key file is small; anything larger is not one. */
const MAX_PEM_FILE_BYTES = 64 * 1024;

async function readPem(file: string, flag: string): Promise<Uint8Array> {
  const read = await readFileCapped(file, MAX_PEM_FILE_BYTES);
  if (read.kind === 'read') return read.bytes;
  if (read.kind === 'failed')
    throw new ConfigError(`${flag}: the file cannot be read (${read.code})`, { cause: read.error });
  throw new ConfigError(`${flag}: not a PEM file of at most ${MAX_PEM_FILE_BYTES} bytes`);
}

/**
 * The TLS context every capture shares: with the client certificate and key when both files are given.
 * Throws {@link ConfigError} naming the flag when a file cannot be read, or when the two do not load as
 * a matching certificate and key (OpenSSL's message is not repeated: it can quote the file).
 */
export async function captureContextFor(clientCert?: string, clientKey?: string): Promise<SecureContext> {
  if (clientCert === undefined || clientKey === undefined) return createCaptureContext();
  const [cert, key] = await Promise.all([readPem(clientCert, '--client-cert'), readPem(clientKey, '--client-key')]);
  try {
    return createCaptureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(
      '--client-cert/--client-key: not a PEM certificate and its unencrypted private key, or they do not match',
      { cause: error },
    );
  }
}
