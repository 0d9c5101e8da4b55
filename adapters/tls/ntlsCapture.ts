/**
 * Reads the certificate an appliance presents in its NTLS handshake (docs/collector.md, Collecting certificates;
 * docs/design.md, The collector).
 *
 * NTLS is two-way TLS: the appliance asks for a client certificate and aborts the handshake when none
 * (or an unregistered one) comes. Its own certificate arrives before that: under TLS 1.2 it is readable
 * in the `error` handler after the appliance's `handshake_failure` alert, under TLS 1.3 at
 * `secureConnect`, before the `certificate_required` alert. With a registered client certificate the
 * handshake simply completes. The appliance is not verified: reading its certificate is the point.
 *
 * Bounds, whatever the peer does: OpenSSL itself limits every handshake message (100 KiB for a
 * certificate list, less for the others, a handful of warnings or empty records), so what it buffers is
 * bounded; an appliance that sent more than {@link MAX_CAPTURE_BYTES} on the TCP socket by the time the
 * attempt ends fails, as does one that sent more than {@link MAX_CAPTURE_CERTIFICATES} certificates; the
 * caller's signal tears the connection down at its deadline. (A counting stream between TCP and TLS
 * would stop earlier, at 64 KiB, but Node then runs TLS over a JavaScript stream, which cost about a
 * third of the handshakes per second on loopback: docs/design.md, The collector.)
 * Reasons are certmonitor's own words plus an error code, never the peer's bytes.
 */
import type { X509Certificate } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { CaptureResult, CertificateCapture, NtlsTarget } from '../../app/ports.ts';

/** Most bytes read from one appliance: a server certificate and its chain fit many times over. */
export const MAX_CAPTURE_BYTES = 64 * 1024;
/** Most certificates accepted in one appliance's chain (its own included). */
export const MAX_CAPTURE_CERTIFICATES = 16;

/** A client certificate and key registered on the appliances (PEM), to complete the handshake. */
export interface ClientIdentity {
  readonly cert: string | Uint8Array;
  readonly key: string | Uint8Array;
}

/**
 * The one TLS context every capture shares. An empty CA list keeps Node from completing the chain from
 * its own root store (only what the appliance sent is captured); security level 0 lets an old
 * appliance with a weak key or signature still be read, since nothing secret crosses the connection.
 * Throws when the client certificate and key do not load or do not match.
 */
export function createCaptureContext(identity?: ClientIdentity): SecureContext {
  return createSecureContext({
    ca: [],
    ciphers: 'DEFAULT:@SECLEVEL=0',
    ...(identity ? { cert: Buffer.from(identity.cert), key: Buffer.from(identity.key) } : {}),
  });
}

/** DER as PEM, 64 base64 characters a line, as OpenSSL writes it. */
export function derToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Network and TLS error codes as a short phrase; the code itself is kept when it is a plain identifier. */
export function captureFailureReason(error: unknown): string {
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(raw) ? raw : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset before a certificate was presented (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return `appliance unreachable (${code})`;
    case undefined:
      return 'TLS handshake failed';
  }
  if (code === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE') return `the appliance's handshake is too large (${code})`;
  if (/WRONG_VERSION_NUMBER|UNKNOWN_PROTOCOL|PACKET_LENGTH_TOO_LONG|RECORD_LENGTH_MISMATCH|HTTP_REQUEST/.test(code)) {
    return `not a TLS server (${code})`;
  }
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')
    ? `TLS handshake failed before a certificate was presented (${code})`
    : `connection failed (${code})`;
}

/** The certificates the appliance presented, in the order sent; undefined when it presented none. */
function presented(socket: TLSSocket): CaptureResult | undefined {
  let certificate: X509Certificate | undefined;
  try {
    certificate = socket.getPeerX509Certificate();
  } catch {
    return undefined;
  }
  if (!certificate) return undefined;
  const pems: string[] = [];
  const seen = new Set<string>();
  // issuerCertificate walks the list as the appliance sent it (not Node's store, which the context empties).
  for (let cert: X509Certificate | undefined = certificate; cert !== undefined; cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    if (pems.length === MAX_CAPTURE_CERTIFICATES) {
      return { kind: 'failed', reason: `the appliance sent more than ${MAX_CAPTURE_CERTIFICATES} certificates` };
    }
    pems.push(derToPem(cert.raw));
  }
  return { kind: 'captured', pem: new TextEncoder().encode(pems.join('')), certificates: pems.length };
}

/** {@link CertificateCapture} over Node's TLS client. */
export class NtlsCapture implements CertificateCapture {
  /**
   * `context` from {@link createCaptureContext}, shared by every connection; `registered` when it holds a
   * client certificate the appliances know (the handshake then completes and is closed politely).
   */
  constructor(
    private readonly context: SecureContext,
    private readonly registered = false,
    private readonly maxBytes = MAX_CAPTURE_BYTES,
  ) {}

  /** One handshake with `target`; settles by the time `signal` aborts, whatever the appliance does. */
  capture(target: NtlsTarget, signal: AbortSignal): Promise<CaptureResult> {
    return new Promise((resolve) => {
      let settled = false;
      const raw = tcpConnect({ host: target.address, port: target.port, noDelay: true });
      const socket = tlsConnect({
        socket: raw,
        secureContext: this.context,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        ...(target.serverName ? { servername: target.serverName } : {}),
      });
      const finish = (outcome: () => CaptureResult) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        // Whatever TLS made of them, more bytes than the bound fail the appliance.
        const result: CaptureResult =
          raw.bytesRead > this.maxBytes
            ? { kind: 'failed', reason: `the appliance sent more than ${this.maxBytes} bytes during the handshake` }
            : outcome();
        if (this.registered && result.kind === 'captured') {
          // A registered client's handshake completed: let our last flight and close_notify reach the
          // appliance, so it logs an ordinary client connection; the socket goes soon whatever it does.
          socket.end();
          setTimeout(() => socket.destroy(), 1_000).unref();
        } else {
          // The appliance refuses the handshake anyway; lingering sockets would cost a large fleet.
          socket.destroy();
          raw.destroy();
        }
        resolve(result);
      };
      const onAbort = () =>
        finish(() => presented(socket) ?? { kind: 'failed', reason: 'no certificate before the deadline (timeout)' });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('secureConnect', () => finish(() => presented(socket) ?? { kind: 'failed', reason: 'no certificate' }));
      // Under TLS 1.2 an appliance refusing our (absent) client certificate ends here, certificate in hand.
      socket.on('error', (error) =>
        finish(() => presented(socket) ?? { kind: 'failed', reason: captureFailureReason(error) }),
      );
      socket.on('close', () =>
        finish(
          () =>
            presented(socket) ?? {
              kind: 'failed',
              reason: 'connection closed before the appliance presented a certificate',
            },
        ),
      );
    });
  }
}
