/**
 * File paths in the gateway's configuration (docs/gateway.md, Secrets and systemd credentials): a path
 * relative to the configuration file's folder, an absolute path, or `credential:NAME`, a credential that
 * systemd handed over with `LoadCredential=NAME:…` and that only this service can read, found in
 * `$CREDENTIALS_DIRECTORY`. So the unit's transient user (DynamicUser) reads its HMAC secrets, SNMP keys
 * and TLS key without owning any file on the host.
 */
import { join, resolve } from 'node:path';
import { GatewayConfigError } from '../gatewayErrors.ts';

/** The prefix that names a systemd credential instead of a path. */
export const CREDENTIAL_PREFIX = 'credential:';

/** A credential name as systemd accepts it: no slash, not `.` or `..`. */
const CREDENTIAL_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._@-]{1,255}$/;

/**
 * The file `value` names: `credential:NAME` in `$CREDENTIALS_DIRECTORY`, else `value` resolved against
 * `baseDir`. Throws {@link GatewayConfigError} naming `keyPath` for a bad name, or when the gateway was
 * not started with credentials.
 */
export function resolveConfigPath(value: string, baseDir: string, env: NodeJS.ProcessEnv, keyPath: string): string {
  if (!value.startsWith(CREDENTIAL_PREFIX)) return resolve(baseDir, value);
  const name = value.slice(CREDENTIAL_PREFIX.length);
  if (!CREDENTIAL_NAME.test(name)) {
    throw new GatewayConfigError(`${keyPath}: credential name must be 1-255 of [A-Za-z0-9._@-], not . or ..`);
  }
  const directory = env.CREDENTIALS_DIRECTORY;
  if (!directory) {
    throw new GatewayConfigError(
      `${keyPath}: ${CREDENTIAL_PREFIX}${name} needs the systemd credential (LoadCredential=${name}:FILE in the unit); CREDENTIALS_DIRECTORY is not set`,
    );
  }
  return join(directory, name);
}
