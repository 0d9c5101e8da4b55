/**
 * Publishing a Luna client's files (docs/clients.md, Collecting a client's files): its certificate and
 * its trust bundle, CERTIFICATE blocks only, each compared with what is stored and written only when it
 * differs, by the collector's rules (docs/collector.md): a file that cannot be read or holds no
 * certificate publishes nothing, so what is stored is never clobbered; a file too large for the
 * destination is refused naming its size and the limit.
 */
import { certificatesOnly } from '../core/certificatePem.ts';
import { CertmonitorError, InvalidCertificateError } from '../core/errors.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { MAX_BUNDLE_CERTIFICATES } from '../core/trustBundle.ts';
import { DestinationError } from './errors.ts';
import type { CertificateDestination, ClientFile } from './ports.ts';
import { type Publication, publishIfChanged } from './publishIfChanged.ts';

/** One file as read from the client host, or why it could not be. */
export type ClientFileRead =
  | { readonly kind: 'read'; readonly bytes: Uint8Array }
  | { readonly kind: 'failed'; readonly reason: string };

/** What became of one file. */
export interface ClientFileOutcome {
  readonly file: ClientFile;
  readonly result: Publication | 'failed';
  readonly certificates?: number;
  readonly reason?: string;
}

/** The certificates to publish for one file, or why there are none. */
function prepare(file: ClientFile, read: ClientFileRead, limit: number): { pem: Uint8Array; count: number } | string {
  if (read.kind === 'failed') return read.reason;
  if (read.bytes.length > MAX_CERTIFICATE_FILE_BYTES) return 'file is over 1 MiB';
  let out: { pem: Uint8Array; count: number };
  try {
    out = certificatesOnly(read.bytes);
  } catch (error) {
    return error instanceof InvalidCertificateError ? error.message : 'no certificate found';
  }
  if (file === 'trust.pem' && out.count > MAX_BUNDLE_CERTIFICATES) {
    return `bundle has ${out.count} certificates, more than ${MAX_BUNDLE_CERTIFICATES}`;
  }
  if (out.pem.length > limit) {
    return `its certificates take ${out.pem.length} bytes, more than the destination's limit of ${limit} bytes`;
  }
  return out;
}

/** Publishes one client's two files; never throws for a file's failure (it is its outcome). */
export async function collectClient(
  client: string,
  files: Readonly<Record<ClientFile, ClientFileRead>>,
  destination: CertificateDestination,
  options: { readonly dryRun: boolean; readonly signal: AbortSignal },
): Promise<ClientFileOutcome[]> {
  const { readClientFile, writeClientFile } = destination;
  if (!readClientFile || !writeClientFile) throw new DestinationError('this destination cannot hold client files');
  const limit = Math.min(destination.maxFileBytes ?? MAX_CERTIFICATE_FILE_BYTES, MAX_CERTIFICATE_FILE_BYTES);
  const outcomes: ClientFileOutcome[] = [];
  for (const file of ['client.pem', 'trust.pem'] as const) {
    const prepared = prepare(file, files[file], limit);
    if (typeof prepared === 'string') {
      outcomes.push({ file, result: 'failed', reason: prepared });
      continue;
    }
    const item = {
      read: (signal: AbortSignal) => readClientFile.call(destination, client, file, signal),
      write: (bytes: Uint8Array, current: Parameters<typeof writeClientFile>[3], signal: AbortSignal) =>
        writeClientFile.call(destination, client, file, bytes, current, signal),
    };
    try {
      const result = await publishIfChanged(item, prepared.pem, { ...options, noun: `client ${file}` });
      outcomes.push({ file, result, certificates: prepared.count });
    } catch (error) {
      const reason = error instanceof CertmonitorError ? error.message : 'could not be published';
      outcomes.push({ file, result: 'failed', reason });
    }
  }
  return outcomes;
}
