/** The flat, JSON-ready view of an evaluation that `inspect --json` and `check --json` print (README, Command line). */
import type { AlertSeverity, FindingName } from '../protocol/notificationV2.ts';
import { formatMessage } from './catalogue.ts';
import { statusLogEntry } from './statusMessage.ts';
import type { Evaluation, FindingEntry, Status } from './types.ts';

/** README, Command line's inspect fields; certificate fields are absent when no certificate was read. */
export interface EvaluationFields {
  readonly status: Status;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly secondsRemaining?: number;
  readonly daysRemaining?: number;
  readonly fingerprintSha256?: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly serialNumber?: string;
  readonly keyType?: string;
  /** The catalogue text for the status. */
  readonly message: string;
  /** Short sanitized reason, for invalid and unavailable. */
  readonly error?: string;
  /** Only with a critical level configured (docs/reference.md, Expiry policy): warning or critical. */
  readonly severity?: AlertSeverity;
  /**
   * The certificate's policy findings (docs/reference.md, Certificate findings), added by `inspect` and
   * `check` beside these fields; absent without a certificate.
   */
  readonly findings?: readonly FindingEntry[];
}

export type { FindingEntry } from './types.ts';

/** The JSON form of findings: which and the value found (a deciding chain certificate stays internal). */
function findingEntries(findings: readonly { finding: FindingName; detail: string }[]): FindingEntry[] {
  return findings.map(({ finding, detail }) => ({ finding, detail }));
}

/**
 * `fields` with the findings as `inspect --json` prints them: only when there are some, so the output
 * for a certificate without findings is what it always was (docs/reference.md, Certificate findings).
 */
export function withFindings(
  fields: EvaluationFields,
  findings: readonly { finding: FindingName; detail: string }[] | undefined,
): EvaluationFields {
  return findings === undefined || findings.length === 0 ? fields : { ...fields, findings: findingEntries(findings) };
}

/** Projects an evaluation onto the inspect fields, with ISO 8601 dates and the catalogue message. */
export function evaluationFields(evaluation: Evaluation): EvaluationFields {
  const { key, params } = statusLogEntry(evaluation);
  const cert = evaluation.certificate;
  return {
    status: evaluation.status,
    ...(cert && {
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      secondsRemaining: evaluation.secondsRemaining,
      daysRemaining: evaluation.daysRemaining,
      fingerprintSha256: cert.fingerprintSha256,
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
      keyType: cert.keyType,
    }),
    message: formatMessage(key, params),
    ...(evaluation.error !== undefined && { error: evaluation.error }),
    ...(evaluation.severity !== undefined && { severity: evaluation.severity }),
  };
}
