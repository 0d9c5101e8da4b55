/**
 * Real, signed certificates with any validity dates, issued by the openssl CLI at test time.
 * `openssl ca -startdate/-enddate` takes `YYYYMMDDHHMMSSZ` for every year 0000–9999 (OpenSSL 3.0 has no
 * `x509 -not_before`), and encodes 1950–2049 as UTCTime, other years as GeneralizedTime, as RFC 5280 says.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslIssuer {
  /** A self-signed Ed25519 certificate (PEM bytes) for `subject` with these `YYYYMMDDHHMMSSZ` dates. */
  issue(notBefore: string, notAfter: string, subject?: string): Uint8Array;
  /** Runs `openssl COMMAND -in CERTIFICATE ARGS` (x509, asn1parse) and returns what it printed. */
  openssl(certificate: Uint8Array, command: 'x509' | 'asn1parse', ...args: string[]): string;
  remove(): void;
}

export function opensslIssuer(): OpensslIssuer {
  if (spawnSync('openssl', ['version']).error) throw new Error('openssl is not installed: apt-get install openssl');
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-ca-'));
  const run = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test',
      '[ test ]',
      'database = index.txt',
      'new_certs_dir = .',
      'serial = serial',
      'default_md = default',
      'policy = anything',
      'unique_subject = no',
      '[ anything ]',
      'commonName = supplied',
      '[ req ]',
      'distinguished_name = dn',
      'prompt = no',
      '[ dn ]',
      'CN = unused',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  run('genpkey', '-algorithm', 'ED25519', '-out', 'key.pem');
  return {
    issue(notBefore, notAfter, subject = '/CN=hsm01') {
      run('req', '-new', '-key', 'key.pem', '-subj', subject, '-out', 'req.csr');
      // openssl ca prints its progress on stderr; a failure still throws with it.
      execFileSync(
        'openssl',
        [
          'ca',
          '-batch',
          '-config',
          'ca.cnf',
          '-notext',
          '-selfsign',
          '-keyfile',
          'key.pem',
          '-in',
          'req.csr',
          '-out',
          'cert.pem',
          '-startdate',
          notBefore,
          '-enddate',
          notAfter,
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      return new Uint8Array(readFileSync(join(dir, 'cert.pem')));
    },
    openssl(certificate, command, ...args) {
      writeFileSync(join(dir, 'inspected.pem'), certificate);
      return run(command, '-in', 'inspected.pem', ...args);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
