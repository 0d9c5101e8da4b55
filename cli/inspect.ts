/**
 * `certmonitor inspect FILE|- [--days D] [--critical D] [--percent P] [--critical-percent P] [--now ISO] [--json | --plugin]`: evaluate one
 * certificate file, or standard input (README, Command line), and exit with the monitoring-plugin status.
 */
import { basename } from 'node:path';
import { isAbsent, readFileCapped } from '../adapters/dir/dirFiles.ts';
import { ConfigError } from '../app/errors.ts';
import { type PolicyFlags, runPolicySettings } from '../app/policyConfig.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { evaluate, evaluateCertificateFile } from '../core/evaluate.ts';
import type { EvaluationFields } from '../core/evaluationFields.ts';
import { evaluationFields as fieldsOf, withFindings } from '../core/evaluationFields.ts';
import { type ExpiryLevels, expiryLevelsOf } from '../core/expiryLevels.ts';
import { certificateFindings, type Finding } from '../core/findings.ts';
import { formatOpensslDate } from '../core/opensslDate.ts';
import { findingPolicyFor } from '../core/policySettings.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { DEFAULT_SETTINGS, type Evaluation, type FindingPolicy, type SourceResult } from '../core/types.ts';
import { parseNow } from './command.ts';
import { type PluginThresholds, pluginExitCode, pluginLine } from './pluginLine.ts';
import { UsageError } from './usageError.ts';

/** The flags of `inspect`, as commander hands them over. */
export interface InspectOptions extends Omit<PolicyFlags, 'replaced'> {
  readonly days?: string;
  readonly critical?: string;
  readonly percent?: string;
  readonly criticalPercent?: string;
  readonly now?: string;
  readonly json?: boolean;
  readonly plugin?: boolean;
}

/** The file name that stands for standard input. */
const STDIN = '-';

/** Largest threshold accepted: a century is already more than any certificate lifetime worth alerting on. */
const MAX_DAYS = 36_500;

/** Parses a threshold flag (`--days`, `--critical`): a whole number of days from 0 to 36500. */
export function parseDays(value: string, flag = '--days'): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_DAYS) {
    throw new UsageError(
      `${flag} must be a whole number of days from 0 to ${MAX_DAYS}, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  return Number(value);
}

/**
 * Parses a percent flag (`--percent`, `--critical-percent`): more than 0 and less than 100, at most two
 * decimals (docs/reference.md, Expiry policy). Never clamped.
 */
function parsePercent(value: string, flag: string): number {
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(value) || Number(value) <= 0) {
    throw new UsageError(
      `${flag} must be a percent of the certificate's lifetime, more than 0 and less than 100, got '${sanitizeLogValue(value, 40)}'`,
    );
  }
  return Number(value);
}

/**
 * The thresholds of the run; a critical level above the warning level would make WARNING unreachable, so
 * `--critical` above `--days` and `--critical-percent` above `--percent` are refused.
 */
function parseThresholds(options: InspectOptions): PluginThresholds {
  const warningDays = options.days === undefined ? DEFAULT_SETTINGS.thresholdDays : parseDays(options.days);
  const warningPercent = options.percent === undefined ? undefined : parsePercent(options.percent, '--percent');
  const criticalPercent =
    options.criticalPercent === undefined ? undefined : parsePercent(options.criticalPercent, '--critical-percent');
  if (criticalPercent !== undefined && warningPercent !== undefined && criticalPercent > warningPercent) {
    throw new UsageError(`--critical-percent (${criticalPercent}) must not exceed --percent (${warningPercent})`);
  }
  const percents = {
    ...(warningPercent === undefined ? {} : { warningPercent }),
    ...(criticalPercent === undefined ? {} : { criticalPercent }),
  };
  if (options.critical === undefined) return { warningDays, ...percents };
  const criticalDays = parseDays(options.critical, '--critical');
  if (criticalDays > warningDays) {
    throw new UsageError(`--critical (${criticalDays}) must not exceed --days (${warningDays})`);
  }
  return { warningDays, criticalDays, ...percents };
}

