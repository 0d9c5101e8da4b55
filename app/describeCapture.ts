/** What a collector result reports of a captured certificate (docs/collector.md, Collecting certificates). */
import { readCertificateFile } from '../core/readCertificateFile.ts';
import { failureReason } from './failureReason.ts';

/** The fields of a capture a result reports; `certificateError` when the check will report it as invalid. */
export interface CaptureFields {
  readonly certificates: number;
  readonly bytes: number;
  readonly fingerprintSha256?: string;
  readonly notAfter?: string;
  readonly subject?: string;
  readonly certificateError?: string;
}

/** The fields of the captured certificate the result reports, read by the core's own reader. */
export function describeCapture(pem: Uint8Array, certificates: number): CaptureFields {
  const base = { certificates, bytes: pem.length };
  try {
    const { certificate } = readCertificateFile(pem);
    return {
      ...base,
      fingerprintSha256: certificate.fingerprintSha256,
      notAfter: certificate.notAfter.toISOString(),
      subject: certificate.subject,
    };
  } catch (error) {
    return { ...base, certificateError: failureReason(error) };
  }
}
