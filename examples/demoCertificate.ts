/**
 * Test and demonstration certificates made with node-forge. The key pair comes from Node's crypto (RSA
 * key generation in pure JavaScript is slow) and is reused for every certificate: only the validity and
 * names matter to certmonitor.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A key pair in node-forge's form. */
export interface DemoKeys {
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
}

/** A fresh RSA key pair (1024 bits by default: certificates made here only need to parse). */
export function makeDemoKeys(bits = 1024): DemoKeys {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/** What a demo certificate looks like. */
export interface DemoCertificateOptions {
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex serial number; defaults to one derived from the common name and validity. */
  readonly serialNumber?: string;
}

/** A self-signed certificate in PEM with the given validity. */
export function makeCertificatePem(keys: DemoKeys, options: DemoCertificateOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber =
    options.serialNumber ??
    `01${forge.md.sha1
      .create()
      .update(`${options.commonName}/${options.notBefore.toISOString()}/${options.notAfter.toISOString()}`)
      .digest()
      .toHex()
      .slice(0, 16)}`;
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const attrs = [
    { name: 'countryName', value: 'DE' },
    { name: 'organizationName', value: 'certmonitor demo' },
    { name: 'commonName', value: options.commonName },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
