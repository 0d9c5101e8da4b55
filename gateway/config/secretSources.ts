/**
 * Secrets in the gateway's configuration: given literally, by environment variable (`…Env`) or by file
 * (`…File`: a path or a systemd `credential:NAME`), trimmed as the signing rules of the wire protocol expect (docs/design.md, Wire protocol).
 * An error names the key and, for a file, the system's error code: never the secret or the file's text.
 */
import { readFileSync } from 'node:fs';
import { secretFromText } from '../../protocol/signature.ts';
import { GatewayConfigError } from '../gatewayErrors.ts';
import { resolveConfigPath } from './configPath.ts';

/** Reads a secret file (already resolved to a path); refuses an unreadable or empty one naming `keyPath`. */
export function readSecretFile(file: string, keyPath: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new GatewayConfigError(`${keyPath}: secret file cannot be read (${code})`, { cause: error });
  }
  const secret = secretFromText(content);
  if (secret === '') throw new GatewayConfigError(`${keyPath}: secret file is empty`);
  return secret;
}

/** Reads a secret from the environment variable `name`; refuses an unset or blank one naming `keyPath`. */
export function readSecretEnv(name: string, keyPath: string, env: NodeJS.ProcessEnv): string {
  const value = secretFromText(env[name] ?? '');
  if (!value) throw new GatewayConfigError(`${keyPath}: environment variable ${name} is not set`);
  return value;
}

/** Resolves a secret given literally, by environment variable or by file; at most one source. */
export function resolveSecret(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const literal = obj[key] as string | undefined;
  const envName = obj[`${key}Env`] as string | undefined;
  const file = obj[`${key}File`] as string | undefined;
  const given = [literal, envName, file].filter((v) => v !== undefined).length;
  if (given > 1) throw new GatewayConfigError(`${path}.${key}: give only one of ${key}, ${key}Env, ${key}File`);
  if (envName !== undefined) return readSecretEnv(envName, `${path}.${key}Env`, env);
  if (file !== undefined) {
    const keyPath = `${path}.${key}File`;
    return readSecretFile(resolveConfigPath(file, baseDir, env, keyPath), keyPath);
  }
  return literal;
}
