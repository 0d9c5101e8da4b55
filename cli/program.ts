/**
 * The `certmonitor` command tree: every subcommand's name, flags and help text, and an action that loads
 * the subcommand's module only when it runs. So `--help`, and `inspect` (which monitoring agents call
 * every few minutes per file), start without the AWS SDK, fastify or net-snmp.
 */
import { Command } from 'commander';
import { DEFAULT_SETTINGS } from '../core/types.ts';
// Inlined by esbuild (the manifest, about 2 KB): the installed command reports the version it was built as.
import packageJson from '../package.json' with { type: 'json' };
import type { CheckCommandOptions } from './check.ts';
import type { CollectCommandOptions } from './collect.ts';
import type { CollectClientOptions } from './collectClient.ts';
import type { CommandRunner } from './command.ts';
import type { InspectOptions } from './inspect.ts';
import type { ReportCommandOptions } from './report.ts';

/** Standard streams and environment of this process, as the subcommands take them. */
function processIo() {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** What `check --help` says of its exit status (README, Command line). */
const CHECK_EXIT_HELP = `
Exit status:
  0  every appliance evaluated and every due notification delivered, or no gateway configured (the
     summary then counts the notifications due and not forwarded)
  1  something needs attention: a notification not delivered, a trap host failing for H hours or more,
     an inventory problem, the fleet could not be listed, the report or metrics textfile not written,
     no appliance evaluated at all (CM_ERR_EMPTY_RUN: an empty or mistyped source; --allow-empty if meant)
  2  configuration or usage error (the certificates' statuses are in the output, not the exit status)
`;

/** What `collect --help` says of its exit status. */
const COLLECT_EXIT_HELP = `
Exit status:
  0  every appliance collected (changed or unchanged)
  1  some appliance could not be collected, none was, fleet.json has problems, or the inventory
     could not be read or published
  2  configuration or usage error
`;

/** What `report --help` says of its exit status. */
const REPORT_EXIT_HELP = `
Exit status:
  0  the report was written
  1  some state record could not be read, the report could not be written, or the location holds no
     state (CM_ERR_NO_STATE)
  2  configuration or usage error
`;

/** Builds the command tree; each action reports its exit status through `runner`. */
export function buildProgram(runner: CommandRunner): Command {
  const program = new Command('certmonitor')
    .description('NTLS certificate expiry monitor for fleets of Luna Network HSM appliances')
    .version(packageJson.version, '-V, --version', 'print the version of certmonitor')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  defineInspect(program, runner);
  defineCheck(program, runner);
  defineReport(program, runner);
  defineCollect(program, runner);
  defineCollectClient(program, runner);
  defineGateway(program, runner);
  defineTrap(program, runner);
  defineDemo(program, runner);
  return program;
}

/**
 * The certificate policy flags `check` and `inspect` share (docs/reference.md, Certificate findings); any of
 * them sets a policy. `check` names the variable of each.
 */
function withPolicyOptions(command: Command, withVariables: boolean): Command {
  const variable = (name: string) => (withVariables ? ` (CERTMONITOR_${name})` : '');
  command
    .option(
      '--max-validity-days <days>',
      `policy: longest certificate lifetime in days${variable('MAX_VALIDITY_DAYS')}`,
    )
    .option('--min-rsa-bits <bits>', `policy: smallest RSA key, default 2048${variable('MIN_RSA_BITS')}`)
    .option('--min-ec-bits <bits>', `policy: smallest EC key, default 256${variable('MIN_EC_BITS')}`)
    .option(
      '--weak-signatures <hashes>',
      `policy: signature hashes that are findings, default md5,sha1${variable('WEAK_SIGNATURES')}`,
    );
  return command;
}

function defineInspect(program: Command, runner: CommandRunner): void {
  const inspect = program
    .command('inspect')
    .description(
      'evaluate one certificate file (PEM or DER) as a monitoring plugin: exit 0 OK (valid), 1 WARNING (expiring), ' +
        '2 CRITICAL (expired, not yet valid, within --critical), 3 UNKNOWN (missing, invalid, usage error)',
    )
    .argument(
      '<file>',
      'certificate file: PEM (any number of certificates, keys or text around them) or DER; - reads standard input',
    )
    .option(
      '--days <D>',
      `WARNING threshold: days before notAfter that count as expiring (default ${DEFAULT_SETTINGS.thresholdDays})`,
    )
    .option('--critical <D>', 'CRITICAL threshold: days before notAfter (at most --days; default: only once expired)')
    .option('--percent <P>', 'WARNING also within P % of the lifetime (notAfter - notBefore), 0 < P < 100')
    .option('--critical-percent <P>', 'CRITICAL also within P % of the lifetime (at most --percent)')
    .option('--now <ISO>', 'evaluate as of this instant instead of the clock, e.g. 2026-11-24T12:00:00Z')
    .option('--json', 'print one JSON object')
    .option('--plugin', 'print one monitoring-plugin line: CERTMONITOR OK - … | days=N;WARN:;CRIT:;;');
  withPolicyOptions(inspect, false).action((file: string, options: InspectOptions) =>
    runner(async () => (await import('./inspect.ts')).inspect(file, options)),
  );
}

/** `--json` and `--no-progress`, which `check` and `collect` take alike. */
function withOutputOptions(command: Command): Command {
  return command
    .option('--json', 'one JSON object per appliance on stdout, then {"summary": …}; log lines on stderr')
    .option('--no-progress', 'no progress line on stderr (it is shown only on a terminal, without --json, off CI)');
}

/** The expiry policy's options of `check` (docs/reference.md, Expiry policy). */
function withExpiryPolicyOptions(command: Command): Command {
  return command
    .option(
      '--percent <P>',
      'also expiring within P % of the lifetime, whichever comes first with --days; unset by default (CERTMONITOR_THRESHOLD_PERCENT)',
    )
    .option('--critical <D>', 'critical level: days before notAfter, at most --days (CERTMONITOR_CRITICAL_DAYS)')
    .option(
      '--critical-percent <P>',
      'critical level: percent of the lifetime, at most --percent (CERTMONITOR_CRITICAL_PERCENT)',
    )
    .option(
      '--critical-hours <H>',
      'critical level: repeat interval in hours, at most --hours, default --hours (CERTMONITOR_CRITICAL_HOURS)',
    );
}

function defineCheck(program: Command, runner: CommandRunner): void {
  const check = withExpiryPolicyOptions(
    program
      .command('check')
      .description(
        'one scheduled run over a fleet: evaluate every certificate, forward due notifications, record state',
      )
      .option(
        '--source <spec>',
        'certificates: dir:PATH, s3://bucket/prefix/, ssm:/prefix/, or tls:FLEET.json to read them live from the appliances (CERTMONITOR_SOURCE)',
      )
      .option('--state <spec>', 'state: dir:PATH or s3://bucket/prefix/ (CERTMONITOR_STATE)')
      .option('--days <D>', 'threshold in days, default 30 (CERTMONITOR_THRESHOLD_DAYS)')
      .option('--hours <H>', 'repeat interval in hours, default 24 (CERTMONITOR_REPEAT_HOURS)'),
  )
    .option(
      '--gateway <urls>',
      'SNMP gateway base URL, or several separated by commas: primary, then standbys; absent = evaluate and log only (CERTMONITOR_GATEWAY_URL)',
    )
    .option('--key-id <id>', 'signing key id (CERTMONITOR_GATEWAY_KEY_ID)')
    .option('--secret-file <file>', 'file holding the signing secret (CERTMONITOR_GATEWAY_SECRET_FILE)')
    .option(
      '--ca-file <file>',
      'PEM CA(s) that issued an HTTPS gateway certificate, trusted instead of the public CAs (CERTMONITOR_GATEWAY_CA_FILE)',
    )
    .option(
      '--gateway-timeout-ms <ms>',
      'how long a gateway may take to answer, across retries, default 45000 (CERTMONITOR_GATEWAY_TIMEOUT_MS)',
    )
    .option('--concurrency <n>', 'appliances processed at once, default 32 (CERTMONITOR_CONCURRENCY)')
    .option(
      '--allow-empty',
      'the fleet is empty on purpose: a run that evaluates no appliance exits 0 (CERTMONITOR_ALLOW_EMPTY=true)',
    )
    .option(
      '--replaced',
      'notify a certificate replaced before its threshold: clients must register it (CERTMONITOR_REPLACED=true)',
    )
    .option(
      '--now <iso>',
      'evaluate as of this instant, e.g. 2026-11-24T12:00:00Z; the run records its deliveries as of it: use --dry-run for a what-if',
    )
    .option(
      '--dry-run',
      'evaluate and decide, print the notifications that are due; forward nothing, write no state or report',
    )
    .option(
      '--metrics-textfile <file>',
      "write the run's certificate metrics to FILE for node_exporter's textfile collector (x509_cert_* names)",
    );
  withOutputOptions(withPolicyOptions(check, true))
    .addHelpText('after', CHECK_EXIT_HELP)
    .action((options: CheckCommandOptions) =>
      runner(async () => {
        // Before the run's modules load: loading the AWS SDK alone would grow the young generation to 8 MB,
        // and it never shrinks back (cli/heapTuning.ts).
        (await import('./heapTuning.ts')).tuneHeapForFleetRun();
        return (await import('./check.ts')).check(options, processIo());
      }),
    );
}

function defineReport(program: Command, runner: CommandRunner): void {
  program
    .command('report')
    .description('rebuild the fleet report (fleet-status.json, index.html) from a state location alone')
    .option('--state <spec>', 'state: dir:PATH or s3://bucket/prefix/ (CERTMONITOR_STATE)')
    .option('--out <dir>', "write the report into DIR instead of the state location's _report/ folder")
    .option('--now <iso>', 'the report as of this instant (days remaining, statuses), default the clock')
    .option(
      '--days <D>',
      `threshold for records written before reports existed (default ${DEFAULT_SETTINGS.thresholdDays})`,
    )
    .option('--concurrency <n>', 'state records read at once, default 32')
    .addHelpText('after', REPORT_EXIT_HELP)
    .action((options: ReportCommandOptions) =>
      runner(async () => (await import('./report.ts')).report(options, processIo())),
    );
}

function defineCollect(program: Command, runner: CommandRunner): void {
  const collect = program
    .command('collect')
    .description(
      "read each appliance's NTLS certificate over TLS (port 1792) and publish the ones that changed where the check reads them",
    )
    .option(
      '--inventory <location>',
      'a fleet.json file, or dir:PATH, s3://bucket/prefix/ or ssm:/prefix/ holding one (CERTMONITOR_COLLECT_INVENTORY)',
    )
    .option(
      '--to <location>',
      'where to publish: dir:PATH, s3://bucket/prefix/ or ssm:/prefix/ (CERTMONITOR_COLLECT_TO)',
    )
    .option('--concurrency <n>', 'appliances collected at once, default 32')
    .option('--timeout-ms <ms>', 'the most one appliance may take, whatever it does, default 5000')
    .option(
      '--client-cert <file>',
      'a client certificate (PEM) registered on the appliances, so the handshake completes',
    )
    .option('--client-key <file>', 'its private key (PEM, unencrypted)')
    .option('--dry-run', 'read and compare, publish nothing');
  withOutputOptions(collect)
    .addHelpText('after', COLLECT_EXIT_HELP)
    .action((options: CollectCommandOptions) =>
      runner(async () => (await import('./collect.ts')).collect(options, processIo())),
    );
}

function defineCollectClient(program: Command, runner: CommandRunner): void {
  program
    .command('collect-client')
    .description(
      "publish a Luna client's certificate and trust bundle (certificates only) where the check reads them (docs/clients.md)",
    )
    .option('--name <name>', 'the client, as the inventory names it (CERTMONITOR_CLIENT_NAME)')
    .option('--cert <file>', 'its certificate, ClientCertFile in Chrystoki.conf (CERTMONITOR_CLIENT_CERT)')
    .option('--trust <file>', 'its trust bundle, ServerCAFile in Chrystoki.conf (CERTMONITOR_CLIENT_TRUST)')
    .option(
      '--to <location>',
      'where to publish: dir:PATH, s3://bucket/prefix/ or ssm:/prefix/ (CERTMONITOR_COLLECT_TO)',
    )
    .option('--timeout-ms <ms>', 'the most the whole run may take, default 30000')
    .option('--dry-run', 'read and compare, publish nothing')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExit status:\n  0  both files published or unchanged\n  1  a file could not be read, holds no certificate, is too large for the destination, or could not be published\n  2  configuration or usage error\n',
    )
    .action((options: CollectClientOptions) =>
      runner(async () => (await import('./collectClient.ts')).collectClientCommand(options, processIo())),
    );
}

