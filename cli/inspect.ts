/** `certmonitor inspect FILE [--days D] [--now ISO] [--json]`: evaluate one certificate file (SPEC §10). */
import { open } from 'node:fs/promises';
import type { Command } from 'commander';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { evaluate } from '../core/evaluate.ts';
import { evaluationFields } from '../core/evaluationFields.ts';
import { hasFourDigitYear } from '../core/isoInstant.ts';
import { formatOpensslDate } from '../core/opensslDate.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { DEFAULT_SETTINGS, type Evaluation, type SourceResult, type Status } from '../core/types.ts';
import type { CommandRunner } from './main.ts';
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

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Parses `--days`: a whole number of days from 0 to 36500. */
export function parseDays(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_DAYS) {
    throw new UsageError(
      `--days must be a whole number of days from 0 to ${MAX_DAYS}, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  return Number(value);
}

/**
 * Parses `--now`: an ISO 8601 date (midnight UTC) or an instant with an explicit zone, so runs replay
 * exactly. Any four-digit year is taken literally (0001 is year 1); the instant, once converted to UTC,
 * must still lie in years 0000–9999 so that it is stored and sent in the four-digit ISO form.
 */
export function parseNow(value: string): Date {
  const ms = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  // Date.parse rolls impossible days over (Feb 30 -> Mar 2); refuse them instead. The date is rebuilt with
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999 (0000-02-29 exists, 1900-02-29 not).
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (!Number.isFinite(ms) || date.getUTCDate() !== day) {
    throw new UsageError(
      `--now must be an ISO 8601 instant with a zone, e.g. 2026-11-24T12:00:00Z, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  if (!hasFourDigitYear(ms)) {
    throw new UsageError(`--now must lie in the years 0000 to 9999 in UTC, got '${sanitizeLogValue(value, 40)}'`);
  }
  return new Date(ms);
}

/** Reads at most the size limit plus one byte, so an oversized or growing file is never read whole. */
async function readSource(path: string): Promise<SourceResult | Evaluation> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unavailable', reason: `cannot open file (${code ?? 'error'})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { status: 'invalid', error: 'not a regular file' };
    if (stat.size > MAX_CERTIFICATE_FILE_BYTES) return { status: 'invalid', error: 'input over 1 MiB' };
    const buffer = new Uint8Array(MAX_CERTIFICATE_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    return { kind: 'found', bytes: buffer.subarray(0, length) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'unavailable', reason: `cannot read file (${code ?? 'error'})` };
  } finally {
    await handle.close();
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

/** Registers the `inspect` subcommand. */
export function registerInspect(program: Command, runner: CommandRunner): void {
  program
    .command('inspect')
    .description(
      'evaluate one certificate file (PEM or DER) and exit 0 valid, 1 expiring, 2 expired, 3 missing/invalid',
    )
    .argument('<file>', 'certificate file: PEM (any number of certificates, keys or text around them) or DER')
    .option(
      '--days <D>',
      `threshold in days before notAfter that counts as expiring (default ${DEFAULT_SETTINGS.thresholdDays})`,
    )
    .option('--now <ISO>', 'evaluate as of this instant instead of the clock, e.g. 2026-11-24T12:00:00Z')
    .option('--json', 'print one JSON object')
    .action((file: string, options: { days?: string; now?: string; json?: boolean }) =>
      runner(() => inspect(file, options)),
    );
}
