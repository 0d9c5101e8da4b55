/**
 * Certificates with chosen keys, hashes, lifetimes, names and issuers, made by the real openssl CLI in a
 * temporary folder (what the findings are compared against: `openssl x509 -text -noout`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateOptions {
  /** `rsa:1024`, `rsa:2048`, `ec:P-256`, `ed25519`. Default rsa:2048. */
  readonly key?: string;
  /** `-sha1`, `-sha256`, … Default -sha256 (ignored for ed25519). */
  readonly digest?: string;
  readonly days?: number;
  readonly subject?: string;
  /** `DNS:a.example,IP:10.0.0.1` */
  readonly san?: string;
  /** Signed by this earlier certificate's key instead of self-signed (a CA: `ca: true` on that one). */
  readonly issuer?: string;
  readonly ca?: boolean;
}

export interface OpensslCertificates {
  /** Makes certificate `name` and returns its PEM. */
  make(name: string, options?: CertificateOptions): string;
  /** `openssl x509 -text -noout` of certificate `name`. */
  text(name: string): string;
  readonly dir: string;
  remove(): void;
}

function keyArgs(key: string, file: string): string[] {
  if (key === 'ed25519') return ['genpkey', '-algorithm', 'ED25519', '-out', file];
  if (key.startsWith('ec:')) {
    return ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${key.slice(3)}`, '-out', file];
  }
  return ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${key.slice(4)}`, '-out', file];
}

export function opensslCertificates(): OpensslCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-findings-'));
  const run = (...args: string[]): string =>
    execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    dir,
    make(name, options = {}) {
      const key = options.key ?? 'rsa:2048';
      run(...keyArgs(key, `${name}.key`));
      const digest = key === 'ed25519' ? [] : [options.digest ?? '-sha256'];
      const common = ['-days', String(options.days ?? 365), ...digest];
      const extensions = [
        ...(options.san ? ['-addext', `subjectAltName=${options.san}`] : []),
        ...(options.ca ? ['-addext', 'basicConstraints=critical,CA:TRUE'] : []),
      ];
      const subject = options.subject ?? `/CN=${name}`;
      if (options.issuer === undefined) {
        run(
          'req',
          '-x509',
          '-new',
          '-key',
          `${name}.key`,
          '-subj',
          subject,
          ...common,
          ...extensions,
          '-out',
          `${name}.pem`,
        );
      } else {
        run('req', '-new', '-key', `${name}.key`, '-subj', subject, ...extensions, '-out', `${name}.csr`);
        const issuer = options.issuer;
        run(
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          `${issuer}.pem`,
          '-CAkey',
          `${issuer}.key`,
          '-set_serial',
          '7',
          '-copy_extensions',
          'copy',
          ...common,
          '-out',
          `${name}.pem`,
        );
      }
      return readFileSync(join(dir, `${name}.pem`), 'utf8');
    },
    text: (name) => run('x509', '-in', `${name}.pem`, '-text', '-noout'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
