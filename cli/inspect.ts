/** `certmonitor inspect FILE [--days D] [--now ISO] [--json]`: evaluate one certificate file (README, Command line). */
import { isAbsent, readFileCapped } from '../adapters/dir/dirFiles.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { evaluate } from '../core/evaluate.ts';
import { evaluationFields } from '../core/evaluationFields.ts';
import { formatOpensslDate } from '../core/opensslDate.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { DEFAULT_SETTINGS, type Evaluation, type SourceResult, type Status } from '../core/types.ts';
import { parseNow } from './command.ts';
import { UsageError } from './usageError.ts';

/** Monitoring-plugin exit statuses: OK, WARNING, CRITICAL, UNKNOWN. */
const EXIT_BY_STATUS: Readonly<Record<Status, number>> = {
  valid: 0,
  expiring: 1,
  expired: 2,
  not_yet_valid: 2,
  missing: 3,
  invalid: 3,
  unavailable: 3,
};

/** Largest threshold accepted: a century is already more than any certificate lifetime worth alerting on. */
const MAX_DAYS = 36_500;

/** Parses `--days`: a whole number of days from 0 to 36500. */
export function parseDays(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_DAYS) {
    throw new UsageError(
      `--days must be a whole number of days from 0 to ${MAX_DAYS}, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  return Number(value);
}

/** Reads the file with the size cap, so an oversized or growing file is never read whole. */
async function readSource(path: string): Promise<SourceResult | Evaluation> {
  const read = await readFileCapped(path, MAX_CERTIFICATE_FILE_BYTES);
  switch (read.kind) {
    case 'read':
      return { kind: 'found', bytes: read.bytes };
    case 'notFile':
      return { status: 'invalid', error: 'not a regular file' };
    case 'tooLarge':
      return { status: 'invalid', error: 'input over 1 MiB' };
    case 'failed':
      if (read.stage === 'read') return { kind: 'unavailable', reason: `cannot read file (${read.code})` };
      return isAbsent(read.error)
        ? { kind: 'missing' }
        : { kind: 'unavailable', reason: `cannot open file (${read.code})` };
  }
}

function humanReport(evaluation: Evaluation): string {
  const fields = evaluationFields(evaluation);
  const cert = evaluation.certificate;
  const rows: [string, string][] = [['status', fields.status]];
  if (cert) {
    rows.push(
      ['subject', cert.subject],
      ['issuer', cert.issuer],
      ['notBefore', formatOpensslDate(cert.notBefore)],
      ['notAfter', formatOpensslDate(cert.notAfter)],
      ['days remaining', `${evaluation.daysRemaining} (${evaluation.secondsRemaining} s)`],
      ['fingerprint', `SHA256 ${cert.fingerprintSha256}`],
      ['serial', cert.serialNumber],
      ['key type', cert.keyType],
    );
    if (evaluation.chain && evaluation.chain.length > 0)
      rows.push(['chain', `${evaluation.chain.length} more certificate(s)`]);
  }
  if (fields.error !== undefined) rows.push(['error', fields.error]);
  rows.push(['message', fields.message]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join('');
}

/** Runs `inspect` and resolves to its exit status (0 valid, 1 expiring, 2 expired / not yet valid, 3 otherwise). */
export async function inspect(file: string, options: { days?: string; now?: string; json?: boolean }): Promise<number> {
  const days = options.days === undefined ? DEFAULT_SETTINGS.thresholdDays : parseDays(options.days);
  const now = options.now === undefined ? new Date() : parseNow(options.now);
  const source = await readSource(file);
  const evaluation = 'status' in source ? source : evaluate(source, days, now);
  process.stdout.write(options.json ? `${JSON.stringify(evaluationFields(evaluation))}\n` : humanReport(evaluation));
  return EXIT_BY_STATUS[evaluation.status];
}
