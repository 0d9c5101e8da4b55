/** The size in bits of a public key, from its operator-facing name (docs/reference.md, Certificate findings). */

/** Curve sizes by the names `describeKey` gives them. */
const CURVE_BITS: Readonly<Record<string, number>> = {
  'P-192': 192,
  'P-224': 224,
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

/** A key's family and size: `rsa` (also RSA-PSS and DSA), `ec`, or `other` (EdDSA, unknown) without a size. */
export interface KeyBits {
  readonly family: 'rsa' | 'ec' | 'other';
  readonly bits?: number;
}

/**
 * Reads the family and size from a key name as the reader gives it (`RSA-2048`, `RSA-PSS-3072`,
 * `DSA-1024`, `EC P-256`): the name is also what the state's cache keeps, so a cached certificate needs
 * nothing more. An EC key with explicit parameters or an unknown curve has no size.
 */
export function keyBits(keyType: string): KeyBits {
  const sized = /^(RSA|RSA-PSS|DSA)-(\d+)$/.exec(keyType);
  if (sized) return { family: 'rsa', bits: Number(sized[2]) };
  if (keyType === 'RSA' || keyType === 'RSA-PSS' || keyType === 'DSA') return { family: 'rsa' };
  if (keyType.startsWith('EC')) {
    const bits = CURVE_BITS[keyType.slice(3)];
    return bits !== undefined ? { family: 'ec', bits } : { family: 'ec' };
  }
  return { family: 'other' };
}
