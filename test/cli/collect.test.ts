/**
 * `certmonitor collect`, the real CLI in a child process, against real peers: `openssl s_server`
 * appliances requiring a client certificate, peers that misbehave, and the three destinations (a
 * directory, s3rver behind a request-counting proxy, the SSM stand-in).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pemCertificates } from '../../core/pemCertificates.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type IssuedCertificate,
  type RunningAppliance,
  startOpensslAppliance,
} from '../helpers/ntlsAppliance.ts';
import {
  closedPort,
  type OddPeer,
  startChainPeer,
  startDripPeer,
  startHttpPeer,
  startSilentPeer,
} from '../helpers/oddPeers.ts';
import {
  type FaultProxy,
  S3RVER_CREDENTIALS,
  type S3rverHandle,
  startFaultProxy,
  startS3rver,
} from '../helpers/s3rver.ts';
import { type SsmStandIn, startSsmStandIn } from '../helpers/ssmStandIn.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
const TIMEOUT_MS = 1_500;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the built CLI with a clean CERTMONITOR_* environment. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

/** The `--json` objects of a run: per appliance by name, and the summary. */
function parsed(run: Run) {
  const objects = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = Object.fromEntries(
    objects.filter((o) => typeof o.appliance === 'string').map((o) => [o.appliance as string, o]),
  );
  const summary = objects.find((o) => 'summary' in o)?.summary as Record<string, number> | undefined;
  return { results, summary };
}

/**
 * `certmonitor check` on a collector's destination, with a gateway that refuses connections: a
 * notification that falls due (a `missing` appliance) cannot be delivered, so the exit status tells it.
 */
async function checkOn(source: string, dir: string, env: Record<string, string> = {}) {
  const secretFile = join(dir, 'gateway.secret');
  writeFileSync(secretFile, `${'ab'.repeat(32)}\n`);
  const state = `dir:${mkdtempSync(join(dir, 'state-'))}`;
  const gateway = `http://127.0.0.1:${await closedPort()}`;
  const args = ['--state', state, '--gateway', gateway, '--key-id', 'collector', '--secret-file', secretFile];
  const run = await cli(['check', '--source', source, ...args, '--json', '--no-progress'], env);
  const statuses = Object.fromEntries(
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"appliance"'))
      .map((l) => JSON.parse(l) as Record<string, string>)
      .map((o) => [o.appliance, o.status]),
  );
  return { run, statuses };
}

