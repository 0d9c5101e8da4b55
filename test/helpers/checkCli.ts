/**
 * One scheduled run of the real CLI (`bin/certmonitor.js check --json`) over a `dir:` fleet and state,
 * forwarding to one or more gateways, with a clean CERTMONITOR_* environment; its stdout parsed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where a run reads, writes and forwards, and as of when. */
export interface CheckCliOptions {
  readonly fleet: string;
  readonly state: string;
  /** Base URLs, primary first (joined with commas as `--gateway` takes them). */
  readonly gateways: readonly string[];
  readonly secretFile: string;
  readonly now: string;
  readonly timeoutMs?: number;
  /** More flags (`--ca-file`, `--gateway-timeout-ms`, …). */
  readonly extraArgs?: readonly string[];
}

/** What the run printed: exit status (0 or 1), its summary, each appliance's status and action, and stderr. */
export interface CheckCliRun<Summary> {
  readonly exitCode: number;
  readonly summary: Summary;
  readonly outcomes: Record<string, { status: string; action: string }>;
  /** The catalogue lines (on stderr with `--json`). */
  readonly stderr: string;
}

/** Runs `certmonitor check --json`; rejects when it exits other than 0 or 1 (a usage or start-up error). */
export function runCheckCli<Summary>(o: CheckCliOptions): Promise<CheckCliRun<Summary>> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CERTMONITOR_')) env[k] = v;
  const args = [
    'bin/certmonitor.js',
    'check',
    '--source',
    `dir:${o.fleet}`,
    '--state',
    `dir:${o.state}`,
    '--gateway',
    o.gateways.join(','),
    '--key-id',
    'lambda',
    '--secret-file',
    o.secretFile,
    '--now',
    o.now,
    '--json',
    ...(o.extraArgs ?? []),
  ];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, env, timeout: o.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      const exitCode = error ? ((error as { code?: number }).code ?? -1) : 0;
      if (typeof exitCode !== 'number' || exitCode > 1) return reject(error ?? new Error('check failed'));
      const objects = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = (objects.find((o) => 'summary' in o) as { summary: Summary }).summary;
      const outcomes = Object.fromEntries(
        objects
          .filter((o) => typeof o.appliance === 'string')
          .map((o) => [o.appliance as string, { status: o.status as string, action: o.action as string }]),
      );
      resolve({ exitCode, summary, outcomes, stderr });
    });
  });
}
