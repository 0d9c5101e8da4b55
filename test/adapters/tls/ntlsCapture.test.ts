/**
 * The NTLS capture against real TLS peers: Debian's `openssl s_server -Verify 1` (a client certificate is
 * required, as on an appliance) under TLS 1.2 and 1.3 with RSA, P-256 and Ed25519 certificates and a
 * chain, and sockets that misbehave. No TLS is mocked.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  captureFailureReason,
  createCaptureContext,
  MAX_CAPTURE_CERTIFICATES,
  NtlsCapture,
} from '../../../adapters/tls/ntlsCapture.ts';
import type { CaptureResult } from '../../../app/ports.ts';
import { pemCertificates } from '../../../core/pemCertificates.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type IssuedCertificate,
  type KeyKind,
  type RunningAppliance,
  startOpensslAppliance,
} from '../../helpers/ntlsAppliance.ts';
import {
  closedPort,
  type OddPeer,
  startChainPeer,
  startDripPeer,
  startHttpPeer,
  startSilentPeer,
} from '../../helpers/oddPeers.ts';

const TIMEOUT_MS = 1_500;

/** The DER of every certificate in a captured PEM. */
function ders(result: CaptureResult): Uint8Array[] {
  assert.equal(result.kind, 'captured', result.kind === 'failed' ? result.reason : '');
  return result.kind === 'captured' ? pemCertificates(result.pem) : [];
}

