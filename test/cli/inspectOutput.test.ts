/**
 * `inspect` without the expiry policy's flags prints what it always printed, byte for byte (docs/reference.md,
 * Command output): no `severity` without `--critical`, no `findings` for a certificate that has none. The
 * expected texts are those of the command before the expiry policy and the findings existed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
// leaf.pem: EC P-256, notBefore 2025-11-27T09:30:00Z, notAfter 2026-11-27T09:30:00Z; no findings.
const LEAF = join(ROOT, 'test/fixtures/certs/leaf.pem');
const NOW = ['--now', '2026-06-01T00:00:00Z'];
const FINGERPRINT = '52:08:93:D2:E3:83:F9:21:70:75:11:67:44:B2:B4:F7:71:28:0B:A9:40:9F:00:C7:EE:83:AE:B4:85:B5:D5:6F';

function inspect(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'inspect', LEAF, ...NOW, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: r.status, stdout: r.stdout };
}

function report(status: string, message: string): string {
  return [
    `status:         ${status}`,
    'subject:        C=US, O=Acme, CN=hsm01',
    'issuer:         O=Acme, CN=hsm-p384',
    'notBefore:      Nov 27 09:30:00 2025 GMT',
    'notAfter:       Nov 27 09:30:00 2026 GMT',
    'days remaining: 179 (15499800 s)',
    `fingerprint:    SHA256 ${FINGERPRINT}`,
    'serial:         1001',
    'key type:       EC P-256',
    `message:        ${message}`,
    '',
  ].join('\n');
}

function json(status: string, message: string): string {
  const fields = {
    status,
    notBefore: '2025-11-27T09:30:00.000Z',
    notAfter: '2026-11-27T09:30:00.000Z',
    secondsRemaining: 15499800,
    daysRemaining: 179,
    fingerprintSha256: FINGERPRINT,
    subject: 'C=US, O=Acme, CN=hsm01',
    issuer: 'O=Acme, CN=hsm-p384',
    serialNumber: '1001',
    keyType: 'EC P-256',
    message,
  };
  return `${JSON.stringify(fields)}\n`;
}

const VALID = 'NTLS certificate is valid until Nov 27 09:30:00 2026 GMT';
const EXPIRING = 'NTLS certificate will be expire on Nov 27 09:30:00 2026 GMT';

describe('inspect without the expiry policy flags', () => {
  it('prints the plain report of before, byte for byte, valid and expiring', () => {
    assert.deepEqual(inspect(), { status: 0, stdout: report('valid', VALID) });
    assert.deepEqual(inspect('--days', '200'), { status: 1, stdout: report('expiring', EXPIRING) });
  });

  it('prints the --json of before, byte for byte: no findings key for a certificate without findings', () => {
    assert.deepEqual(inspect('--json'), { status: 0, stdout: json('valid', VALID) });
    assert.deepEqual(inspect('--days', '200', '--json'), { status: 1, stdout: json('expiring', EXPIRING) });
  });

  it('adds the severity only with --critical', () => {
    const withCritical = inspect('--days', '200', '--critical', '100');
    assert.equal(withCritical.status, 1);
    assert.match(withCritical.stdout, /^severity: +warning$/m);
    assert.equal(JSON.parse(inspect('--days', '200', '--critical', '100', '--json').stdout).severity, 'warning');
  });
});
