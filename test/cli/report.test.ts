/**
 * `certmonitor report`: the fleet report rebuilt from a state location alone. As of the run's instant it
 * says what the run's own report said; later, statuses and days move on; an unreadable record is named
 * and makes the exit status 1 without costing the others.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FleetStatus } from '../../core/fleetReport.ts';
import { makeDemoFleet } from '../../examples/demoFleet.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
const NOW = '2026-11-24T12:00:00Z';

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
}

async function readStatus(dir: string): Promise<FleetStatus> {
  return JSON.parse(await readFile(path.join(dir, 'fleet-status.json'), 'utf8')) as FleetStatus;
}

describe('certmonitor report', () => {
  let root: string;
  let state: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-cli-report-'));
    const fleet = path.join(root, 'fleet');
    await makeDemoFleet(fleet, new Date(NOW));
    state = path.join(root, 'state');
    const run = await cli(['check', '--source', `dir:${fleet}`, '--state', `dir:${state}`, '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("as of the run's instant, the rebuilt report is the run's own", async () => {
    const out = path.join(root, 'same');
    const run = await cli(['report', '--state', `dir:${state}`, '--out', out, '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      `Fleet report of 7 appliance(s) as of 2026-11-24T12:00:00.000Z: ${path.join(out, 'index.html')}\n`,
    );
    assert.deepEqual(await readStatus(out), await readStatus(path.join(state, '_report')));
    assert.equal(
      await readFile(path.join(out, 'index.html'), 'utf8'),
      await readFile(path.join(state, '_report', 'index.html'), 'utf8'),
    );
  });

  test('later, statuses and days remaining move on without a certificate being read', async () => {
    const later = '2026-12-10T12:00:00Z';
    const run = await cli(['report', '--state', `dir:${state}`, '--now', later]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`: ${path.join(state, '_report', 'index.html')}\\n$`));
    const report = await readStatus(path.join(state, '_report'));
    assert.equal(report.time, '2026-12-10T12:00:00.000Z');
    const fra02 = report.appliances.find((a) => a.appliance === 'hsm-fra-02');
    assert.equal(fra02?.status, 'expired', 'expiring on Dec 6, expired by Dec 10');
    assert.equal(fra02?.daysRemaining, -4, 'notAfter Dec 6 13:00, 3 days 23 hours before');
    assert.deepEqual(fra02?.lastNotification, null, 'no gateway: nothing was delivered');
    assert.equal(report.appliances.find((a) => a.appliance === 'hsm-ams-02')?.status, 'missing');
  });

  test('an unreadable record is named on stderr and exits 1; the others are still reported', async () => {
    await writeFile(path.join(state, 'hsm-lon-01.json'), '{"version": 1, "alertAc');
    const out = path.join(root, 'partial');
    const run = await cli(['report', '--state', `dir:${state}`, '--out', out, '--now', NOW]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^certmonitor: the state record of hsm-lon-01 could not be read: record is not JSON$/m);
    const report = await readStatus(out);
    assert.deepEqual(
      report.appliances.map((a) => a.appliance),
      ['hsm-ams-01', 'hsm-ams-02', 'hsm-fra-01', 'hsm-fra-02', 'hsm-lon-02', 'hsm-par-01'],
    );
  });

  test('a location that holds no state is an error naming it (exit 1), not a report of 0 appliances', async () => {
    const absent = path.join(root, 'nonexistent');
    const run = await cli(['report', '--state', `dir:${absent}`, '--now', NOW]);
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `certmonitor: no state at dir:${absent}: nothing to report\n`, 'named as given');
    // A mistyped location is not created by looking at it.
    await assert.rejects(stat(absent));
    // A location with a report and no record of an appliance holds no state either; nothing is written.
    const reportOnly = path.join(root, 'report-only');
    await mkdir(path.join(reportOnly, '_report'), { recursive: true });
    await writeFile(path.join(reportOnly, '_report', 'index.html'), '<!doctype html>\n');
    const out = path.join(root, 'report-only-out');
    const only = await cli(['report', '--state', `dir:${reportOnly}`, '--out', out, '--now', NOW]);
    assert.equal(only.code, 1);
    assert.equal(only.stderr, `certmonitor: no state at dir:${reportOnly}: nothing to report\n`);
    await assert.rejects(stat(out));
  });

  test('usage errors exit 2 and name the flag', async () => {
    const noState = await cli(['report']);
    assert.equal(noState.code, 2);
    assert.match(noState.stderr, /--state \(or CERTMONITOR_STATE\) is required/);
    const badDays = await cli(['report', '--state', `dir:${state}`, '--days', 'soon']);
    assert.equal(badDays.code, 2);
    assert.match(badDays.stderr, /--days must be a whole number/);
    const badState = await cli(['report', '--state', 'ftp://x']);
    assert.equal(badState.code, 2);
    assert.match(badState.stderr, /CERTMONITOR_STATE/);
  });
});
