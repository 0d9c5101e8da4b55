/**
 * The intake's TLS certificate and key (docs/gateway.md, Configuration reference), read and checked
 * before the gateway announces that it started: a file it cannot use stops the start with a message
 * naming its key (`listen.tls.key: file cannot be read (EACCES)`) and no `started` line (docs/gateway.md,
 * Failure handling). Messages carry the system's or OpenSSL's error code, never the files' content.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { GatewayConfigError } from '../gatewayErrors.ts';

/** Where the PEM files are (resolved paths from the configuration). */
export interface ListenTlsFiles {
  readonly cert: string;
  readonly key: string;
}

/** The PEM contents, checked: the certificate parses, the key parses, and they belong together. */
export interface ListenTlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function failure(key: string, what: string, cause: unknown): GatewayConfigError {
  const code = (cause as { code?: unknown }).code;
  return new GatewayConfigError(`${key}: ${what} (${typeof code === 'string' ? code : 'error'})`, { cause });
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw failure(key, 'file cannot be read', error);
  }
}

function check(key: string, what: string, attempt: () => unknown): void {
  try {
    attempt();
  } catch (error) {
    throw failure(key, what, error);
  }
}

/** Reads and checks both files; throws {@link GatewayConfigError} naming `listen.tls.cert` or `listen.tls.key`. */
export function loadListenTls(files: ListenTlsFiles): ListenTlsMaterial {
  const cert = readPem(files.cert, 'listen.tls.cert');
  const key = readPem(files.key, 'listen.tls.key');
  check('listen.tls.cert', 'not a usable certificate', () => createSecureContext({ cert }));
  check('listen.tls.key', 'not a usable private key', () => createSecureContext({ key }));
  check('listen.tls.key', 'does not belong to listen.tls.cert', () => createSecureContext({ cert, key }));
  return { cert, key };
}