function defineGateway(program: Command, runner: CommandRunner): void {
  program
    .command('gateway')
    .description('run the on-prem SNMP/syslog gateway in the foreground')
    .requiredOption('--config <file>', 'gateway YAML configuration')
    .action((opts: { config: string }) => runner(async () => (await import('./gateway.ts')).runGateway(opts.config)));
}

function defineTrap(program: Command, runner: CommandRunner): void {
  const trap = program.command('trap').description('SNMP trap utilities');
  trap
    .command('test')
    .description('send a test notification to every configured trap host')
    .requiredOption('--config <file>', 'gateway YAML configuration')
    .action((opts: { config: string }) => runner(async () => (await import('./trap.ts')).runTrapTest(opts.config)));
}

function defineDemo(program: Command, runner: CommandRunner): void {
  program
    .command('demo')
    .description('the whole job on one machine: example fleet, gateway, SNMP receiver, syslog (ends by itself)')
    .option('--now <iso>', 'evaluate as of this instant, e.g. 2026-11-24T12:00:00Z (default: the clock)')
    .option('--keep', 'keep the temporary directory and print its path')
    .option(
      '--report-dir <dir>',
      'where to leave the fleet report (default: a new certmonitor-report-* folder in the temp folder)',
    )
    .action((flags: { now?: string; keep?: boolean; reportDir?: string }) =>
      runner(async () => (await import('./demo.ts')).runDemo(flags, processIo())),
    );
}
