import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../app/runSummary.ts';
import { verdictOf } from '../../app/verdict.ts';
import { exitStatusOf, formatSummary } from '../../cli/check.ts';
import type { FleetStatus } from '../../core/fleetReport.ts';
import { makeDemoFleet } from '../../examples/demoFleet.ts';
import type { Notification } from '../../protocol/notification.ts';
import { signatureMatches, signBody } from '../../protocol/signature.ts';
import { assertPromtoolAccepts, sampleValue } from '../helpers/promtool.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
const NOW = '2026-11-24T12:00:00Z';
const SECRET = 'correct horse battery staple';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in a child process with a clean CERTMONITOR_* environment. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A loopback stand-in for the gateway's HTTP side: checks the signature, answers per docs/design.md, Wire protocol. */
class StubGateway {
  readonly requests: Notification[][] = [];
  trapsOk = true;
  /** Answer every notification as one the gateway had already handled. */
  duplicates = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const ts = String(req.headers['x-certmonitor-timestamp'] ?? '');
        const sig = String(req.headers['x-certmonitor-signature'] ?? '');
        if (req.headers['x-certmonitor-key-id'] !== 'cli' || !signatureMatches(signBody(SECRET, ts, body), sig)) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"error":{"code":"signature","message":"bad signature"}}');
          return;
        }
        const { notifications } = JSON.parse(body.toString('utf8')) as { notifications: Notification[] };
        this.requests.push(notifications);
        const results = notifications.map((n) => ({
          id: n.id,
          duplicate: this.duplicates,
          traps: n.event === 'missing' || n.event === 'invalid' ? [] : [{ host: '127.0.0.1:16200', ok: this.trapsOk }],
          syslog: 'ok',
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('check summary and exit status with trap hosts that fail', () => {
  const base: RunSummary = {
    appliances: 2,
    byStatus: { valid: 1, expiring: 1, expired: 0, not_yet_valid: 0, invalid: 0, missing: 0, unavailable: 0 },
    notifications: { sent: 1, failed: 0 },
    trapHosts: { partial: 0, retried: 0, owed: 0, failing: 0 },
    errors: 0,
    stopped: false,
    inventoryProblems: 0,
    durationMs: 7,
  };

  test('some hosts acknowledged: exit 0; a host failing for H or more: exit 1; the summary line says which', () => {
    const partial = { ...base, trapHosts: { partial: 1, retried: 1, owed: 2, failing: 0 } };
    assert.equal(exitStatusOf(verdictOf(partial)), 0);
    assert.match(
      formatSummary(partial),
      /notifications sent 1, failed 0; 1 sent to some trap hosts only \(owed to the others\), 1 owed delivery\(ies\) completed, 2 owed delivery\(ies\) still missing a trap host; 7 ms$/,
    );
    const failing = { ...base, trapHosts: { partial: 0, retried: 0, owed: 1, failing: 1 } };
    assert.equal(exitStatusOf(verdictOf(failing)), 1);
    assert.match(formatSummary(failing), /1 trap host\(s\) failing for H hours or more/);
    assert.doesNotMatch(formatSummary(base), /trap host/);
  });
});

describe('certmonitor check', () => {
  let root: string;
  let fleet: string;
  let secretFile: string;
  const gateway = new StubGateway();

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-cli-check-'));
    fleet = path.join(root, 'fleet');
    await makeDemoFleet(fleet, new Date(NOW));
    secretFile = path.join(root, 'gateway.secret');
    await writeFile(secretFile, `${SECRET}\n`);
    await gateway.start();
  });
  after(async () => {
    await gateway.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('without a gateway: catalogue lines and a summary, exit 0, and a replay prints the same', async () => {
    const state = `dir:${path.join(root, 'state-plain')}`;
    const first = await cli(['check', '--source', `dir:${fleet}`, '--state', state, '--now', NOW]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^2026-11-24T12:00:00Z - info : 0 : NTLS certificate expiry monitor started$/m);
    assert.match(first.stdout, /^2026-11-24T12:00:00Z hsm-ams-02 warning : 0 : NTLS certificate is missing$/m);
    assert.match(
      first.stdout,
      /^2026-11-24T12:00:00Z hsm-ams-01 error : 0 : NTLS certificate has expired on Nov 21 13:00:00 2026 GMT$/m,
    );
    assert.match(
      first.stdout,
      /^2026-11-24T12:00:00Z hsm-fra-02 info : 0 : NTLS certificate will be expire on Dec {2}6 13:00:00 2026 GMT$/m,
    );
    assert.match(
      first.stdout,
      /^7 appliance\(s\): valid 2, expiring 2, expired 1, not_yet_valid 0, invalid 1, missing 1, unavailable 0; notifications sent 0, failed 0; 5 notification\(s\) due, not forwarded \(no gateway configured\); \d+ ms$/m,
    );
    const second = await cli(['check', '--source', `dir:${fleet}`, '--state', state, '--now', NOW]);
    const withoutTiming = (s: string) =>
      s
        .replace(/; \d+ ms$/m, '')
        .split('\n')
        .sort();
    assert.deepEqual(withoutTiming(second.stdout), withoutTiming(first.stdout));
  });

  test('--json: one object per appliance on stdout, the summary last, log lines on stderr', async () => {
    const run = await cli([
      'check',
      '--source',
      `dir:${fleet}`,
      '--state',
      `dir:${path.join(root, 'state-json')}`,
      '--now',
      NOW,
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const objects = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = objects.pop();
    assert.deepEqual(Object.keys(summary ?? {}), ['summary']);
    const byName = new Map(objects.map((o) => [o.appliance, o]));
    assert.deepEqual([...byName.keys()].sort(), [
      'hsm-ams-01',
      'hsm-ams-02',
      'hsm-fra-01',
      'hsm-fra-02',
      'hsm-lon-01',
      'hsm-lon-02',
      'hsm-par-01',
    ]);
    const expiring = byName.get('hsm-fra-02');
    assert.equal(expiring?.status, 'expiring');
    assert.equal(expiring?.daysRemaining, 12);
    assert.equal(expiring?.action, 'trap-skipped');
    assert.equal(expiring?.message, 'NTLS certificate will be expire on Dec  6 13:00:00 2026 GMT');
    for (const field of [
      'notBefore',
      'notAfter',
      'secondsRemaining',
      'fingerprintSha256',
      'subject',
      'issuer',
      'serialNumber',
      'keyType',
    ]) {
      assert.ok(field in (expiring ?? {}), `${field} present`);
    }
    assert.equal(byName.get('hsm-lon-02')?.status, 'expiring', 'per-appliance threshold from fleet.json');
    assert.equal(typeof byName.get('hsm-lon-01')?.error, 'string');
    assert.equal(byName.get('hsm-ams-02')?.status, 'missing');
    assert.match(run.stderr, /hsm-ams-02 warning : 0 : NTLS certificate is missing/);
  });

  /** `certmonitor check` over the example fleet through the stand-in gateway, as of `now`. */
  const gatewayArgs = (state: string, now: string) => [
    'check',
    '--source',
    `dir:${fleet}`,
    '--state',
    `dir:${state}`,
    '--gateway',
    gateway.url,
    '--key-id',
    'cli',
    '--secret-file',
    secretFile,
    '--now',
    now,
  ];

  test('with a gateway: traps delivered (exit 0), not repeated an hour later, repeated after H', async () => {
    const state = path.join(root, 'state-gw');
    const args = (now: string) => gatewayArgs(state, now);
    gateway.requests.length = 0;
    const first = await cli(args(NOW));
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const sent = gateway.requests.flat();
    assert.deepEqual(sent.map((n) => `${n.appliance}:${n.event}`).sort(), [
      'hsm-ams-01:expired',
      'hsm-ams-02:missing',
      'hsm-fra-02:expiring',
      'hsm-lon-01:invalid',
      'hsm-lon-02:expiring',
    ]);
    assert.equal(sent.find((n) => n.appliance === 'hsm-fra-02')?.address, '10.10.0.12');
    assert.match(
      first.stdout,
      /hsm-fra-02 info : 0 : NTLS certificate expiry SNMP trap sent to trap host 127\.0\.0\.1:16200/,
    );
    assert.match(first.stdout, /notifications sent 5, failed 0/);
    const record = JSON.parse(await readFile(path.join(state, 'hsm-fra-02.json'), 'utf8'));
    assert.equal(record.alertActive, true);
    assert.equal(record.lastAlertAt, '2026-11-24T12:00:00.000Z');

    const later = await cli(args('2026-11-24T13:00:00Z'));
    assert.equal(later.code, 0);
    assert.equal(gateway.requests.length, 1, 'nothing due an hour later');
    // hsm-lon-02 repeats every 12 hours (fleet.json); everything else after 24.
    const half = await cli(args('2026-11-25T00:00:00Z'));
    assert.equal(half.code, 0);
    assert.deepEqual(
      gateway.requests
        .slice(1)
        .flat()
        .map((n) => n.appliance),
      ['hsm-lon-02'],
    );
  });

  test('traps that fail exit 1 and are retried with the same id on the next run', async () => {
    const state = path.join(root, 'state-fail');
    const args = (now: string) => gatewayArgs(state, now);
    gateway.requests.length = 0;
    gateway.trapsOk = false;
    const failed = await cli(args(NOW));
    gateway.trapsOk = true;
    assert.equal(failed.code, 1);
    assert.match(
      failed.stdout,
      /hsm-fra-02 error : 0 : Failed to send NTLS certificate expiry SNMP trap to trap host 127\.0\.0\.1:16200/,
    );
    const ids = (gateway.requests[0] ?? [])
      .filter((n) => n.event === 'expiring')
      .map((n) => n.id)
      .sort();
    const retry = await cli(args('2026-11-24T14:00:00Z'));
    assert.equal(retry.code, 0);
    assert.deepEqual(
      (gateway.requests[1] ?? [])
        .filter((n) => n.event === 'expiring')
        .map((n) => n.id)
        .sort(),
      ids,
    );
  });

  test('an unreachable gateway: gatewayFailed line and exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await cli(['check', '--now', NOW], {
      CERTMONITOR_SOURCE: `dir:${fleet}`,
      CERTMONITOR_STATE: `dir:${path.join(root, 'state-down')}`,
      CERTMONITOR_GATEWAY_URL: `http://127.0.0.1:${port}`,
      CERTMONITOR_GATEWAY_KEY_ID: 'cli',
      CERTMONITOR_GATEWAY_SECRET_FILE: secretFile,
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /- error : 0 : Failed to deliver NTLS certificate expiry notification to SNMP gateway http:\/\/127\.0\.0\.1:\d+: /,
    );
    assert.match(run.stdout, /notifications sent 0, failed 5/);
  });

  test('a standby gateway: the primary is unreachable, the standby delivers, exit 0; the summary names it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const primary = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const env = {
      CERTMONITOR_SOURCE: `dir:${fleet}`,
      CERTMONITOR_STATE: `dir:${path.join(root, 'state-standby')}`,
      CERTMONITOR_GATEWAY_URL: `${primary}, ${gateway.url}`,
      CERTMONITOR_GATEWAY_KEY_ID: 'cli',
      CERTMONITOR_GATEWAY_SECRET_FILE: secretFile,
    };
    const run = await cli(['check', '--now', NOW], env);
    assert.equal(run.code, 0, run.stderr);
    const failover = run.stdout.split('\n').filter((l) => l.includes('Failed over'));
    assert.equal(failover.length, 1);
    const line = failover[0] ?? '';
    assert.ok(
      line.endsWith(
        `- warning : 0 : Failed over 5 NTLS certificate expiry notification(s) from SNMP gateway ${primary} to SNMP gateway ${gateway.url}: gateway unreachable (ECONNREFUSED)`,
      ),
      line,
    );
    assert.match(
      run.stdout,
      new RegExp(
        `notifications sent 5, failed 0; delivered by gateway ${gateway.url.replace(/\./g, '\\.')} \\(5\\); 1 gateway failover\\(s\\); \\d+ ms$`,
        'm',
      ),
    );
    const json = await cli(
      ['check', '--now', NOW, '--json', '--state', `dir:${path.join(root, 'state-standby-json')}`],
      env,
    );
    const summary = JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '{}').summary;
    assert.deepEqual(summary.deliveredBy, { [gateway.url]: 5 });
    assert.equal(summary.failovers, 1);
  });

  test('configuration and usage errors exit 2 and name the flag or variable and the value', async () => {
    const ok = ['--source', `dir:${fleet}`, '--state', `dir:${path.join(root, 'state-bad')}`];
    // Each kind once through the real process; every rule of the parser is unit-tested in test/app/checkConfig.test.ts.
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['check', ...ok, '--days', 'abc'], {}, /--days must be a whole number of days from 0 to 36500, got 'abc'/],
      [['check', ...ok], { CERTMONITOR_REPEAT_HOURS: '1.5' }, /CERTMONITOR_REPEAT_HOURS must be a whole number/],
      [['check', ...ok, '--now', 'tomorrow'], {}, /--now must be an ISO 8601 instant.*'tomorrow'/],
      [['check', ...ok], { CERTMONITOR_TRESHOLD_DAYS: '3' }, /unknown variable CERTMONITOR_TRESHOLD_DAYS/],
      [
        ['check', '--source', `dir:${path.join(root, 'nowhere')}`, '--state', 'dir:x'],
        {},
        /CERTMONITOR_SOURCE \(--source\): directory not found/,
      ],
      [
        [
          'check',
          ...ok,
          '--gateway',
          'http://127.0.0.1:1',
          '--key-id',
          'cli',
          '--secret-file',
          path.join(root, 'none'),
        ],
        {},
        /--secret-file\): the file cannot be read \(ENOENT\)/,
      ],
      [['check', ...ok, '--bogus'], {}, /unknown option '--bogus'/],
    ];
    for (const [args, env, message] of cases) {
      const run = await cli(args, env);
      assert.equal(run.code, 2, `${args.join(' ')} → ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  test('a fleet.json with a bad entry: the run goes on with the rest, says so, and exits 1', async () => {
    const bad = path.join(root, 'fleet-bad');
    await makeDemoFleet(bad, new Date(NOW));
    const inventory = JSON.parse(await readFile(path.join(bad, 'fleet.json'), 'utf8'));
    inventory.appliances['hsm-fra-01'].treshold = 5;
    inventory.appliances['hsm-fra-02'].address = '10.10.0.300';
    await writeFile(path.join(bad, 'fleet.json'), JSON.stringify(inventory, null, 2));
    const run = await cli([
      'check',
      '--source',
      `dir:${bad}`,
      '--state',
      `dir:${path.join(root, 'state-inv')}`,
      '--now',
      NOW,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /- error : 0 : NTLS certificate expiry monitor inventory is not valid and is used in part: fleet\.json: appliances\.hsm-fra-01: unknown key\(s\) treshold$/m,
    );
    assert.match(run.stdout, /appliances\.hsm-fra-02\.address: expected an IPv4 or IPv6 address$/m);
    // Every certificate is still evaluated: the listing and the entries that are right.
    assert.match(
      run.stdout,
      /^7 appliance\(s\): valid 2, expiring 2, expired 1, .*missing 1.*; fleet\.json has 2 problem\(s\); \d+ ms$/m,
    );
    assert.match(run.stdout, /hsm-fra-02 info : 0 : NTLS certificate will be expire on/);
    // Logged once per H: an hour later the run still exits 1 but does not repeat the lines.
    const later = await cli([
      'check',
      '--source',
      `dir:${bad}`,
      '--state',
      `dir:${path.join(root, 'state-inv')}`,
      '--now',
      '2026-11-24T13:00:00Z',
    ]);
    assert.equal(later.code, 1);
    assert.doesNotMatch(later.stdout, /inventory is not valid/);
    assert.match(later.stdout, /fleet\.json has 2 problem\(s\)/);
  });

  test('a fleet.json that is not JSON: the listing is checked, the problem names line and column', async () => {
    const broken = path.join(root, 'fleet-broken');
    await makeDemoFleet(broken, new Date(NOW));
    await writeFile(
      path.join(broken, 'fleet.json'),
      '{\n  "appliances": {\n    "hsm-fra-01": {"address": "10.10.0.11"},\n  }\n}\n',
    );
    const run = await cli([
      'check',
      '--source',
      `dir:${broken}`,
      '--state',
      `dir:${path.join(root, 'state-broken')}`,
      '--now',
      NOW,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /inventory is not valid and is used in part: fleet\.json: not valid JSON at line 4, column 3: property name expected$/m,
    );
    // The inventory-only appliance is unknown now; the six listed ones are checked.
    assert.match(run.stdout, /^6 appliance\(s\): /m);
  });

  test('certificates that do not fit the layout are named in one warning', async () => {
    const odd = path.join(root, 'fleet-odd');
    await makeDemoFleet(odd, new Date(NOW));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(odd, 'hsm-new'));
    await writeFile(path.join(odd, 'hsm-new', 'server.crt'), 'x');
    await mkdir(path.join(odd, 'hsm new 2'));
    await writeFile(path.join(odd, 'hsm new 2', 'server.pem'), 'x');
    const run = await cli([
      'check',
      '--source',
      `dir:${odd}`,
      '--state',
      `dir:${path.join(root, 'state-odd')}`,
      '--now',
      NOW,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stdout.split('\n').filter((line) => line.includes('do not fit the fleet layout'));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /^2026-11-24T12:00:00Z - warning : 0 : Skipped 2 certificate file\(s\) that do not fit the fleet layout APPLIANCE\/server\.pem: /,
    );
    assert.match(warnings[0] ?? '', /hsm-new\/server\.crt/);
    assert.match(warnings[0] ?? '', /hsm new 2\/server\.pem/);
  });

  test('--dry-run: says what is due, forwards nothing, writes no state; a real run afterwards still alerts', async () => {
    const state = path.join(root, 'state-whatif');
    gateway.requests.length = 0;
    const ahead = '2026-11-27T12:00:00Z';
    const whatIf = await cli([...gatewayArgs(state, ahead), '--dry-run', '--json']);
    assert.equal(whatIf.code, 0, whatIf.stderr);
    assert.equal(gateway.requests.length, 0, 'nothing forwarded');
    const { access } = await import('node:fs/promises');
    await assert.rejects(access(state), 'not even the state directory is created');
    const objects = whatIf.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = objects.pop()?.summary as Record<string, unknown>;
    assert.equal(summary.wouldSend, 5);
    const expiring = objects.find((o) => o.appliance === 'hsm-fra-02');
    assert.equal(expiring?.action, 'trap-dry-run');
    const due = (expiring?.notifications ?? []) as { id: string }[];
    assert.match(String(due[0]?.id), /^hsm-fra-02:[0-9A-F]{8}:expiring:/);
    assert.match(
      whatIf.stderr,
      /hsm-fra-02 info : 0 : NTLS certificate expiry expiring notification is due and was not sent \(dry run\): hsm-fra-02:/,
    );

    const real = await cli(gatewayArgs(state, NOW));
    assert.equal(real.code, 0, real.stderr);
    assert.equal(gateway.requests.flat().length, 5, 'the what-if run left no trace in the state');
  });

  test('--dry-run refuses --metrics-textfile (a what-if run writes nothing); an empty textfile name is refused', async () => {
    const state = path.join(root, 'state-whatif-metrics');
    const textfile = path.join(root, 'whatif.prom');
    const run = await cli([...gatewayArgs(state, NOW), '--dry-run', '--metrics-textfile', textfile]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^certmonitor: --metrics-textfile cannot be used with --dry-run: a what-if run writes nothing$/m,
    );
    const { access } = await import('node:fs/promises');
    await assert.rejects(access(textfile), 'no textfile');
    await assert.rejects(access(state), 'no state directory');
    const empty = await cli([...gatewayArgs(state, NOW), '--metrics-textfile', ' ']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^certmonitor: --metrics-textfile needs a file name$/m);
  });

  test('a duplicate answer is told as a duplicate, never as a trap sent by this run', async () => {
    gateway.requests.length = 0;
    gateway.duplicates = true;
    try {
      const run = await cli(gatewayArgs(path.join(root, 'state-dup'), NOW));
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /trap sent to trap host/);
      assert.match(
        run.stdout,
        /hsm-fra-02 info : 0 : Duplicate NTLS certificate expiry notification: the SNMP gateway reports the trap to trap host 127\.0\.0\.1:16200 as sent$/m,
      );
    } finally {
      gateway.duplicates = false;
    }
  });

  test('variables: the Lambda-only ones are accepted with a note; a foreign CERTMONITOR_ one is refused with the rule', async () => {
    const ok = ['check', '--source', `dir:${fleet}`, '--state', `dir:${path.join(root, 'state-vars')}`, '--now', NOW];
    const lambda = await cli(ok, {
      CERTMONITOR_SHARD_SIZE: '2000',
      CERTMONITOR_SHARD_QUEUE: 'certmonitor-dev-check-shards',
    });
    assert.equal(lambda.code, 0, lambda.stderr);
    assert.match(
      lambda.stderr,
      /^certmonitor: note: CERTMONITOR_SHARD_SIZE, CERTMONITOR_SHARD_QUEUE are read by the Lambda only; check runs the whole fleet in this process$/m,
    );
    const foreign = await cli(ok, { CERTMONITOR_COMMUNITY: 'public' });
    assert.equal(foreign.code, 2);
    assert.match(
      foreign.stderr,
      /unknown variable CERTMONITOR_COMMUNITY .*give a variable you name yourself \(such as a gateway's communityEnv or authKeyEnv\) another prefix/,
    );
  });

  test('a certificate that cannot be read is unmonitored, so the run exits 1 and the summary counts it', async () => {
    const unreadable = path.join(root, 'fleet-unreadable');
    await makeDemoFleet(unreadable, new Date(NOW));
    const pem = path.join(unreadable, 'hsm-fra-01', 'server.pem');
    await rm(pem);
    const { symlink } = await import('node:fs/promises');
    await symlink('server.pem', pem); // a loop: reading fails with ELOOP, so the source answers "unavailable"
    const run = await cli(['check', '--source', `dir:${unreadable}`, '--state', `dir:${path.join(root, 'state-unr')}`]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(
      run.stdout,
      /hsm-fra-01 error : 0 : NTLS certificate could not be read: file could not be read \(ELOOP\)$/m,
    );
    assert.match(
      run.stdout,
      /unavailable 1; notifications sent 0, failed 0; \d+ notification\(s\) due, not forwarded \(no gateway configured\); \d+ ms$/m,
    );
  });

  test('a source that holds nothing is a failed run (exit 1) naming it, unless the fleet is empty on purpose', async () => {
    const empty = path.join(root, 'fleet-empty');
    await mkdir(empty);
    const stateDir = path.join(root, 'state-empty');
    const run = await cli(['check', '--source', `dir:${empty}`, '--state', `dir:${stateDir}`, '--now', NOW]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^0 appliance\(s\): valid 0, .*; notifications sent 0, failed 0; \d+ ms$/m);
    assert.match(
      run.stderr,
      /^certmonitor: no appliance was evaluated: dir:\/\S+\/fleet-empty holds no certificate and no inventory entry; if the fleet is empty on purpose, say so with --allow-empty \(CERTMONITOR_ALLOW_EMPTY=true\)$/m,
    );
    // No report: an empty page would replace the one that last showed the fleet.
    await assert.rejects(readdir(path.join(stateDir, '_report')));
    const json = await cli(['check', '--source', `dir:${empty}`, '--state', `dir:${stateDir}`, '--json', '--now', NOW]);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout.trim()).summary.appliances, 0);
    const meant = await cli(['check', '--source', `dir:${empty}`, '--state', `dir:${stateDir}`, '--allow-empty']);
    assert.equal(meant.code, 0, meant.stderr);
    const byVariable = await cli(['check', '--source', `dir:${empty}`, '--state', `dir:${stateDir}`], {
      CERTMONITOR_ALLOW_EMPTY: 'true',
    });
    assert.equal(byVariable.code, 0, byVariable.stderr);
    const refused = await cli(['check', '--source', `dir:${empty}`, '--state', `dir:${stateDir}`], {
      CERTMONITOR_ALLOW_EMPTY: '1',
    });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CERTMONITOR_ALLOW_EMPTY must be true or false, got '1'/);
  });

  test('an inventory whose appliances have no certificate is no empty run: they are missing', async () => {
    const inventoryOnly = path.join(root, 'fleet-inventory-only');
    await mkdir(inventoryOnly);
    await writeFile(path.join(inventoryOnly, 'fleet.json'), JSON.stringify({ appliances: { hsm01: {} } }));
    const run = await cli([
      'check',
      '--source',
      `dir:${inventoryOnly}`,
      '--state',
      `dir:${path.join(root, 'state-io')}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^1 appliance\(s\): .*missing 1, /m);
  });

  test('without a gateway, the JSON summary counts the notifications due and not forwarded', async () => {
    const state = `dir:${path.join(root, 'state-not-forwarded')}`;
    const run = await cli(['check', '--source', `dir:${fleet}`, '--state', state, '--json', '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}').summary;
    assert.equal(summary.notForwarded, 5);
    assert.deepEqual(summary.notifications, { sent: 0, failed: 0 });
  });

  test('an inventory that cannot be read is a failed run (exit 1), not a configuration error', async () => {
    const { symlink } = await import('node:fs/promises');
    const loop = path.join(root, 'fleet-loop');
    await makeDemoFleet(loop, new Date(NOW));
    await rm(path.join(loop, 'fleet.json'));
    await symlink('fleet.json', path.join(loop, 'fleet.json'));
    const run = await cli(['check', '--source', `dir:${loop}`, '--state', `dir:${path.join(root, 'state-loop')}`]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /- error : 0 : NTLS certificate check failed: fleet\.json could not be read \(ELOOP\)$/m);
  });

  test('leaves the fleet report at the state location and, with --metrics-textfile, metrics for node_exporter', async () => {
    const stateDir = path.join(root, 'state-outputs');
    const metricsDir = path.join(root, 'textfile');
    await mkdir(metricsDir, { recursive: true });
    const textfile = path.join(metricsDir, 'certmonitor.prom');
    const run = await cli([
      'check',
      '--source',
      `dir:${fleet}`,
      '--state',
      `dir:${stateDir}`,
      '--now',
      NOW,
      '--json',
      '--metrics-textfile',
      textfile,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const outcomes = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((o) => !('summary' in o));
    const report = JSON.parse(
      await readFile(path.join(stateDir, '_report', 'fleet-status.json'), 'utf8'),
    ) as FleetStatus;
    assert.equal(report.time, '2026-11-24T12:00:00.000Z');
    assert.deepEqual(
      report.appliances.map((a) => [a.appliance, a.status, a.notAfter, a.daysRemaining]),
      outcomes
        .map((o) => [o.appliance, o.status, o.notAfter ?? null, o.daysRemaining ?? null])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    assert.ok((await readFile(path.join(stateDir, '_report', 'index.html'), 'utf8')).startsWith('<!doctype html>'));

    const text = await readFile(textfile, 'utf8');
    assertPromtoolAccepts(text, 'the textfile');
    assert.deepEqual(await readdir(metricsDir), ['certmonitor.prom'], 'no temporary file left behind');
    const fra02 = outcomes.find((o) => o.appliance === 'hsm-fra-02')!;
    const labels = `{appliance="hsm-fra-02",subject_CN="hsm-fra-02",serial_number="${BigInt(`0x${fra02.serialNumber}`)}"}`;
    assert.equal(sampleValue(text, `x509_cert_not_after${labels}`), Date.parse(String(fra02.notAfter)) / 1000);
    assert.equal(sampleValue(text, `x509_cert_not_before${labels}`), Date.parse(String(fra02.notBefore)) / 1000);
    assert.equal(sampleValue(text, `x509_cert_expired${labels}`), 0);
    assert.match(text, /^x509_cert_expired\{appliance="hsm-ams-01",[^}]*\} 1$/m);
    assert.equal(sampleValue(text, 'certmonitor_appliances{status="missing"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_appliances{status="expiring"}'), 2);
    assert.equal(sampleValue(text, 'x509_read_errors'), 1);
    assert.equal(sampleValue(text, 'certmonitor_last_run_timestamp_seconds'), Date.parse(NOW) / 1000);
    assert.doesNotMatch(text, /hsm-ams-02|hsm-lon-01/, 'no x509 series without a certificate');
  });

  test('a report or textfile that cannot be written is reported and makes the exit status 1', async () => {
    const stateDir = path.join(root, 'state-blocked');
    await mkdir(stateDir, { recursive: true });
    await writeFile(path.join(stateDir, '_report'), 'a file where the folder should be');
    const run = await cli([
      'check',
      '--source',
      `dir:${fleet}`,
      '--state',
      `dir:${stateDir}`,
      '--now',
      NOW,
      '--metrics-textfile',
      path.join(root, 'no-such-folder', 'certmonitor.prom'),
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^certmonitor: dir:\/\S+\/state-blocked\/_report\/fleet-status\.json could not be written: report file could not be written \((ENOTDIR|EEXIST)\)$/m,
    );
    const missing = path.join(root, 'no-such-folder', 'certmonitor.prom');
    assert.ok(
      run.stderr.includes(`certmonitor: the metrics textfile ${missing} could not be written (ENOENT)\n`),
      'the error names the file it could not write',
    );
    assert.match(run.stdout, /^7 appliance\(s\):/m, 'the run itself completed');
  });
});