/** Reads standard input up to `limit` bytes; more is refused unread, like an oversized file. */
async function readStdinCapped(limit: number): Promise<SourceResult | Evaluation> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        process.stdin.destroy();
        return { status: 'invalid', error: 'input over 1 MiB' };
      }
      chunks.push(chunk);
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { kind: 'unavailable', reason: `cannot read standard input (${typeof code === 'string' ? code : 'error'})` };
  }
  return { kind: 'found', bytes: new Uint8Array(Buffer.concat(chunks)) };
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

/** The policy of the flags (docs/reference.md, Certificate findings); a bad flag is a usage error. */
function parsePolicy(options: InspectOptions): FindingPolicy {
  try {
    return findingPolicyFor([runPolicySettings({}, options)]);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** An evaluation as shown: the one that decides the status, and the leaf's findings (none without a certificate). */
interface Inspected {
  readonly evaluation: Evaluation;
  readonly findings?: readonly Finding[];
}

/**
 * The file's findings under `policy` and, only with a policy set, a chain certificate that expires first
 * deciding the status, as in `check` (docs/reference.md, Certificate findings).
 */
function inspected(
  evaluation: Evaluation,
  policy: FindingPolicy,
  at: { readonly thresholdDays: number; readonly now: Date; readonly levels: ExpiryLevels },
): Inspected {
  const certificate = evaluation.certificate;
  if (certificate === undefined) return { evaluation };
  const findings = certificateFindings({ certificate, chain: evaluation.chain ?? [] }, policy, undefined);
  const chain = findings.find((f) => f.finding === 'chain_expires_first')?.chainCertificate;
  if (!policy.set || chain === undefined) return { evaluation, findings };
  const decided = evaluateCertificateFile({ certificate: chain, chain: [] }, at.thresholdDays, at.now, at.levels);
  return { evaluation: decided, findings };
}

/** The inspect fields and the findings (shown in JSON whenever there are some). */
function evaluationFields(shown: Inspected): EvaluationFields {
  return withFindings(fieldsOf(shown.evaluation), shown.findings);
}

function humanReport(shown: Inspected, policy: FindingPolicy): string {
  const { evaluation } = shown;
  const fields = evaluationFields(shown);
  const cert = evaluation.certificate;
  const rows: [string, string][] = [['status', fields.status]];
  // Only with a critical level (docs/reference.md, Expiry policy).
  if (fields.severity !== undefined) rows.push(['severity', fields.severity]);
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
  // Without a policy findings are shown in JSON only, so the plain report stays as it was.
  if (policy.set) for (const f of fields.findings ?? []) rows.push(['finding', `${f.finding}: ${f.detail}`]);
  if (fields.error !== undefined) rows.push(['error', fields.error]);
  rows.push(['message', fields.message]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join('');
}

/** Runs `inspect` and resolves to its exit status (0 valid, 1 expiring, 2 expired / not yet valid, 3 otherwise). */
export async function inspect(file: string, options: InspectOptions): Promise<number> {
  if (options.json && options.plugin) throw new UsageError('--json and --plugin cannot be used together');
  const thresholds = parseThresholds(options);
  const policy = parsePolicy(options);
  const now = options.now === undefined ? new Date() : parseNow(options.now);
  const source = file === STDIN ? await readStdinCapped(MAX_CERTIFICATE_FILE_BYTES) : await readSource(file);
  const { warningPercent, criticalDays, criticalPercent } = thresholds;
  const flat = { thresholdPercent: warningPercent, criticalDays, criticalPercent };
  const levels = expiryLevelsOf(flat, DEFAULT_SETTINGS.repeatHours);
  const read = 'status' in source ? source : evaluate(source, thresholds.warningDays, now, levels);
  const shown = inspected(read, policy, { thresholdDays: thresholds.warningDays, now, levels });
  const evaluation = shown.evaluation;
  let output: string;
  if (options.json) output = `${JSON.stringify(evaluationFields(shown))}\n`;
  else if (options.plugin) output = pluginLine(evaluation, thresholds, file === STDIN ? 'stdin' : basename(file));
  else output = humanReport(shown, policy);
  process.stdout.write(output);
  return pluginExitCode(evaluation, thresholds);
}
