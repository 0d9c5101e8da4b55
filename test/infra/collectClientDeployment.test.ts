/**
 * The client hosts' unit and timer for `collect-client` (docs/clients.md, Collecting a client's files):
 * systemd accepts them, they are hardened like the gateway's unit, they hand the client's files over as
 * credentials, and the example environment names only what `collect-client` reads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '../helpers/peerProcess.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (name: string) => readFileSync(join(ROOT, 'infra', name), 'utf8');
/** systemd's variable for the credentials' directory, as the unit writes it. */
const CREDENTIALS = ['$', '{CREDENTIALS_DIRECTORY}'].join('');
const UNITS = ['certmonitor-collect-client.service', 'certmonitor-collect-client.timer'];
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-client-units-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('collect-client deployment files', () => {
  it('systemd accepts the unit and the timer as written', () => {
    const analyze = requireBinary('systemd-analyze', 'systemd');
    for (const unit of UNITS) {
      writeFileSync(
        join(dir, unit),
        read(unit).replaceAll('/usr/local/bin/certmonitor', join(ROOT, 'bin/certmonitor.js')),
      );
    }
    const result = spawnSync(analyze, ['verify', '--man=no', ...UNITS.map((u) => join(dir, u))], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('runs collect-client hourly with the files as credentials, hardened like the gateway', () => {
    const gateway = read('certmonitor-gateway.service');
    const hardening = gateway
      .slice(gateway.indexOf('NoNewPrivileges='), gateway.indexOf('[Install]'))
      .split('\n')
      .filter((line) => /^[A-Za-z]+=/.test(line));
    const lines = read('certmonitor-collect-client.service').split('\n');
    for (const line of hardening) assert.ok(lines.includes(line), `has ${line}`);
    assert.ok(lines.some((l) => l.startsWith('LoadCredential=client.pem:')));
    assert.ok(lines.some((l) => l.startsWith('LoadCredential=trust.pem:')));
    assert.ok(
      lines.includes(
        `ExecStart=/usr/local/bin/certmonitor collect-client --cert ${CREDENTIALS}/client.pem --trust ${CREDENTIALS}/trust.pem`,
      ),
    );
    assert.match(read('certmonitor-collect-client.timer'), /^OnCalendar=hourly$/m);
    const keys = read('collect-client.env.example')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    assert.deepEqual(keys, ['CERTMONITOR_CLIENT_NAME', 'CERTMONITOR_COLLECT_TO', 'AWS_REGION']);
  });
});
