/**
 * `certmonitor collect-client` from the built package: exit 0 when both files are published or unchanged,
 * 1 when a file cannot be published (nothing stored is touched), 2 for a usage error; the variables stand
 * in for the flags, as the systemd unit uses them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { opensslChain } from '../helpers/opensslChain.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-collect-client-cli-'));
const pki = opensslChain();
after(() => {
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
      },
    );
  });
}

describe('certmonitor collect-client', () => {
  const cert = pki.selfSigned('app01');
  const withKey = join(dir, 'client.pem');
  writeFileSync(withKey, `${readFileSync(pki.files('app01').key, 'utf8')}${cert}`);
  const trust = join(dir, 'CAFile.pem');
  writeFileSync(trust, pki.ca('fleet-ca', 'rsa'));
  const to = `dir:${join(dir, 'fleet')}`;

  it('publishes both files (certificates only) and exits 0, then finds them unchanged', async () => {
    const first = await cli(['collect-client', '--name', 'app01', '--cert', withKey, '--trust', trust, '--to', to]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /client\.pem of client app01 has changed and was published to dir:/);
    assert.doesNotMatch(readFileSync(join(dir, 'fleet/_clients/app01/client.pem'), 'utf8'), /PRIVATE KEY/);
    const env = {
      CERTMONITOR_CLIENT_NAME: 'app01',
      CERTMONITOR_CLIENT_CERT: withKey,
      CERTMONITOR_CLIENT_TRUST: trust,
      CERTMONITOR_COLLECT_TO: to,
    };
    const again = await cli(['collect-client', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    const outcome = JSON.parse(again.stdout) as { files: Array<{ result: string }> };
    assert.deepEqual(
      outcome.files.map((f) => f.result),
      ['unchanged', 'unchanged'],
    );
  });

  it('exits 1 for a file without a certificate and 2 for a usage error', async () => {
    const failed = await cli([
      'collect-client',
      '--name',
      'app01',
      '--cert',
      pki.files('app01').key,
      '--trust',
      trust,
      '--to',
      to,
    ]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Failed to publish client\.pem of client app01: no certificate found \(key only\)/);
    assert.match(readFileSync(join(dir, 'fleet/_clients/app01/client.pem'), 'utf8'), /BEGIN CERTIFICATE/);
    assert.equal(
      (await cli(['collect-client', '--name', '_bad', '--cert', withKey, '--trust', trust, '--to', to])).code,
      2,
    );
    assert.equal((await cli(['collect-client', '--name', 'app01', '--trust', trust, '--to', to])).code, 2);
  });
});
