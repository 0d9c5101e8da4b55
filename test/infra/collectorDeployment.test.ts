/**
 * The on-prem deployment files of the collector and the on-prem check stay true: systemd accepts the
 * units (Debian's `systemd-analyze verify`, which reports unknown or malformed settings), they are
 * hardened like the gateway's unit, the example environment files hold only settings the commands
 * accept, and the IAM policies grant exactly what the collector calls.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCheckConfig } from '../../app/checkConfig.ts';
import { parseCollectConfig } from '../../app/collectConfig.ts';
import { requireBinary } from '../helpers/peerProcess.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INFRA = join(ROOT, 'infra');
const UNITS = [
  'certmonitor-collect.service',
  'certmonitor-collect.timer',
  'certmonitor-check.service',
  'certmonitor-check.timer',
];
const read = (name: string) => readFileSync(join(INFRA, name), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-units-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `KEY=value` lines of an environment file, comments left out. */
function envFile(name: string): Record<string, string> {
  return Object.fromEntries(
    read(name)
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('collector deployment files', () => {
  it('systemd accepts every unit as written (systemd-analyze verify reports nothing)', () => {
    const analyze = requireBinary('systemd-analyze', 'systemd');
    // The units run the installed command; here they point at this checkout's, which verify requires to exist.
    for (const unit of [...UNITS, 'certmonitor-gateway.service']) {
      writeFileSync(
        join(dir, unit),
        read(unit).replaceAll('/usr/local/bin/certmonitor', join(ROOT, 'bin/certmonitor.js')),
      );
    }
    const result = spawnSync(analyze, ['verify', '--man=no', ...UNITS.map((u) => join(dir, u))], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '', 'no warning about any setting');
  });

  it('the services run the built command hourly, hardened exactly like the gateway', () => {
    const gateway = read('certmonitor-gateway.service');
    const hardening = gateway
      .slice(gateway.indexOf('NoNewPrivileges='), gateway.indexOf('[Install]'))
      .split('\n')
      .filter((line) => /^[A-Za-z]+=/.test(line));
    assert.ok(hardening.length > 20);
    for (const [service, command] of [
      ['certmonitor-collect.service', 'collect'],
      ['certmonitor-check.service', 'check'],
    ] as const) {
      const lines = read(service).split('\n');
      for (const line of hardening) assert.ok(lines.includes(line), `${service} has ${line}`);
      assert.ok(lines.includes(`ExecStart=/usr/local/bin/certmonitor ${command} --no-progress`));
      assert.ok(lines.includes('Type=oneshot'));
      assert.ok(lines.includes('User=certmonitor') && lines.includes('DynamicUser=yes'), 'one shared transient user');
    }
    assert.match(read('certmonitor-collect.timer'), /^OnCalendar=hourly$/m);
    assert.match(read('certmonitor-check.timer'), /^OnCalendar=\*-\*-\* \*:15:00$/m);
  });

  it('the example environment files hold only settings the commands accept', () => {
    const collect = parseCollectConfig(envFile('collect.env.example'));
    assert.equal(collect.inventory, '/etc/certmonitor/fleet.json');
    assert.equal(collect.to, 's3://my-fleet/certs/');
    const check = parseCheckConfig({
      ...envFile('check.env.example'),
      // Set by the unit itself (Environment=, from its credential).
      CERTMONITOR_GATEWAY_SECRET_FILE: '/run/credentials/certmonitor-check.service/check.secret',
    });
    assert.equal(check.source, 'tls:/etc/certmonitor/fleet.json');
    assert.equal(check.forwarder?.keyId, 'onprem');
  });

  it('the IAM policies allow exactly what the collector calls, on the fleet prefix or path only', () => {
    const actions = (file: string) =>
      (JSON.parse(read(file)) as { Statement: { Action: string | string[]; Resource: string | string[] }[] }).Statement;
    const s3 = actions('collector-policy-s3.json');
    assert.deepEqual(s3.flatMap((s) => s.Action).sort(), ['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    assert.deepEqual(
      s3.flatMap((s) => s.Resource),
      ['arn:aws:s3:::CERT_BUCKET', 'arn:aws:s3:::CERT_BUCKET/CERT_PREFIX*'],
    );
    const ssm = actions('collector-policy-ssm.json');
    assert.deepEqual(ssm.flatMap((s) => s.Action).sort(), ['ssm:GetParametersByPath', 'ssm:PutParameter']);
    for (const resource of ssm.flatMap((s) => s.Resource))
      assert.match(resource, /^arn:aws:ssm:REGION:ACCOUNT:parameter\/SSM_PATH/);
  });
});
