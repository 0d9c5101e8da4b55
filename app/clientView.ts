/** What the report shows of a client after a run (docs/clients.md, In the report and the metrics). */
import type { ClientTrustInput } from '../core/clientDecision.ts';
import type { ClientState, ClientTrustWord, ClientView } from '../core/clientState.ts';
import type { Evaluation } from '../core/types.ts';

/** The view of a client from its evaluation, bundle and trust answers; `previous` stands in while unavailable. */
export function clientView(
  evaluation: Evaluation,
  bundle: ClientView['bundle'],
  trust: readonly ClientTrustInput[],
  thresholdDays: number,
  previous: ClientState | undefined,
): ClientView {
  const cert = evaluation.certificate;
  const words: Record<string, ClientTrustWord> = {};
  for (const t of trust) words[t.appliance] = t.verdict?.kind ?? 'unknown';
  const certificate = cert
    ? {
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        subject: cert.subject,
        serialNumber: cert.serialNumber,
        fingerprintSha256: cert.fingerprintSha256,
      }
    : evaluation.status === 'unavailable'
      ? pickCertificate(previous?.view)
      : {};
  return { status: evaluation.status, thresholdDays, ...certificate, bundle, trust: words };
}

function pickCertificate(view: ClientView | undefined) {
  if (!view) return {};
  const { notBefore, notAfter, subject, serialNumber, fingerprintSha256 } = view;
  return JSON.parse(
    JSON.stringify({ notBefore, notAfter, subject, serialNumber, fingerprintSha256 }),
  ) as Partial<ClientView>;
}
