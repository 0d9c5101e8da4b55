/**
 * CA-issued and self-signed certificates of every signature algorithm a Luna client's trust check meets,
 * made by the real openssl CLI: RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256/384/521, Ed25519 and Ed448.
 */
import { join } from 'node:path';
import { issueArgs, opensslFolder, selfSignArgs } from './opensslFolder.ts';

/** A signature algorithm of the test chains. */
export type ChainAlgorithm = 'rsa' | 'rsa-pss' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519' | 'ed448';

export const CHAIN_ALGORITHMS: readonly ChainAlgorithm[] = [
  'rsa',
  'rsa-pss',
  'ec-p256',
  'ec-p384',
  'ec-p521',
  'ed25519',
  'ed448',
];

const KEY_ARGS: Readonly<Record<ChainAlgorithm, readonly string[]>> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-pss': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'ec-p521': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  ed25519: ['-algorithm', 'ED25519'],
  ed448: ['-algorithm', 'ED448'],
};

/** Files of one test PKI: make CAs, leaves issued by them, and self-signed leaves. */
export interface OpensslChain {
  readonly dir: string;
  /** A CA of `algorithm` named `/CN=NAME`; returns its PEM. */
  ca(name: string, algorithm: ChainAlgorithm): string;
  /**
   * A leaf `/CN=subject` (EC P-256 key) signed by CA `name` with that CA's algorithm; returns its PEM.
   * `sigopts` are more `-sigopt` values for the signature (e.g. `rsa_mgf1_md:sha512`).
   */
  issue(ca: string, subject: string, sigopts?: readonly string[]): string;
  /** A self-signed leaf `/CN=subject` (EC P-256, as `sysconf regenCert` makes a fresh one); returns its PEM. */
  selfSigned(subject: string): string;
  /** The PEM file's path and the private key's path of a leaf made above. */
  files(name: string): { readonly cert: string; readonly key: string };
  remove(): void;
}

export function opensslChain(): OpensslChain {
  const folder = opensslFolder('certmonitor-chain-');
  const { dir, run, read } = folder;
  const algorithms = new Map<string, ChainAlgorithm>();
  const pss = (digest: string) => ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', digest];
  return {
    dir,
    ca(name, algorithm) {
      run('genpkey', ...KEY_ARGS[algorithm], '-out', `${name}.key`);
      run(...selfSignArgs(name, `/CN=${name}`, ['-days', '3650', ...(algorithm === 'rsa-pss' ? pss('-sha256') : [])]));
      algorithms.set(name, algorithm);
      return read(name);
    },
    issue(ca, subject, sigopts = []) {
      run('genpkey', ...KEY_ARGS['ec-p256'], '-out', `${subject}.key`);
      run('req', '-new', '-key', `${subject}.key`, '-subj', `/CN=${subject}`, '-out', `${subject}.csr`);
      const more = [
        '-days',
        '365',
        ...(algorithms.get(ca) === 'rsa-pss' ? pss('-sha384') : []),
        ...sigopts.flatMap((o) => ['-sigopt', o]),
      ];
      run(...issueArgs(subject, ca, String(Date.now()), more));
      return read(subject);
    },
    selfSigned(subject) {
      run('genpkey', ...KEY_ARGS['ec-p256'], '-out', `${subject}.key`);
      run(...selfSignArgs(subject, `/CN=${subject}`, ['-days', '3650']));
      return read(subject);
    },
    files: (name) => ({ cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) }),
    remove: folder.remove,
  };
}
