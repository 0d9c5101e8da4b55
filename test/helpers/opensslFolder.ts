/**
 * A temporary folder to run the real openssl CLI in, and the two ways the test certificate makers sign a
 * certificate there: self-signed by its own key, or issued from a CSR by a CA's certificate and key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslFolder {
  readonly dir: string;
  /** Runs `openssl ARGS` in the folder and returns what it printed on stdout. */
  run(...args: string[]): string;
  /** The PEM text of `NAME.pem` in the folder. */
  read(name: string): string;
  remove(): void;
}

export function opensslFolder(prefix: string): OpensslFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    run: (...args) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    read: (name) => readFileSync(join(dir, `${name}.pem`), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `openssl req` arguments making `NAME.pem` self-signed with `NAME.key` for `subject`. */
export const selfSignArgs = (name: string, subject: string, more: readonly string[]): string[] => [
  'req',
  '-x509',
  '-new',
  '-key',
  `${name}.key`,
  '-subj',
  subject,
  ...more,
  '-out',
  `${name}.pem`,
];

/** `openssl x509` arguments making `NAME.pem` from `NAME.csr`, issued by `CA.pem` with `CA.key`. */
export const issueArgs = (name: string, ca: string, serial: string, more: readonly string[]): string[] => [
  'x509',
  '-req',
  '-in',
  `${name}.csr`,
  '-CA',
  `${ca}.pem`,
  '-CAkey',
  `${ca}.key`,
  '-set_serial',
  serial,
  ...more,
  '-out',
  `${name}.pem`,
];
