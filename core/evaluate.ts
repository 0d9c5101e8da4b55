/** Evaluates one appliance's certificate at one instant (docs/design.md, Certificate evaluation status table). */
import { sanitizeLogValue } from './catalogue.ts';
import { InvalidCertificateError } from './errors.ts';
import { type ExpiryLevels, expirySeverity, isExpiring } from './expiryLevels.ts';
import { readCertificateFile } from './readCertificateFile.ts';
import type { CertificateFile, Evaluation, SourceResult } from './types.ts';

/** Longest reason carried in an evaluation (it reaches logs, traps and the gateway). */
const MAX_ERROR_LENGTH = 160;

/**
 * Status, remaining time and certificate for `result` at `now` with a threshold of `thresholdDays`.
 * notAfter itself is still valid (RFC 5280); exactly `thresholdDays` before it is already `expiring`.
 * Never throws for any bytes: unreadable input is `invalid` with a short reason. Throws RangeError only
 * for a non-finite `now` or a negative/non-finite threshold, which are programming errors. `levels` adds the
 * threshold percent and the critical level (docs/reference.md, Expiry policy); without them the rule is
 * the days alone and no evaluation has a severity.
 */
export function evaluate(
  result: SourceResult,
  thresholdDays: number,
  now: Date,
  levels: ExpiryLevels = {},
): Evaluation {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('evaluate: now is not a valid date');
  if (!Number.isFinite(thresholdDays) || thresholdDays < 0) {
    throw new RangeError('evaluate: thresholdDays must be a finite number >= 0');
  }
  if (result.kind === 'missing') return { status: 'missing' };
  if (result.kind === 'unavailable') {
    return { status: 'unavailable', error: sanitizeLogValue(result.reason, MAX_ERROR_LENGTH) };
  }
  let file: ReturnType<typeof readCertificateFile>;
  try {
    file = readCertificateFile(result.bytes);
  } catch (error) {
    // Anything unexpected is reported generically: its message could carry file content.
    const reason = error instanceof InvalidCertificateError ? error.message : 'unreadable certificate';
    return { status: 'invalid', error: sanitizeLogValue(reason, MAX_ERROR_LENGTH) };
  }
  return evaluateCertificateFile(file, thresholdDays, now, levels);
}

/**
 * The status table applied to an already-read certificate file (for example one rebuilt from the state's
 * cache when the source reports the object unchanged). Same rules and errors as {@link evaluate}.
 */
export function evaluateCertificateFile(
  file: CertificateFile,
  thresholdDays: number,
  now: Date,
  levels: ExpiryLevels = {},
): Evaluation {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('evaluate: now is not a valid date');
  const { certificate, chain } = file;
  const notAfterMs = certificate.notAfter.getTime();
  const remainingMs = notAfterMs - nowMs;
  const secondsRemaining = Math.floor(remainingMs / 1000);
  const daysRemaining = Math.floor(secondsRemaining / 86400);
  const status =
    nowMs < certificate.notBefore.getTime()
      ? 'not_yet_valid'
      : nowMs > notAfterMs
        ? 'expired'
        : isExpiring(certificate, remainingMs, thresholdDays, levels)
          ? 'expiring'
          : 'valid';
  const severity =
    status === 'expiring' || status === 'expired' ? expirySeverity(certificate, remainingMs, levels) : undefined;
  const evaluation: Evaluation = { status, certificate, chain, secondsRemaining, daysRemaining };
  return severity === undefined ? evaluation : { ...evaluation, severity };
}
