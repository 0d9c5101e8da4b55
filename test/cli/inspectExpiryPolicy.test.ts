/** `inspect --percent P --critical N --critical-percent P` and its plugin line (docs/reference.md, Expiry policy). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pluginExitCode, pluginLine } from '../../cli/pluginLine.ts';
import { evaluate } from '../../core/evaluate.ts';
import { certificate, pem, time } from '../fixtures/certs/buildDer.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-inspect-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The worked example's 47-day certificate: 16 March 2029 to 2 May 2029. */
const DER = certificate({
  notBefore: time(new Date('2029-03-16T00:00:00Z')),
  notAfter: time(new Date('2029-05-02T00:00:00Z')),
});
const FILE = join(dir, 'short.pem');
writeFileSync(FILE, pem(DER));

function inspect(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'inspect', FILE, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const POLICY = ['--days', '5', '--percent', '33', '--critical-percent', '10'];

describe('certmonitor inspect with a percent and a critical level', () => {
  it('OK, WARNING within 33 % of the lifetime, CRITICAL within 10 %, with the lifetime left in line and perfdata', () => {
    const ok = inspect(...POLICY, '--plugin', '--now', '2029-04-16T11:45:35Z');
    assert.equal(ok.status, 0);
    assert.equal(
      ok.stdout,
      'CERTMONITOR OK - hsm01 certificate expires in 15 days (May  2 00:00:00 2029 GMT), 33 % of its lifetime left | days=15;5:;;; lifetime_left=33%;33:;10:;0;100\n',
    );
    const warning = inspect(...POLICY, '--plugin', '--now', '2029-04-16T11:45:36Z');
    assert.equal(warning.status, 1);
    assert.match(warning.stdout, /^CERTMONITOR WARNING - hsm01 certificate expires in 15 days /);
    // The worked example of docs/reference.md, Expiry policy.
    const critical = inspect(...POLICY, '--plugin', '--now', '2029-04-28T00:00:00Z');
    assert.equal(critical.status, 2);
    assert.equal(
      critical.stdout,
      'CERTMONITOR CRITICAL - hsm01 certificate expires in 4 days (May  2 00:00:00 2029 GMT), 8.5 % of its lifetime left | days=4;5:;;; lifetime_left=8.5%;33:;10:;0;100\n',
    );
    assert.equal(inspect(...POLICY, '--plugin', '--now', '2029-04-27T07:11:59Z').status, 1);
    assert.equal(inspect(...POLICY, '--plugin', '--now', '2029-04-27T07:12:00Z').status, 2);
  });

  it('--json carries the severity when a critical level is given, and only then', () => {
    const warning = JSON.parse(inspect(...POLICY, '--json', '--now', '2029-04-20T00:00:00Z').stdout);
    assert.equal(warning.status, 'expiring');
    assert.equal(warning.severity, 'warning');
    const critical = inspect(...POLICY, '--json', '--now', '2029-04-28T00:00:00Z');
    assert.equal(critical.status, 2);
    assert.equal(JSON.parse(critical.stdout).severity, 'critical');
    const plain = JSON.parse(
      inspect('--days', '5', '--percent', '33', '--json', '--now', '2029-04-20T00:00:00Z').stdout,
    );
    assert.equal(plain.status, 'expiring');
    assert.equal('severity' in plain, false);
  });

  it('the human report shows the severity only with a critical level', () => {
    assert.match(
      inspect(...POLICY, '--now', '2029-04-28T00:00:00Z').stdout,
      /^status: +expiring\nseverity: +critical\n/,
    );
    assert.doesNotMatch(inspect('--percent', '33', '--now', '2029-04-28T00:00:00Z').stdout, /severity/);
  });

  it('a percent flag alone: WARNING by the percent, no CRITICAL before expiry', () => {
    const result = inspect('--days', '5', '--percent', '33', '--plugin', '--now', '2029-04-30T00:00:00Z');
    assert.equal(result.status, 1);
    assert.match(result.stdout, /, 4.2 % of its lifetime left \| days=2;5:;;; lifetime_left=4.2%;33:;;0;100\n$/);
  });

  it('refuses bad percents and a critical percent above the percent, exit 3 naming the flag', () => {
    for (const [args, message] of [
      [['--percent', '0'], /--percent must be a percent .* got '0'/],
      [['--percent', '100'], /--percent must be a percent .* got '100'/],
      [['--critical-percent', 'x'], /--critical-percent must be a percent .* got 'x'/],
      [['--percent', '10', '--critical-percent', '20'], /--critical-percent \(20\) must not exceed --percent \(10\)/],
    ] as const) {
      const result = inspect(...args, '--plugin');
      assert.equal(result.status, 3, args.join(' '));
      assert.match(result.stdout + result.stderr, message);
    }
  });
});

describe('pluginExitCode and pluginLine with the levels', () => {
  it('CRITICAL for an evaluation found critical by the percent; unchanged lines without a percent flag', () => {
    const now = new Date('2029-04-28T00:00:00Z');
    const levels = { thresholdPercent: 33, critical: { percent: 10, repeatHours: 24 } };
    const e = evaluate({ kind: 'found', bytes: DER }, 5, now, levels);
    assert.equal(pluginExitCode(e, { warningDays: 5, warningPercent: 33, criticalPercent: 10 }), 2);
    const plain = evaluate({ kind: 'found', bytes: DER }, 5, now);
    assert.equal(pluginExitCode(plain, { warningDays: 5 }), 1);
    assert.equal(
      pluginLine(plain, { warningDays: 5 }, 'f'),
      'CERTMONITOR WARNING - hsm01 certificate expires in 4 days (May  2 00:00:00 2029 GMT) | days=4;5:;;;\n',
    );
  });
});
