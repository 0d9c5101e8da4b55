/**
 * `certmonitor collect-client` (docs/clients.md, Collecting a client's files), run on a Luna client host
 * by its timer: publishes the client's certificate (`ClientCertFile`) and trust bundle (`ServerCAFile`) as
 * `_clients/NAME/client.pem` and `_clients/NAME/trust.pem` where the check reads, certificates only.
 * One line per file; with `--json`, one object on stdout. Exit status as `collect`: 0 both published or
 * unchanged, 1 a file could not be read or published, 2 configuration or usage error.
 */
import { createDestination } from '../adapters/createDestination.ts';
import { readFileCapped } from '../adapters/dir/dirFiles.ts';
import { type ClientFileOutcome, type ClientFileRead, collectClient } from '../app/collectClient.ts';
import { ConfigError } from '../app/errors.ts';
import type { ClientFile } from '../app/ports.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { APPLIANCE_NAME, isApplianceName } from '../protocol/notification.ts';
import type { CheckIo } from './check.ts';
import { EXIT_OK, EXIT_UNDELIVERED } from './command.ts';
import { UsageError } from './usageError.ts';

/** Flags of `certmonitor collect-client` as commander parses them. */
export interface CollectClientOptions {
  readonly name?: string;
  readonly cert?: string;
  readonly trust?: string;
  readonly to?: string;
  readonly timeoutMs?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** A flag's value, else its variable's; a usage error naming both when neither is set. */
function required(value: string | undefined, env: CheckIo['env'], variable: string, flag: string): string {
  const chosen = value ?? env[variable];
  if (chosen === undefined || chosen === '') throw new UsageError(`${flag} (${variable}) is required`);
  return chosen;
}

/** A local file, read whole up to 1 MiB by the project's one capped reader; never throws. */
async function readLocal(file: string): Promise<ClientFileRead> {
  const read = await readFileCapped(file, MAX_CERTIFICATE_FILE_BYTES);
  switch (read.kind) {
    case 'read':
      return { kind: 'read', bytes: read.bytes };
    case 'notFile':
      return { kind: 'failed', reason: 'not a regular file' };
    case 'tooLarge':
      return { kind: 'failed', reason: 'file is over 1 MiB' };
    case 'failed':
      return { kind: 'failed', reason: `file could not be read (${read.code})` };
  }
}

/** The line for one file's outcome. */
function describe(client: string, outcome: ClientFileOutcome, destination: string): string {
  const what = `${outcome.file} of client ${client}`;
  switch (outcome.result) {
    case 'changed':
      return `${what} has changed and was published to ${destination}`;
    case 'unchanged':
      return `${what} is unchanged at ${destination}`;
    case 'dryRun':
      return `${what} has changed and was not published (dry run)`;
    case 'failed':
      return `Failed to publish ${what}: ${sanitizeLogValue(outcome.reason ?? 'failed')}`;
  }
}

/** Runs `collect-client`; resolves to the exit status. */
export async function collectClientCommand(options: CollectClientOptions, io: CheckIo): Promise<number> {
  const name = required(options.name, io.env, 'CERTMONITOR_CLIENT_NAME', '--name');
  if (!isApplianceName(name)) throw new UsageError(`--name must match ${APPLIANCE_NAME.source}`);
  const cert = required(options.cert, io.env, 'CERTMONITOR_CLIENT_CERT', '--cert');
  const trust = required(options.trust, io.env, 'CERTMONITOR_CLIENT_TRUST', '--trust');
  const to = required(options.to, io.env, 'CERTMONITOR_COLLECT_TO', '--to');
  const timeoutMs = Number(options.timeoutMs ?? '30000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError('--timeout-ms must be a whole number above 0');
  let destination: Awaited<ReturnType<typeof createDestination>>;
  try {
    destination = await createDestination(to, { env: io.env });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const files: Record<ClientFile, ClientFileRead> = {
    'client.pem': await readLocal(cert),
    'trust.pem': await readLocal(trust),
  };
  const signal = AbortSignal.timeout(timeoutMs);
  const outcomes = await collectClient(name, files, destination, { dryRun: options.dryRun === true, signal });
  const failed = outcomes.some((o) => o.result === 'failed');
  if (options.json)
    io.stdout.write(`${JSON.stringify({ client: name, destination: destination.description, files: outcomes })}\n`);
  for (const outcome of outcomes) {
    const line = `${describe(name, outcome, destination.description)}\n`;
    if (outcome.result === 'failed') io.stderr.write(line);
    else if (!options.json) io.stdout.write(line);
  }
  return failed ? EXIT_UNDELIVERED : EXIT_OK;
}
