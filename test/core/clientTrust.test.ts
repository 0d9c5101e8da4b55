import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { trustOf } from '../../core/clientTrust.ts';
import { readCertificateFile } from '../../core/readCertificateFile.ts';
import { type SubtleVerify, webCryptoVerifier } from '../../core/signatureVerifier.ts';
import { readTrustBundle } from '../../core/trustBundle.ts';
import { CHAIN_ALGORITHMS, opensslChain } from '../helpers/opensslChain.ts';

const pki = opensslChain();
after(() => pki.remove());
const verify = webCryptoVerifier(crypto.subtle);
const bytes = (pem: string) => new TextEncoder().encode(pem);
const leaf = (pem: string) => readCertificateFile(bytes(pem)).certificate;
const bundle = (...pems: string[]) => {
  const b = readTrustBundle(bytes(pems.join('\n')));
  assert.equal(b.kind, 'bundle');
  return b.kind === 'bundle' ? b.certificates : [];
};

describe('trustOf with WebCrypto (Node)', () => {
  it('trusts a self-signed certificate registered by fingerprint, and not a regenerated one', async () => {
    const old = pki.selfSigned('hsm01');
    const registered = bundle(old);
    assert.deepEqual(await trustOf(leaf(old), registered, verify), { kind: 'trusted', by: 'fingerprint' });
    const regenerated = pki.selfSigned('hsm01');
    assert.deepEqual(await trustOf(leaf(regenerated), registered, verify), { kind: 'untrusted' });
  });

  for (const algorithm of CHAIN_ALGORITHMS.filter((a) => a !== 'ed448')) {
    it(`trusts a certificate issued by a registered ${algorithm} CA, and not one of another CA with its name`, async () => {
      const ca = pki.ca(`ca-${algorithm}`, algorithm);
      const issued = pki.issue(`ca-${algorithm}`, `hsm-${algorithm}`);
      assert.deepEqual(await trustOf(leaf(issued), bundle(ca), verify), { kind: 'trusted', by: 'issuer' });
      // Same DN, another key: the issuer name matches but the signature does not verify.
      const impostor = pki.ca(`ca-${algorithm}`, algorithm);
      assert.deepEqual(await trustOf(leaf(issued), bundle(impostor), verify), { kind: 'untrusted' });
    });
  }

  it('does not trust a certificate of a CA re-keyed to another algorithm under the same name (never "cannot be verified")', async () => {
    pki.ca('Fleet-CA', 'ec-p256');
    const issued = pki.issue('Fleet-CA', 'hsm-rekeyed');
    // The CA is re-keyed: the bundle holds only the RSA CA of the same DN.
    const rsaCa = pki.ca('Fleet-CA', 'rsa');
    assert.deepEqual(await trustOf(leaf(issued), bundle(rsaCa), verify), { kind: 'untrusted' });
    // And the other way round: an RSA-signed leaf against an EC CA of the same DN.
    const rsaIssued = pki.issue('Fleet-CA', 'hsm-rekeyed-rsa');
    const ecCa = pki.ca('Fleet-CA', 'ec-p384');
    assert.deepEqual(await trustOf(leaf(rsaIssued), bundle(ecCa), verify), { kind: 'untrusted' });
    const edCa = pki.ca('Fleet-CA', 'ed25519');
    assert.deepEqual(await trustOf(leaf(issued), bundle(edCa), verify), { kind: 'untrusted' });
  });

  it('says trust cannot be verified for RSA-PSS whose MGF1 hash differs from the signature hash, never untrusted', async () => {
    const ca = pki.ca('ca-pss-mgf', 'rsa-pss');
    const issued = pki.issue('ca-pss-mgf', 'hsm-pss-mgf', ['rsa_mgf1_md:sha512']);
    const verdict = await trustOf(leaf(issued), bundle(ca), verify);
    assert.equal(verdict.kind, 'unverifiable', JSON.stringify(verdict));
    assert.match(verdict.kind === 'unverifiable' ? verdict.reason : '', /MGF1 SHA-512/);
    // The same hash for both (as openssl makes it by default) still verifies.
    const same = pki.issue('ca-pss-mgf', 'hsm-pss-same', ['rsa_mgf1_md:sha384']);
    assert.deepEqual(await trustOf(leaf(same), bundle(ca), verify), { kind: 'trusted', by: 'issuer' });
  });

  it('trusts a certificate presented with its intermediate when the bundle holds the root, each link verified', async () => {
    const root = pki.ca('chain-root', 'ec-p384');
    const intermediate = pki.issue('chain-root', 'chain-inter');
    const issued = pki.issue('chain-inter', 'hsm-chained');
    const chain = [leaf(intermediate)];
    assert.deepEqual(await trustOf(leaf(issued), bundle(root), verify, chain), { kind: 'trusted', by: 'chain' });
    // Without the presented chain, the leaf's issuer is not in the bundle.
    assert.deepEqual(await trustOf(leaf(issued), bundle(root), verify), { kind: 'untrusted' });
    // A bundle holding the intermediate itself trusts the leaf as before.
    assert.deepEqual(await trustOf(leaf(issued), bundle(intermediate), verify, chain), {
      kind: 'trusted',
      by: 'issuer',
    });
  });

  it('does not trust a presented chain whose link does not verify, or that leads to another root', async () => {
    const root = pki.ca('link-root', 'rsa');
    pki.issue('link-root', 'link-inter');
    const issued = pki.issue('link-inter', 'hsm-link');
    // The intermediate is re-issued with a new key under the same name: the leaf's signature does not verify.
    const reissued = pki.issue('link-root', 'link-inter');
    assert.deepEqual(await trustOf(leaf(issued), bundle(root), verify, [leaf(reissued)]), { kind: 'untrusted' });
    // An intermediate of the same name issued by another root of the same name.
    const otherRoot = pki.ca('link-root', 'rsa');
    const otherInter = pki.issue('link-root', 'link-inter');
    const otherLeaf = pki.issue('link-inter', 'hsm-other');
    assert.deepEqual(await trustOf(leaf(otherLeaf), bundle(root), verify, [leaf(otherInter)]), { kind: 'untrusted' });
    // A presented root that is not in the bundle is not trusted either.
    assert.deepEqual(await trustOf(leaf(otherLeaf), bundle(root), verify, [leaf(otherInter), leaf(otherRoot)]), {
      kind: 'untrusted',
    });
  });

  it('verifies Ed448 on Node 24', async () => {
    const ca = pki.ca('ca-ed448', 'ed448');
    const issued = pki.issue('ca-ed448', 'hsm-ed448');
    const verdict = await trustOf(leaf(issued), bundle(ca), verify);
    assert.ok(verdict.kind === 'trusted' || verdict.kind === 'unverifiable', JSON.stringify(verdict));
  });

  it('says trust cannot be verified when the runtime lacks the algorithm, never untrusted', async () => {
    const ca = pki.ca('ca-none', 'rsa');
    const issued = pki.issue('ca-none', 'hsm-none');
    const lacking = webCryptoVerifier({
      importKey: () => Promise.reject(Object.assign(new Error('Unrecognized name.'), { name: 'NotSupportedError' })),
      verify: () => Promise.resolve(false),
    } as unknown as SubtleVerify);
    const verdict = await trustOf(leaf(issued), bundle(ca), lacking);
    assert.equal(verdict.kind, 'unverifiable');
  });
});

describe('readTrustBundle', () => {
  it('refuses empty, non-PEM, key-only and oversize bundles with a reason', () => {
    assert.deepEqual(readTrustBundle(new Uint8Array()), { kind: 'invalid', reason: 'trust bundle is empty' });
    assert.equal(readTrustBundle(bytes('hello')).kind, 'invalid');
    assert.equal(
      readTrustBundle(bytes('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).kind,
      'invalid',
    );
    assert.equal(readTrustBundle(new Uint8Array(1024 * 1024 + 1).fill(0x41)).kind, 'invalid');
  });

  it('refuses a bundle of more than 1,000 certificates', () => {
    const one = pki.selfSigned('many');
    const b = readTrustBundle(bytes(Array.from({ length: 1001 }, () => one).join('')));
    assert.deepEqual(b, { kind: 'invalid', reason: 'trust bundle has over 1000 certificates' });
  });
});