describe('certmonitor collect', () => {
  let dir: string;
  let certs: CertificateFactory;
  const appliances: RunningAppliance[] = [];
  const peers: OddPeer[] = [];
  let rsa: IssuedCertificate;
  let ed: IssuedCertificate;
  let inventory: string;
  let failing: string[];

  const fleet = () => join(dir, 'fleet');
  const stored = (name: string) => join(fleet(), name, 'server.pem');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-collect-'));
    certs = certificateFactory();
    rsa = certs.selfSigned('hsm-rsa', 'rsa');
    ed = certs.selfSigned('hsm-ed', 'ed25519');
    const rsaAppliance = await startOpensslAppliance({ certificate: rsa, tls: '1.2' });
    const edAppliance = await startOpensslAppliance({ certificate: ed, tls: '1.3' });
    // s_server serves one connection at a time: the dripping proxy gets an appliance of its own.
    const behindDrip = await startOpensslAppliance({ certificate: rsa });
    appliances.push(rsaAppliance, edAppliance, behindDrip);
    const extra = Array.from({ length: 17 }, (_, i) => certs.selfSigned(`x${i}`, 'p256').pem);
    const [http, silent, drip, chain] = await Promise.all([
      startHttpPeer(),
      startSilentPeer(),
      startDripPeer(behindDrip.port, 20),
      startChainPeer(rsa.pem, certs.readKey(rsa), extra),
    ]);
    peers.push(http, silent, drip, chain);
    const at = (port: number) => ({ address: '127.0.0.1', ntlsPort: port });
    const entries = {
      'hsm-rsa': at(rsaAppliance.port),
      'hsm-ed': at(edAppliance.port),
      'hsm-http': at(http.port),
      'hsm-silent': at(silent.port),
      'hsm-drip': at(drip.port),
      'hsm-chain': at(chain.port),
      'hsm-closed': at(await closedPort()),
      'hsm-unknown': { labels: { site: 'fra' } },
    };
    inventory = join(dir, 'fleet.json');
    writeFileSync(inventory, JSON.stringify({ appliances: entries }));
    failing = ['hsm-http', 'hsm-silent', 'hsm-drip', 'hsm-chain', 'hsm-closed'];
    // What an operator copied by hand before: a failed collection must leave it exactly as it is.
    for (const name of failing) {
      mkdirSync(join(fleet(), name), { recursive: true });
      writeFileSync(stored(name), `kept for ${name}\n`);
    }
  });

  after(async () => {
    for (const peer of peers) await peer.stop();
    for (const appliance of appliances) await appliance.stop();
    certs?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects what it can, leaves every stored certificate untouched on failure, and exits 1', async () => {
    const before = Object.fromEntries(failing.map((n) => [n, statSync(stored(n)).mtimeMs]));
    const run = await cli([
      'collect',
      '--inventory',
      inventory,
      '--to',
      `dir:${fleet()}`,
      '--timeout-ms',
      String(TIMEOUT_MS),
      '--json',
    ]);
    assert.equal(run.code, 1, run.stderr);
    const { results, summary } = parsed(run);
    assert.equal(results['hsm-rsa']?.result, 'changed');
    assert.equal(results['hsm-ed']?.result, 'changed');
    assert.deepEqual(pemCertificates(readFileSync(stored('hsm-rsa'))), [rsa.der]);
    assert.deepEqual(pemCertificates(readFileSync(stored('hsm-ed'))), [ed.der]);
    const reasons = Object.fromEntries(failing.map((n) => [n, results[n]?.reason]));
    assert.deepEqual(reasons, {
      'hsm-http': reasons['hsm-http'],
      'hsm-silent': 'no certificate before the deadline (timeout)',
      'hsm-drip': 'no certificate before the deadline (timeout)',
      'hsm-chain': 'the appliance sent more than 16 certificates',
      'hsm-closed': 'connection refused (ECONNREFUSED)',
    });
    assert.match(String(reasons['hsm-http']), /^not a TLS server \(ERR_SSL_[A-Z_]+\)$/);
    for (const name of failing) {
      assert.equal(results[name]?.result, 'failed');
      assert.equal(readFileSync(stored(name), 'utf8'), `kept for ${name}\n`, `${name} is untouched`);
      assert.equal(statSync(stored(name)).mtimeMs, before[name], `${name} was not rewritten`);
      assert.ok(Number(results[name]?.durationMs) < TIMEOUT_MS + 500, `${name} took ${results[name]?.durationMs} ms`);
    }
    assert.equal(results['hsm-unknown']?.result, 'skipped');
    assert.deepEqual(
      { ...summary, durationMs: 0 },
      {
        appliances: 8,
        collected: 2,
        changed: 2,
        unchanged: 0,
        failed: 5,
        skipped: 1,
        inventoryProblems: 0,
        dryRun: false,
        inventory: 'published',
        durationMs: 0,
      },
    );
    // One catalogue line per appliance, and one for the inventory, on stderr with --json.
    const lines = run.stderr.split('\n').filter((l) => / (info|warning|error) : 0 : /.test(l));
    assert.equal(lines.filter((l) => / hsm-[a-z]+ (info|warning|error) : 0 : /.test(l)).length, 8, run.stderr);
    assert.equal(lines.length, 9, run.stderr);
    assert.match(
      lines.at(-1) ?? '',
      / - info : 0 : NTLS certificate expiry monitor inventory has changed and was published to dir:\/\S+\/fleet$/,
    );
    assert.equal(readFileSync(join(fleet(), 'fleet.json'), 'utf8'), readFileSync(inventory, 'utf8'));
    assert.ok(
      lines.some((l) =>
        / hsm-silent error : 0 : Failed to collect NTLS certificate from 127\.0\.0\.1:\d+: no certificate before the deadline \(timeout\)$/.test(
          l,
        ),
      ),
    );
    assert.ok(
      lines.some((l) =>
        / hsm-unknown warning : 0 : Skipped collecting NTLS certificate: the inventory gives no address for it$/.test(
          l,
        ),
      ),
    );
  });

  it('a second run changes nothing and says so; the summary line counts each outcome', async () => {
    const mtime = statSync(stored('hsm-rsa')).mtimeMs;
    const run = await cli(['collect', '--to', `dir:${fleet()}`, '--timeout-ms', '800'], {
      CERTMONITOR_COLLECT_INVENTORY: inventory,
    });
    assert.equal(run.code, 1);
    assert.match(run.stdout, / hsm-rsa info : 0 : NTLS certificate collected from 127\.0\.0\.1:\d+ is unchanged\n/);
    assert.match(
      run.stdout,
      / - info : 0 : NTLS certificate expiry monitor inventory is unchanged at dir:\/\S+\/fleet\n/,
    );
    assert.match(
      run.stdout,
      /\n8 appliance\(s\): collected 2 \(changed 0, unchanged 2\), failed 5, skipped 1; \d+ ms\n$/,
    );
    assert.equal(statSync(stored('hsm-rsa')).mtimeMs, mtime);
  });

  it('exits 0 when every appliance with an address was collected; a dry run publishes nothing', async () => {
    const small = join(dir, 'small.json');
    const [rsaAppliance, edAppliance] = appliances;
    writeFileSync(
      small,
      JSON.stringify({
        appliances: {
          'hsm-rsa': { address: '127.0.0.1', ntlsPort: rsaAppliance!.port },
          'hsm-ed': { address: '127.0.0.1', ntlsPort: edAppliance!.port },
        },
      }),
    );
    const dry = await cli(['collect', '--inventory', small, '--to', `dir:${join(dir, 'dry')}`, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /has changed and was not published \(dry run\)/);
    assert.match(dry.stdout, /\(dry run: nothing was published\)\n$/);
    assert.throws(() => statSync(join(dir, 'dry', 'hsm-rsa')), /ENOENT/);
    assert.match(
      dry.stdout,
      / - info : 0 : NTLS certificate expiry monitor inventory has changed and was not published to dir:\/\S+\/dry \(dry run\)\n/,
    );
    assert.throws(() => statSync(join(dir, 'dry', 'fleet.json')), /ENOENT/);
    const real = await cli(['collect', '--inventory', small, '--to', `dir:${join(dir, 'dry')}`]);
    assert.equal(real.code, 0, real.stderr);
    assert.equal(readFileSync(join(dir, 'dry', 'fleet.json'), 'utf8'), readFileSync(small, 'utf8'));
  });

  it('a check on the destination sees every appliance of the inventory: one never collected is missing, one collected before keeps its certificate', async () => {
    const handoff = join(dir, 'handoff');
    const earlier = certs.selfSigned('hsm-earlier', 'p256');
    mkdirSync(join(handoff, 'hsm-earlier'), { recursive: true });
    writeFileSync(join(handoff, 'hsm-earlier', 'server.pem'), earlier.pem);
    const down = await closedPort();
    const file = join(dir, 'handoff.json');
    writeFileSync(
      file,
      JSON.stringify({
        appliances: {
          'hsm-up': { address: '127.0.0.1', ntlsPort: appliances[0]!.port },
          'hsm-down': { address: '127.0.0.1', ntlsPort: down },
          'hsm-earlier': { address: '127.0.0.1', ntlsPort: down },
        },
      }),
    );
    const collected = await cli(['collect', '--inventory', file, '--to', `dir:${handoff}`]);
    assert.equal(collected.code, 1, collected.stderr);
    assert.match(collected.stdout, /collected 1 \(changed 1, unchanged 0\), failed 2, skipped 0/);
    const { run, statuses } = await checkOn(`dir:${handoff}`, dir);
    assert.deepEqual(statuses, { 'hsm-down': 'missing', 'hsm-earlier': 'valid', 'hsm-up': 'valid' }, run.stderr);
    assert.match(run.stderr, / hsm-down warning : 0 : NTLS certificate is missing\n/);
    assert.equal(run.code, 1, 'the missing certificate is a notification due, and the gateway is down');
  });

  it('an inventory that is unusable as a whole is not published: the one at the destination is kept', async () => {
    const destination = join(dir, 'keeps');
    mkdirSync(destination, { recursive: true });
    const kept = '{"appliances": {"hsm-rsa": {}}}\n';
    writeFileSync(join(destination, 'fleet.json'), kept);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"appliances": {"hsm-rsa": ');
    const run = await cli(['collect', '--inventory', file, '--to', `dir:${destination}`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      / - error : 0 : Failed to publish NTLS certificate expiry monitor inventory to dir:\/\S+\/keeps: fleet\.json: not valid JSON at line 1, column \d+: value expected; the inventory stored there is kept\n/,
    );
    assert.equal(readFileSync(join(destination, 'fleet.json'), 'utf8'), kept);
  });

  it('completes the handshake with a registered client certificate', async () => {
    const clientCa = certs.ca('clientca');
    const client = certs.issued('collector', clientCa);
    const keyFile = certs.file('collector-key.pem', certs.readKey(client));
    const certificate = certs.selfSigned('hsm-registered', 'p256');
    const appliance = await startOpensslAppliance({ certificate, clientCaFile: clientCa.certFile });
    appliances.push(appliance);
    const file = join(dir, 'registered.json');
    writeFileSync(
      file,
      JSON.stringify({ appliances: { 'hsm-reg': { address: '127.0.0.1', ntlsPort: appliance.port } } }),
    );
    const run = await cli([
      'collect',
      '--inventory',
      file,
      '--to',
      `dir:${fleet()}`,
      '--client-cert',
      client.certFile,
      '--client-key',
      keyFile,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(pemCertificates(readFileSync(stored('hsm-reg'))), [certificate.der]);
    assert.match(appliance.output(), /depth=0 CN = collector\s+verify return:1/);
  });

  it('usage and configuration errors exit 2 with a message naming the setting', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['collect', '--inventory', inventory], {}, /^certmonitor: CERTMONITOR_COLLECT_TO \(--to\) is required\n$/],
      [['collect', '--to', 'dir:x'], {}, /CERTMONITOR_COLLECT_INVENTORY \(--inventory\) is required/],
      [
        ['collect', '--inventory', inventory, '--to', 'ftp://x'],
        {},
        /--to must be dir:PATH, s3:\/\/bucket\/prefix\/ or ssm:\/prefix\/, got 'ftp:\/\/x'/,
      ],
      [
        ['collect', '--inventory', inventory, '--to', 'dir:x', '--timeout-ms', '0'],
        {},
        /--timeout-ms must be a whole number of milliseconds from 100 to 120000, got '0'/,
      ],
      [
        ['collect', '--inventory', inventory, '--to', 'dir:x', '--client-cert', inventory],
        {},
        /--client-cert and --client-key go together/,
      ],
      [
        ['collect', '--inventory', inventory, '--to', 'dir:x', '--client-cert', inventory, '--client-key', inventory],
        {},
        /--client-cert\/--client-key: not a PEM certificate/,
      ],
      [
        ['collect', '--inventory', join(dir, 'none.json'), '--to', 'dir:x'],
        {},
        /CERTMONITOR_COLLECT_INVENTORY \(--inventory\): the inventory file was not found/,
      ],
      [
        ['collect', '--inventory', `dir:${dir}/empty`, '--to', 'dir:x'],
        {},
        /CERTMONITOR_COLLECT_INVENTORY \(--inventory\): directory not found/,
      ],
      [
        ['collect', '--to', 'dir:x'],
        { CERTMONITOR_COLLECT_INVENTORY: inventory, CERTMONITOR_COLLECT_TOO: 'x' },
        /unknown variable CERTMONITOR_COLLECT_TOO/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const run = await cli(args, env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it("fleet.json's problems are reported, its valid entries collected, and the run exits 1", async () => {
    const bad = join(dir, 'bad.json');
    const rsaPort = appliances[0]!.port;
    writeFileSync(
      bad,
      JSON.stringify({
        appliances: { hsm01: { ntlsPort: 99999 }, 'hsm-rsa': { address: '127.0.0.1', ntlsPort: rsaPort } },
      }),
    );
    const run = await cli(['collect', '--inventory', bad, '--to', `dir:${fleet()}`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      / - error : 0 : NTLS certificate expiry monitor inventory is not valid and is used in part: fleet\.json: appliances\.hsm01\.ntlsPort: expected a whole number from 1 to 65535\n/,
    );
    assert.match(run.stdout, / hsm-rsa info : 0 : NTLS certificate collected from 127\.0\.0\.1:\d+ is unchanged\n/);
    assert.match(
      run.stdout,
      /collected 1 \(changed 0, unchanged 1\), failed 0, skipped 1; fleet\.json has 1 problem\(s\); \d+ ms\n$/,
    );
  });

  it('an inventory where no appliance has an address collects nothing and exits 1', async () => {
    const file = join(dir, 'noaddress.json');
    writeFileSync(file, JSON.stringify({ appliances: { a: {}, b: {} } }));
    const run = await cli(['collect', '--inventory', file, '--to', `dir:${fleet()}`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      / - error : 0 : NTLS certificate collection failed: no appliance in the inventory has an address\n/,
    );
  });

  describe('into S3 and SSM', () => {
    let s3: S3rverHandle;
    let proxy: FaultProxy;
    let ssm: SsmStandIn;
    let small: string;

    before(async () => {
      s3 = await startS3rver(['fleet']);
      proxy = await startFaultProxy(s3.endpoint, () => undefined);
      ssm = await startSsmStandIn();
      small = join(dir, 'two.json');
      writeFileSync(
        small,
        JSON.stringify({
          appliances: {
            'hsm-rsa': { address: '127.0.0.1', ntlsPort: appliances[0]!.port },
            'hsm-ed': { address: '127.0.0.1', ntlsPort: appliances[1]!.port },
          },
        }),
      );
    });
    after(async () => {
      await proxy?.stop();
      await s3?.stop();
      await ssm?.stop();
    });

    const env = () => ({
      ...S3RVER_CREDENTIALS,
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_REGION: 'us-east-1',
    });

    it('S3: publishes each certificate once; a second run with no change sends no PUT', async () => {
      const first = await cli(['collect', '--inventory', small, '--to', 's3://fleet/certs/', '--json'], env());
      assert.equal(first.code, 0, first.stderr);
      const puts = () => proxy.seen.filter((r) => r.startsWith('PUT /fleet/certs/'));
      assert.deepEqual(
        puts()
          .map((r) => r.split('?')[0])
          .sort(),
        ['PUT /fleet/certs/fleet.json', 'PUT /fleet/certs/hsm-ed/server.pem', 'PUT /fleet/certs/hsm-rsa/server.pem'],
      );
      const second = await cli(['collect', '--inventory', small, '--to', 's3://fleet/certs/', '--json'], env());
      assert.equal(second.code, 0, second.stderr);
      assert.equal(parsed(second).summary?.unchanged, 2);
      assert.equal(parsed(second).summary?.inventory, 'unchanged');
      assert.equal(puts().length, 3, 'no PUT on the second run');
    });

    it('SSM: PutParameter only for a change', async () => {
      const first = await cli(['collect', '--inventory', small, '--to', 'ssm:/certmonitor/certs/'], env());
      assert.equal(first.code, 0, first.stderr);
      const puts = () => ssm.calls.filter((c) => c.startsWith('PutParameter'));
      assert.deepEqual(puts().sort(), [
        'PutParameter /certmonitor/certs/fleet.json',
        'PutParameter /certmonitor/certs/hsm-ed/server.pem',
        'PutParameter /certmonitor/certs/hsm-rsa/server.pem',
      ]);
      assert.equal(ssm.parameters.get('/certmonitor/certs/fleet.json'), readFileSync(small, 'utf8'));
      assert.deepEqual(
        pemCertificates(new TextEncoder().encode(ssm.parameters.get('/certmonitor/certs/hsm-rsa/server.pem'))),
        [rsa.der],
      );
      const second = await cli(['collect', '--inventory', small, '--to', 'ssm:/certmonitor/certs/'], env());
      assert.equal(second.code, 0);
      assert.equal(puts().length, 3, 'no PutParameter on the second run');
    });

    it('a check on the S3 destination sees the appliance that could not be collected as missing', async () => {
      const down = await closedPort();
      const file = join(dir, 's3-handoff.json');
      writeFileSync(
        file,
        JSON.stringify({
          appliances: {
            'hsm-up': { address: '127.0.0.1', ntlsPort: appliances[1]!.port },
            'hsm-down': { address: '127.0.0.1', ntlsPort: down },
          },
        }),
      );
      const collected = await cli(['collect', '--inventory', file, '--to', 's3://fleet/handoff/', '--json'], env());
      assert.equal(collected.code, 1, collected.stderr);
      const { run, statuses } = await checkOn('s3://fleet/handoff/', dir, env());
      assert.deepEqual(statuses, { 'hsm-down': 'missing', 'hsm-up': 'valid' }, run.stderr);
      assert.equal(run.code, 1, 'the missing certificate is a notification due, and the gateway is down');
      assert.equal(parsed(collected).summary?.inventory, 'published');
      // Collecting from that inventory into the same place publishes no copy of it onto itself.
      const before = proxy.seen.length;
      const again = await cli(
        ['collect', '--inventory', 's3://fleet/handoff', '--to', 's3://fleet/handoff/', '--json'],
        env(),
      );
      assert.equal(again.code, 1, again.stderr);
      assert.equal(parsed(again).summary?.inventory, undefined);
      assert.deepEqual(
        proxy.seen
          .slice(before)
          .filter((r) => r.includes('/fleet/handoff/fleet.json'))
          .map((r) => r.split(' ')[0]),
        ['GET'],
        'read once as the inventory, never written',
      );
    });

    it('reads the inventory from a fleet location, as the check does', async () => {
      writeFileSync(join(dir, 'two-copy.json'), readFileSync(small));
      mkdirSync(join(dir, 'loc'), { recursive: true });
      writeFileSync(join(dir, 'loc', 'fleet.json'), readFileSync(small));
      const run = await cli(['collect', '--inventory', `dir:${join(dir, 'loc')}`, '--to', 's3://fleet/certs/'], env());
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /collected 2 \(changed 0, unchanged 2\)/);
    });
  });
});
