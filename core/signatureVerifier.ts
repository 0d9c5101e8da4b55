/**
 * Verifying a certificate's signature with the issuer's key, through the runtime's WebCrypto
 * (`crypto.subtle`), which the host passes in so the core stays runtime-neutral (docs/clients.md, How
 * trust is decided). Node 24 and workerd both verify RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256/384/521 and
 * Ed25519; an algorithm the runtime cannot verify (Ed448 in workerd, MD5 anywhere) is `unsupported`.
 */
import { ecdsaRawSignature } from './ecdsaSignature.ts';
import type { PublicKeyInfo, SignedCertificate } from './signedCertificate.ts';

/** The part of WebCrypto's SubtleCrypto the verifier uses (a type only: the runtime's object is passed in). */
export type SubtleVerify = Pick<SubtleCrypto, 'importKey' | 'verify'>;

/** WebCrypto takes bytes backed by a plain ArrayBuffer; the core's always are. */
const bytes = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

/** What a signature check came to. */
export type SignatureVerdict = 'valid' | 'invalid' | 'unsupported';

/** Checks that `issuerKey` signed `certificate`; never throws. */
export type SignatureVerifier = (certificate: SignedCertificate, issuerKey: PublicKeyInfo) => Promise<SignatureVerdict>;

const CURVES: Readonly<Record<string, { readonly name: string; readonly size: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** The key algorithms (OIDs) that can make each kind of signature. */
const KEY_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  // rsaEncryption, and an RSASSA-PSS key
  'rsa-pkcs1': ['1.2.840.113549.1.1.1'],
  'rsa-pss': ['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10'],
  ecdsa: ['1.2.840.10045.2.1'],
  ed25519: ['1.3.101.112'],
  ed448: ['1.3.101.113'],
};

/**
 * True when `key` is of another family than the signature (an RSA CA for an ECDSA signature): that key
 * did not sign it, whatever the runtime supports (docs/clients.md, How trust is decided). A CA re-keyed
 * under the same name is then "not trusted", never "cannot be verified".
 */
function otherFamily(certificate: SignedCertificate, key: PublicKeyInfo): boolean {
  const family = KEY_FAMILIES[certificate.algorithm.kind];
  return family !== undefined && !family.includes(key.algorithm);
}

/** How to import the key and verify with it, or undefined when WebCrypto has no such algorithm. */
interface Plan {
  readonly importAs: object;
  readonly verifyAs: object;
  readonly signature: Uint8Array;
}

function planOf(certificate: SignedCertificate, key: PublicKeyInfo): Plan | undefined {
  const { algorithm, signature } = certificate;
  switch (algorithm.kind) {
    case 'rsa-pkcs1':
      return {
        importAs: { name: 'RSASSA-PKCS1-v1_5', hash: algorithm.hash },
        verifyAs: { name: 'RSASSA-PKCS1-v1_5' },
        signature,
      };
    case 'rsa-pss':
      return {
        importAs: { name: 'RSA-PSS', hash: algorithm.hash },
        verifyAs: { name: 'RSA-PSS', saltLength: algorithm.saltLength },
        signature,
      };
    case 'ecdsa': {
      const curve = CURVES[key.curve ?? ''];
      if (!curve) return undefined;
      return {
        importAs: { name: 'ECDSA', namedCurve: curve.name },
        verifyAs: { name: 'ECDSA', hash: algorithm.hash },
        signature: ecdsaRawSignature(signature, curve.size),
      };
    }
    case 'ed25519':
      return { importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' }, signature };
    case 'ed448':
      return { importAs: { name: 'Ed448' }, verifyAs: { name: 'Ed448' }, signature };
    default:
      return undefined;
  }
}

/** True for the errors WebCrypto raises for an algorithm or curve it does not implement. */
function notSupported(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  return name === 'NotSupportedError' || /not ?supported|unrecognized|unknown algorithm/i.test(message);
}

/** A {@link SignatureVerifier} over the runtime's `crypto.subtle`. */
export function webCryptoVerifier(subtle: SubtleVerify): SignatureVerifier {
  return async (certificate, issuerKey) => {
    if (otherFamily(certificate, issuerKey)) return 'invalid';
    let plan: Plan | undefined;
    try {
      plan = planOf(certificate, issuerKey);
    } catch {
      return 'invalid';
    }
    if (!plan) return 'unsupported';
    let key: CryptoKey;
    try {
      key = await subtle.importKey('spki', bytes(issuerKey.spki), plan.importAs as Algorithm, false, ['verify']);
    } catch (error) {
      // A key of another type than the signature's (an RSA CA for an ECDSA signature) did not sign it.
      return notSupported(error) ? 'unsupported' : 'invalid';
    }
    try {
      return (await subtle.verify(plan.verifyAs as Algorithm, key, bytes(plan.signature), bytes(certificate.tbs)))
        ? 'valid'
        : 'invalid';
    } catch (error) {
      return notSupported(error) ? 'unsupported' : 'invalid';
    }
  };
}
