import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));

/** The lines of one numbered step of the demo's output (from its header to the next one). */
function step(stdout: string, n: number): string {
  const start = stdout.search(new RegExp(`^${n}\\. `, 'm'));
  assert.ok(start >= 0, `step ${n} is shown`);
  const next = stdout.slice(start + 1).search(/^\d\. /m);
  return next < 0 ? stdout.slice(start) : stdout.slice(start, start + 1 + next);
}

/** The lines listed under a sub-header within a step. */
function section(text: string, header: RegExp): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => header.test(l));
  assert.ok(at >= 0, `section ${header} is shown`);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('    ')) break;
    out.push(l.trim());
  }
  return out;
}

test('certmonitor demo: gateway, SNMP receiver and syslog in-process; alerts, quiet repeat, renewal clears; ends by itself', async () => {
  const before = new Set((await readdir(os.tmpdir())).filter((n) => n.startsWith('certmonitor-demo-')));
  const reportDir = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-demo-report-test-'));
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // The timeout is a safety net only: the demo must end by itself (it closes every socket it opened).
    execFile(
      process.execPath,
      [BIN, 'demo', '--now', '2026-11-24T12:00:00Z', '--report-dir', reportDir],
      { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? 99) : 0, stdout: out, stderr: err });
      },
    );
  });
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stdout, /\x1b\[/, 'no terminal escapes when piped');

  const first = step(stdout, 3);
  assert.match(first, / - info : 0 : NTLS certificate expiry monitor started$/m);
  assert.match(first, / hsm-fra-02 info : 0 : NTLS certificate will be expire on /);
  assert.match(first, / hsm-ams-01 error : 0 : NTLS certificate has expired on /);
  assert.match(first, / hsm-ams-02 warning : 0 : NTLS certificate is missing$/m);
  assert.match(first, / hsm-lon-01 error : 0 : NTLS certificate is invalid: /);
  assert.match(
    first,
    /7 appliance\(s\): valid 2, expiring 2, expired 1, not_yet_valid 0, invalid 1, missing 1, unavailable 0; notifications sent 5, failed 0;/,
  );
  const traps = section(first, /traps received by the SNMP receiver/);
  const raised = traps.filter((t) => /ssLogReference=\[.+ \/ 1\]$/.test(t));
  assert.ok(raised.length >= 2, `at least two raising traps received:\n${traps.join('\n')}`);
  assert.ok(traps.some((t) => t.startsWith('v2c trap')));
  assert.ok(traps.some((t) => t.startsWith('v3 inform')));
  assert.ok(
    traps.every((t) => t.includes(' 1.3.6.1.4.1.23629.1.5.2.2.6 ')),
    'ntlsAttentionNotify',
  );
  assert.ok(
    traps.some((t) => t.includes('ssLogReference=[hsm-fra-02:10.10.0.12 / lunalogs / 2026 Nov 24 12:00:00 / ')),
    'ssLogReference names the appliance, its inventory address and the evaluation instant',
  );
  const syslog = section(first, /syslog lines received/);
  assert.ok(
    syslog.some((l) => /^<171>\w{3} [ \d]\d \d\d:\d\d:\d\d hsm-ams-01 certmonitord\[\d+\]: error : 0 : /.test(l)),
  );

  const repeat = step(stdout, 4);
  assert.deepEqual(section(repeat, /traps received by the SNMP receiver/), ['no traps received']);
  assert.match(repeat, /notifications sent 0, failed 0;/);

  const renewed = step(stdout, 5);
  assert.match(
    renewed,
    / hsm-fra-02 info : 0 : New NTLS certificate detected and the expiry date of this new certificate is /,
  );
  const clearing = section(renewed, /traps received by the SNMP receiver/);
  assert.ok(
    clearing.some((t) => /ssLogReference=\[hsm-fra-02:10\.10\.0\.12 \/ lunalogs \/ .+ \/ 0\]$/.test(t)),
    `a clearing trap for the renewed appliance:\n${clearing.join('\n')}`,
  );

  const end = step(stdout, 6);
  const lunalogs = section(end, /lunalogs file/);
  assert.match(
    lunalogs[0] ?? '',
    /^\d{4} \w{3} [ \d]\d \d\d:\d\d:\d\d \S+ {2}local5 info {2}certmonitord\[\d+\]: info : 0 : NTLS certificate expiry monitor started$/,
  );
  assert.ok(
    lunalogs.some(
      (l) => l.includes(' hsm-fra-02  local5 info  certmonitord[') && l.includes('New NTLS certificate detected'),
    ),
  );
  assert.match(lunalogs.at(-1) ?? '', /: info : 0 : NTLS certificate expiry monitor terminated$/);
  assert.match(end, /Shutting down NTLS certificate expiry monitor\.\.\.\.$/m);

  // The last run's fleet report is left where the newcomer is told to open it.
  const report = step(stdout, 7);
  const url = pathToFileURL(path.join(reportDir, 'index.html')).href;
  assert.ok(report.includes(`open it in a browser: ${url}`), report);
  assert.match(report, /7 appliances: valid 3, expiring 1, expired 1, invalid 1, missing 1/);
  const page = await readFile(path.join(reportDir, 'index.html'), 'utf8');
  assert.equal(page.match(/<tr id="/g)?.length, 7);
  await rm(reportDir, { recursive: true, force: true });

  const after = (await readdir(os.tmpdir())).filter((n) => n.startsWith('certmonitor-demo-') && !before.has(n));
  assert.deepEqual(after, [], 'temporary directories removed');
});

test("each demo leaves its report in a folder of its own: two demos never overwrite or delete each other's", async () => {
  const { defaultReportDir } = await import('../../cli/demo.ts');
  const [first, second] = await Promise.all([defaultReportDir(), defaultReportDir()]);
  try {
    assert.notEqual(first, second);
    assert.match(path.basename(first), /^certmonitor-report-/);
    assert.deepEqual(await readdir(first), [], 'a new, empty folder');
  } finally {
    await rm(first, { recursive: true, force: true });
    await rm(second, { recursive: true, force: true });
  }
});
