/**
 * Certificate findings at the command line (docs/reference.md, Certificate findings): `inspect --json` and
 * `check --json` show them always; the textfile carries certmonitor_certificate_finding (promtool accepts
 * it); the report holds them; bad policy flags, variables and inventory keys are refused by name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type OpensslCertificates, opensslCertificates } from '../helpers/opensslCertificates.ts';
import { assertPromtoolAccepts } from '../helpers/promtool.ts';

const ROOT = join(import.meta.dirname, '../..');
let dir: string;
let certs: OpensslCertificates;

function cli(args: string[], env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CERTMONITOR_')) clean[k] = v;
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...clean, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-findings-cli-'));
  certs = opensslCertificates();
  const put = (appliance: string, pem: string) => {
    mkdirSync(join(dir, 'fleet', appliance), { recursive: true });
    writeFileSync(join(dir, 'fleet', appliance, 'server.pem'), pem);
  };
  put('hsm-weak', certs.make('weak', { key: 'rsa:1024', digest: '-sha1', days: 825 }));
  put('hsm-name', certs.make('named', { key: 'ec:P-256', san: 'DNS:hsm-other.example.com', days: 90 }));
  put('hsm-ok', certs.make('ok', { key: 'ec:P-256', days: 90 }));
  writeFileSync(
    join(dir, 'fleet', 'fleet.json'),
    JSON.stringify({ appliances: { 'hsm-name': { serverName: 'hsm-name.example.com' } } }),
  );
});
after(() => {
  certs.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('findings at the command line', () => {
  it('inspect --json lists them without a policy; the policy flags change them; the exit status stays', () => {
    const file = join(certs.dir, 'weak.pem');
    const plain = cli(['inspect', file, '--json']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(
      JSON.parse(plain.stdout).findings.map((f: { finding: string }) => f.finding),
      ['weak_key', 'weak_signature'],
    );
    const strict = cli(['inspect', file, '--json', '--max-validity-days', '398', '--weak-signatures', 'md5']);
    assert.equal(strict.status, 0);
    assert.deepEqual(JSON.parse(strict.stdout).findings, [
      { finding: 'weak_key', detail: 'RSA-1024 (policy minimum 2048 bits)' },
      { finding: 'validity_too_long', detail: '825 days (policy maximum 398)' },
    ]);
    // The plain report shows findings only with a policy: without one it is as it always was.
    assert.doesNotMatch(cli(['inspect', file]).stdout, /finding/);
    assert.match(cli(['inspect', file, '--min-rsa-bits', '2048']).stdout, /^finding: +weak_key: RSA-1024/m);
  });

  it('inspect: with a policy an intermediate that expires first decides the status and exit code', () => {
    certs.make('ca', { days: 3650, ca: true, key: 'ec:P-256' });
    certs.make('intermediate', { issuer: 'ca', days: 20, ca: true, key: 'ec:P-256' });
    const leaf = certs.make('leaf', { issuer: 'intermediate', days: 200, key: 'ec:P-256' });
    const file = join(dir, 'chain.pem');
    writeFileSync(
      file,
      [leaf, ...['intermediate', 'ca'].map((n) => readFileSync(join(certs.dir, `${n}.pem`)))].join(''),
    );
    const plain = cli(['inspect', file, '--json']);
    assert.equal(plain.status, 0, 'without a policy the leaf decides');
    assert.equal(JSON.parse(plain.stdout).subject, 'CN=leaf');
    assert.equal(JSON.parse(plain.stdout).findings[0].finding, 'chain_expires_first');
    const policed = cli(['inspect', file, '--json', '--min-ec-bits', '256']);
    assert.equal(policed.status, 1, policed.stderr);
    const out = JSON.parse(policed.stdout);
    assert.deepEqual([out.status, out.subject, out.daysRemaining], ['expiring', 'CN=intermediate', 19]);
  });

  it('refuses bad policy flags and variables by name, never clamping', () => {
    const file = join(certs.dir, 'weak.pem');
    for (const [flag, value] of [
      ['--min-rsa-bits', '0'],
      ['--min-rsa-bits', '-1024'],
      ['--min-ec-bits', 'many'],
      ['--max-validity-days', '0'],
      ['--weak-signatures', 'sha1,crc32'],
    ] as const) {
      const r = cli(['inspect', file, `${flag}=${value}`]);
      assert.equal(r.status, 3, `${flag} ${value}`);
      assert.match(r.stderr, new RegExp(`${flag} must`), r.stderr);
    }
    const base = ['check', '--source', `dir:${join(dir, 'fleet')}`, '--state', `dir:${join(dir, 'state-bad')}`];
    const flag = cli([...base, '--weak-signatures', 'sha1,crc32']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /--weak-signatures must list hashes/);
    const variable = cli(base, { CERTMONITOR_MIN_EC_BITS: '-256' });
    assert.equal(variable.status, 2);
    assert.match(variable.stderr, /CERTMONITOR_MIN_EC_BITS must be a whole number of bits from 1/);
    const replaced = cli(base, { CERTMONITOR_REPLACED: 'yes' });
    assert.equal(replaced.status, 2);
    assert.match(replaced.stderr, /CERTMONITOR_REPLACED must be true or false/);
  });

  it('check --json, the report and the textfile show them; no finding line without a policy', () => {
    const textfile = join(dir, 'certmonitor.prom');
    const state = join(dir, 'state');
    const run = cli([
      'check',
      '--source',
      `dir:${join(dir, 'fleet')}`,
      '--state',
      `dir:${state}`,
      '--json',
      '--metrics-textfile',
      textfile,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const outcomes = new Map(
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{"appliance"'))
        .map((l) => JSON.parse(l))
        .map((o) => [o.appliance, o]),
    );
    assert.deepEqual(
      outcomes.get('hsm-weak').findings.map((f: { finding: string }) => f.finding),
      ['weak_key', 'weak_signature'],
    );
    assert.deepEqual(outcomes.get('hsm-name').findings, [
      { finding: 'name_mismatch', detail: 'hsm-name.example.com is not among DNS:hsm-other.example.com, CN=named' },
    ]);
    assert.equal('findings' in outcomes.get('hsm-ok'), false);
    assert.doesNotMatch(run.stderr, /policy finding/);

    const text = readFileSync(textfile, 'utf8');
    assertPromtoolAccepts(text, 'the textfile with findings');
    assert.match(
      text,
      /^certmonitor_certificate_finding\{appliance="hsm-weak",certificate="ntls",finding="weak_signature"\} 1$/m,
    );
    assert.match(
      text,
      /^certmonitor_certificate_finding\{appliance="hsm-name",certificate="ntls",finding="name_mismatch"\} 1$/m,
    );
    assert.doesNotMatch(text, /appliance="hsm-ok",certificate="ntls",finding/);

    const status = JSON.parse(readFileSync(join(state, '_report', 'fleet-status.json'), 'utf8'));
    const entry = status.appliances.find((a: { appliance: string }) => a.appliance === 'hsm-weak');
    assert.equal(entry.findings.length, 2);
    assert.equal('findings' in status.appliances.find((a: { appliance: string }) => a.appliance === 'hsm-ok'), false);
    const page = readFileSync(join(state, '_report', 'index.html'), 'utf8');
    assert.match(page, /<th>Findings<\/th>/);
    assert.match(page, /<strong>2<\/strong>with findings/);
    assert.match(page, /title="RSA-1024 \(policy minimum 2048 bits\)">weak key</);
  });

  it('an inventory policy with a bad key is a problem naming it', () => {
    const fleet = join(dir, 'fleet-bad');
    mkdirSync(join(fleet, 'hsm-ok'), { recursive: true });
    writeFileSync(join(fleet, 'hsm-ok', 'server.pem'), readFileSync(join(certs.dir, 'ok.pem')));
    writeFileSync(
      join(fleet, 'fleet.json'),
      JSON.stringify({
        policy: { minRsaBits: -1, weakSignatures: ['sha1', 'crc32'] },
        appliances: { 'hsm-ok': { policy: { maxValidityDays: 'long' } } },
      }),
    );
    const run = cli(['check', '--source', `dir:${fleet}`, '--state', `dir:${join(dir, 'state-inv')}`]);
    const out = `${run.stdout}${run.stderr}`;
    assert.match(out, /policy\.minRsaBits: expected a whole number from 1 to 16384/);
    assert.match(out, /policy\.weakSignatures\.1: expected one of md2/);
    assert.match(out, /appliances\.hsm-ok\.policy\.maxValidityDays: expected a whole number from 1 to 36500/);
  });
});
