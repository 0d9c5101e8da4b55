/**
 * Collecting an appliance's named certificates (docs/collector.md, Named certificates): each one the
 * inventory declares is read from its own port (plain TLS: no client certificate is needed, SNI as for
 * NTLS) and published as `APPLIANCE/NAME.pem` beside `server.pem`, with the NTLS certificate's rules: only
 * a change is written, a failure never overwrites what is stored, and each finishes within the
 * appliance's deadline (they run beside the NTLS capture, each started with it).
 */
import { logEntry } from '../core/logEntry.ts';
import { beforeDeadline } from './beforeDeadline.ts';
import { startDeadline } from './deadline.ts';
import { type CaptureFields, describeCapture } from './describeCapture.ts';
import { failureReason } from './failureReason.ts';
import { peerOf } from './ntlsTarget.ts';
import type { CaptureResult, CertificateCapture, CertificateDestination, LogSink, NtlsTarget } from './ports.ts';
import { type Publication, publishIfChanged } from './publishIfChanged.ts';

/** What the collection of named certificates needs of the run. */
export interface NamedCollection {
  readonly capture: CertificateCapture;
  readonly destination: CertificateDestination;
  readonly log: LogSink;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
}

/** One named certificate's result, inside its appliance's (`collect --json`). */
export interface CollectedCertificate extends Partial<CaptureFields> {
  readonly certificate: string;
  readonly result: 'changed' | 'unchanged' | 'failed';
  readonly peer: string;
  readonly reason?: string;
  /** For `changed`: false in a dry run. */
  readonly published?: boolean;
}

/** Collects each named certificate of `ports` (by name) at the appliance's `target` address, at once. */
export function collectNamed(
  appliance: string,
  target: NtlsTarget,
  ports: Readonly<Record<string, { readonly port: number }>>,
  run: NamedCollection,
): Promise<CollectedCertificate[]> {
  const names = Object.keys(ports).sort();
  return Promise.all(
    names.map((name) => collectOne(appliance, name, { ...target, port: ports[name]?.port ?? 0 }, run)),
  );
}

/** One named certificate: capture, compare, publish a change; one line either way. Never throws. */
async function collectOne(
  appliance: string,
  certificate: string,
  target: NtlsTarget,
  run: NamedCollection,
): Promise<CollectedCertificate> {
  const peer = peerOf(target);
  const deadline = startDeadline(run.timeoutMs);
  const line = (key: Parameters<typeof logEntry>[0], extra: Record<string, string> = {}, result = 'failed') =>
    run.log.write(logEntry(key, { certificate, peer, ...extra }, appliance), { certificate, result });
  try {
    const signal = deadline.signal;
    const captured: CaptureResult = await beforeDeadline(
      run.capture.capture(target, signal),
      signal,
      'reading the certificate',
    ).catch((error: unknown) => ({ kind: 'failed' as const, reason: failureReason(error) }));
    if (captured.kind === 'failed') {
      line('certificateCollectFailed', { reason: captured.reason });
      return { certificate, result: 'failed', peer, reason: captured.reason };
    }
    const found = { certificate, peer, ...describeCapture(captured.pem, captured.certificates) };
    const item = {
      read: (s: AbortSignal) => run.destination.read(appliance, s, certificate),
      write: (bytes: Uint8Array, current: Parameters<CertificateDestination['write']>[2], s: AbortSignal) =>
        run.destination.write(appliance, bytes, current, s, certificate),
    };
    let publication: Publication;
    try {
      publication = await publishIfChanged(item, captured.pem, { dryRun: run.dryRun, signal, noun: 'certificate' });
    } catch (error) {
      const reason = failureReason(error);
      line('certificatePublishFailed', { destination: run.destination.description, reason });
      return { ...found, result: 'failed', reason };
    }
    if (publication === 'unchanged') {
      line('certificateCollectUnchanged', {}, 'unchanged');
      return { ...found, result: 'unchanged' };
    }
    if (publication === 'dryRun') {
      line('certificateCollectDryRun', {}, 'changed');
      return { ...found, result: 'changed', published: false };
    }
    line('certificateCollectChanged', { destination: run.destination.description }, 'changed');
    return { ...found, result: 'changed', published: true };
  } finally {
    deadline.clear();
  }
}