describe('NtlsCapture against openssl s_server requiring a client certificate', () => {
  let certs: CertificateFactory;
  const appliances: RunningAppliance[] = [];
  const capture = new NtlsCapture(createCaptureContext());
  const grab = async (port: number, timeoutMs = TIMEOUT_MS) => {
    const started = performance.now();
    const result = await capture.capture({ address: '127.0.0.1', port }, AbortSignal.timeout(timeoutMs));
    return { result, ms: performance.now() - started };
  };

  before(() => {
    certs = certificateFactory();
  });
  after(async () => {
    for (const appliance of appliances) await appliance.stop();
    certs?.remove();
  });

  for (const kind of ['rsa', 'p256', 'ed25519'] as const satisfies readonly KeyKind[]) {
    for (const tls of ['1.2', '1.3'] as const) {
      it(`reads a ${kind} certificate under TLS ${tls} although no client certificate is presented`, async () => {
        const certificate = certs.selfSigned(`hsm-${kind}-${tls.replace('.', '')}`, kind);
        const appliance = await startOpensslAppliance({ certificate, tls });
        appliances.push(appliance);
        const { result, ms } = await grab(appliance.port);
        assert.deepEqual(ders(result), [certificate.der], appliance.output());
        assert.ok(ms < TIMEOUT_MS, `done in ${ms} ms`);
        assert.equal(result.kind === 'captured' && result.certificates, 1);
        // PEM as OpenSSL writes it: X509Certificate reads it back to the same certificate.
        const pem = new TextDecoder().decode(result.kind === 'captured' ? result.pem : new Uint8Array());
        assert.equal(new X509Certificate(pem).fingerprint256, new X509Certificate(certificate.pem).fingerprint256);
        assert.match(pem, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
      });
    }
  }

  for (const tls of ['1.2', '1.3'] as const) {
    it(`keeps the chain the appliance sent, leaf first, in its order (TLS ${tls})`, async () => {
      const root = certs.ca(`root${tls}`);
      const intermediate = certs.ca(`int${tls}`, root);
      const leaf = certs.issued(`leaf${tls}`, intermediate);
      const other = certs.selfSigned(`unrelated${tls}`, 'p256');
      // Sent out of order and with an unrelated certificate: captured exactly as sent, no store lookup.
      const chainFile = certs.file(`chain${tls}.pem`, other.pem + intermediate.pem + root.pem);
      const appliance = await startOpensslAppliance({ certificate: leaf, chainFile, tls });
      appliances.push(appliance);
      const { result } = await grab(appliance.port);
      assert.deepEqual(ders(result), [leaf.der, other.der, intermediate.der, root.der]);
    });
  }

  it("sends the inventory's serverName as SNI, and none without it", async () => {
    const plain = certs.selfSigned('hsm-default', 'p256');
    const named = certs.selfSigned('hsm-by-name', 'p256');
    const appliance = await startOpensslAppliance({
      certificate: plain,
      sni: { serverName: 'hsm01.example.net', certificate: named },
    });
    appliances.push(appliance);
    const target = { address: '127.0.0.1', port: appliance.port };
    const withName = await capture.capture(
      { ...target, serverName: 'hsm01.example.net' },
      AbortSignal.timeout(TIMEOUT_MS),
    );
    assert.deepEqual(ders(withName), [named.der]);
    const without = await capture.capture(target, AbortSignal.timeout(TIMEOUT_MS));
    assert.deepEqual(ders(without), [plain.der]);
  });

  it('completes the handshake with a registered client certificate', async () => {
    const clientCa = certs.ca('clientca');
    const client = certs.issued('collector', clientCa);
    const certificate = certs.selfSigned('hsm-registered', 'p256');
    const appliance = await startOpensslAppliance({ certificate, clientCaFile: clientCa.certFile });
    appliances.push(appliance);
    const registered = new NtlsCapture(createCaptureContext({ cert: client.pem, key: certs.readKey(client) }), true);
    const result = await registered.capture(
      { address: '127.0.0.1', port: appliance.port },
      AbortSignal.timeout(TIMEOUT_MS),
    );
    assert.deepEqual(ders(result), [certificate.der]);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(
      appliance.output(),
      /depth=0 CN = collector\s+verify return:1/,
      'the appliance verified our certificate',
    );
  });
});

describe('NtlsCapture against peers that misbehave: each ends within the deadline with a reason', () => {
  let certs: CertificateFactory;
  let real: RunningAppliance;
  let leaf: IssuedCertificate;
  const peers: OddPeer[] = [];
  const capture = new NtlsCapture(createCaptureContext());
  const attempt = async (port: number) => {
    const started = performance.now();
    const result = await capture.capture({ address: '127.0.0.1', port }, AbortSignal.timeout(TIMEOUT_MS));
    const ms = performance.now() - started;
    assert.ok(ms < TIMEOUT_MS + 250, `settled after ${ms} ms (deadline ${TIMEOUT_MS} ms)`);
    assert.equal(result.kind, 'failed');
    return result.kind === 'failed' ? result.reason : '';
  };

  before(async () => {
    certs = certificateFactory();
    leaf = certs.selfSigned('hsm-real', 'rsa');
    real = await startOpensslAppliance({ certificate: leaf });
  });
  after(async () => {
    for (const peer of peers) await peer.stop();
    await real?.stop();
    certs?.remove();
  });

  it('a closed port is refused at once', async () => {
    assert.equal(await attempt(await closedPort()), 'connection refused (ECONNREFUSED)');
  });

  it('a server that speaks HTTP is not a TLS server', async () => {
    const peer = await startHttpPeer();
    peers.push(peer);
    assert.match(await attempt(peer.port), /^not a TLS server \(ERR_SSL_[A-Z_]+\)$/);
  });

  it('a server that accepts and never answers times out', async () => {
    const peer = await startSilentPeer();
    peers.push(peer);
    assert.equal(await attempt(peer.port), 'no certificate before the deadline (timeout)');
    assert.equal(peer.connections(), 1);
  });

  it('a server that sends its handshake one byte at a time times out', async () => {
    const peer = await startDripPeer(real.port, 20);
    peers.push(peer);
    assert.equal(await attempt(peer.port), 'no certificate before the deadline (timeout)');
  });

  it(`a chain of more than ${MAX_CAPTURE_CERTIFICATES} certificates is refused`, async () => {
    const extra = Array.from({ length: MAX_CAPTURE_CERTIFICATES }, (_, i) => certs.selfSigned(`extra${i}`, 'p256').pem);
    const peer = await startChainPeer(leaf.pem, certs.readKey(leaf), extra);
    peers.push(peer);
    assert.equal(await attempt(peer.port), `the appliance sent more than ${MAX_CAPTURE_CERTIFICATES} certificates`);
  });

  it('a handshake over 64 KiB fails the appliance, also one over what OpenSSL itself accepts', async () => {
    // Certificates of about 9 KB each (a large comment extension), within the count: 8 make about 75 KB
    // (TLS reads them, the size check refuses), 15 about 140 KB (OpenSSL refuses the message itself).
    const big = Array.from(
      { length: 15 },
      (_, i) => certs.selfSigned(`big${i}`, 'p256', { comment: 'x'.repeat(9_000) }).pem,
    );
    for (const [count, reason] of [
      [8, 'the appliance sent more than 65536 bytes during the handshake'],
      [15, "the appliance's handshake is too large (ERR_SSL_EXCESSIVE_MESSAGE_SIZE)"],
    ] as const) {
      const peer = await startChainPeer(leaf.pem, certs.readKey(leaf), big.slice(0, count));
      peers.push(peer);
      assert.equal(await attempt(peer.port), reason);
    }
  });

  it('a deadline already past settles at once', async () => {
    const result = await capture.capture({ address: '127.0.0.1', port: real.port }, AbortSignal.abort());
    assert.equal(result.kind, 'failed');
  });

  it('describes errors by code only', () => {
    assert.equal(
      captureFailureReason(Object.assign(new Error('text from the peer'), { code: 'EHOSTUNREACH' })),
      'appliance unreachable (EHOSTUNREACH)',
    );
    assert.equal(captureFailureReason(new Error('no code')), 'TLS handshake failed');
    assert.equal(captureFailureReason({ code: 'not\nan identifier' }), 'TLS handshake failed');
  });
});
