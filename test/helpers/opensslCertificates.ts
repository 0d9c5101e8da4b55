/**
 * Certificates with chosen keys, hashes, lifetimes, names and issuers, made by the real openssl CLI in a
 * temporary folder (what the findings are compared against: `openssl x509 -text -noout`).
 */
import { issueArgs, opensslFolder, selfSignArgs } from './opensslFolder.ts';

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
  const folder = opensslFolder('certmonitor-findings-');
  const { run } = folder;
  return {
    dir: folder.dir,
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
        run(...selfSignArgs(name, subject, [...common, ...extensions]));
      } else {
        run('req', '-new', '-key', `${name}.key`, '-subj', subject, ...extensions, '-out', `${name}.csr`);
        run(...issueArgs(name, options.issuer, '7', ['-copy_extensions', 'copy', ...common]));
      }
      return folder.read(name);
    },
    text: (name) => run('x509', '-in', `${name}.pem`, '-text', '-noout'),
    remove: folder.remove,
  };
}
