import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));

test('certmonitor demo runs a check over an example fleet, ends by itself with 0 and cleans up', async () => {
  const before = new Set((await readdir(os.tmpdir())).filter((n) => n.startsWith('certmonitor-demo-')));
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'demo'], { timeout: 60_000 }, (error, out) => {
      resolve({ code: error ? Number(error.code ?? 99) : 0, stdout: out });
    });
  });
  assert.equal(code, 0);
  assert.match(stdout, / - info : 0 : NTLS certificate expiry monitor started$/m);
  assert.match(stdout, / hsm-fra-02 info : 0 : NTLS certificate will be expire on /);
  assert.match(stdout, / hsm-ams-01 error : 0 : NTLS certificate has expired on /);
  assert.match(stdout, / hsm-ams-02 warning : 0 : NTLS certificate is missing$/m);
  assert.match(stdout, / hsm-lon-01 error : 0 : NTLS certificate is invalid: /);
  assert.match(
    stdout,
    /7 appliance\(s\): valid 2, expiring 2, expired 1, not_yet_valid 0, invalid 1, missing 1, unavailable 0;/,
  );
  const after = (await readdir(os.tmpdir())).filter((n) => n.startsWith('certmonitor-demo-') && !before.has(n));
  assert.deepEqual(after, [], 'temporary directories removed');
});
