import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseNow } from '../../cli/command.ts';
import { opensslIssuer } from '../helpers/opensslIssue.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/certs');
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-inspect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `certmonitor inspect ARGS` as a child process. */
function inspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'inspect', ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(...args: string[]): { status: number | null; out: Record<string, unknown> } {
  const result = inspect(...args, '--json');
  return { status: result.status, out: JSON.parse(result.stdout) };
}

// leaf.pem: notBefore 2025-11-27T09:30:00Z, notAfter 2026-11-27T09:30:00Z.
const LEAF = join(FIXTURES, 'leaf.pem');

describe('certmonitor inspect', () => {
  it('exit 0 and every README, Command line field for a valid certificate', () => {
    const { status, out } = json(LEAF, '--now', '2026-06-01T00:00:00Z');
    assert.equal(status, 0);
    assert.equal(out.status, 'valid');
    assert.equal(out.notBefore, '2025-11-27T09:30:00.000Z');
    assert.equal(out.notAfter, '2026-11-27T09:30:00.000Z');
    assert.equal(out.secondsRemaining, 15_499_800);
    assert.equal(out.daysRemaining, 179);
    assert.match(String(out.fingerprintSha256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(out.subject, 'C=US, O=Acme, CN=hsm01');
    assert.equal(out.issuer, 'O=Acme, CN=hsm-p384');
    assert.equal(out.serialNumber, '1001');
    assert.equal(out.keyType, 'EC P-256');
    assert.equal(out.message, 'NTLS certificate will be expire on Nov 27 09:30:00 2026 GMT');
    assert.equal(out.error, undefined);
  });

  it('exit 1 when expiring, with the threshold from --days', () => {
    assert.equal(json(LEAF, '--now', '2026-10-28T09:30:00Z').out.status, 'expiring');
    assert.equal(inspect(LEAF, '--now', '2026-10-28T09:30:00Z').status, 1);
    assert.equal(inspect(LEAF, '--now', '2026-10-28T09:29:59Z').status, 0);
    assert.equal(inspect(LEAF, '--now', '2026-10-01T00:00:00Z', '--days', '60').status, 1);
    assert.equal(inspect(LEAF, '--now', '2026-11-27T09:30:00Z', '--days', '0').status, 1);
  });

  it('exit 2 when expired or not yet valid', () => {
    const expired = json(LEAF, '--now', '2026-11-27T09:30:01Z');
    assert.equal(expired.status, 2);
    assert.equal(expired.out.status, 'expired');
    assert.equal(expired.out.daysRemaining, -1);
    assert.equal(expired.out.message, 'NTLS certificate has expired on Nov 27 09:30:00 2026 GMT');
    const early = json(LEAF, '--now', '2025-11-27T09:29:59Z');
    assert.equal(early.status, 2);
    assert.equal(early.out.status, 'not_yet_valid');
  });

  it('exit 3 for a missing file', () => {
    const { status, out } = json(join(dir, 'nope.pem'));
    assert.equal(status, 3);
    assert.deepEqual(out, { status: 'missing', message: 'NTLS certificate is missing' });
  });

  it('exit 3 with the reason for an invalid file, a CSR and an oversized file', () => {
    const csr = json(join(FIXTURES, 'csr-only.pem'));
    assert.equal(csr.status, 3);
    assert.equal(csr.out.status, 'invalid');
    assert.equal(csr.out.error, 'no certificate found (certificate request only)');
    assert.equal(csr.out.message, 'NTLS certificate is invalid: no certificate found (certificate request only)');
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 0x41));
    assert.deepEqual(json(big).out, {
      status: 'invalid',
      message: 'NTLS certificate is invalid: input over 1 MiB',
      error: 'input over 1 MiB',
    });
    assert.equal(json(dir).out.error, 'not a regular file');
  });

  it('reads DER and every key type', () => {
    assert.equal(json(join(FIXTURES, 'rsa2048.der'), '--now', '2026-01-01T00:00:00Z').out.keyType, 'RSA-2048');
    assert.equal(json(join(FIXTURES, 'ed448.pem'), '--now', '2026-01-01T00:00:00Z').out.keyType, 'Ed448');
  });

  it('prints aligned human-readable lines without --json', () => {
    const { status, stdout } = inspect(join(FIXTURES, 'rsa2048.pem'), '--now', '2027-07-01T00:00:00Z');
    assert.equal(status, 1);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'status:         expiring');
    assert.ok(lines.includes('notAfter:       Jul  6 05:04:03 2027 GMT'), stdout);
    assert.ok(lines.includes('key type:       RSA-2048'), stdout);
    assert.ok(lines.includes('days remaining: 5 (450243 s)'), stdout);
    assert.ok(lines.includes('message:        NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT'), stdout);
    const values = lines.map((l) => l.indexOf(l.split(/:\s+/)[1] ?? ''));
    assert.ok(
      values.every((v) => v === 16),
      stdout,
    );
  });

  it('usage errors exit 2 and name the bad value', () => {
    for (const [args, pattern] of [
      [['--days', 'ten'], /--days .*'ten'/],
      [['--days', '-1'], /--days/],
      [['--now', 'yesterday'], /--now .*'yesterday'/],
      [['--now', '2026-11-24T12:00:00'], /--now .*'2026-11-24T12:00:00'/],
      [['--now', '2026-02-30T00:00:00Z'], /--now/],
    ] as const) {
      const result = inspect(LEAF, ...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
    }
    assert.equal(inspect().status, 2);
  });
});

describe('certmonitor inspect with dates in years 1-99', () => {
  const issuer = opensslIssuer();
  after(() => issuer.remove());
  const NOW = '2026-11-24T12:00:00Z';

  it('notBefore 0001-01-01 (Go zero time), notAfter 9998-11-30: valid, printed as ISO 8601 and as OpenSSL', () => {
    const file = join(dir, 'go-zero.pem');
    writeFileSync(file, issuer.issue('00010101000000Z', '99981130000000Z'));
    const { status, out } = json(file, '--now', NOW);
    assert.equal(status, 0);
    assert.equal(out.status, 'valid');
    assert.equal(out.notBefore, '0001-01-01T00:00:00.000Z');
    assert.equal(out.notAfter, '9998-11-30T00:00:00.000Z');
    assert.equal(out.error, undefined);
    const lines = inspect(file, '--now', NOW).stdout.split('\n');
    assert.ok(lines.includes('notBefore:      Jan  1 00:00:00 1 GMT'), lines.join('\n'));
    assert.ok(lines.includes('notAfter:       Nov 30 00:00:00 9998 GMT'), lines.join('\n'));
  });

  it('notAfter 0001-01-01: expired, the message dated as OpenSSL prints it', () => {
    const file = join(dir, 'year1.pem');
    writeFileSync(file, issuer.issue('00010101000000Z', '00010101000000Z'));
    const { status, out } = json(file, '--now', NOW);
    assert.equal(status, 2);
    assert.equal(out.status, 'expired');
    assert.equal(out.notAfter, '0001-01-01T00:00:00.000Z');
    assert.equal(out.daysRemaining, -739_944);
    assert.equal(out.message, 'NTLS certificate has expired on Jan  1 00:00:00 1 GMT');
  });

  it('notBefore 0099-06-15, notAfter 0100-01-01, evaluated in those years with --now', () => {
    const file = join(dir, 'year99.pem');
    writeFileSync(file, issuer.issue('00990615120000Z', '01000101000000Z'));
    assert.equal(json(file, '--now', '0099-06-15T11:59:59Z').out.status, 'not_yet_valid');
    assert.equal(json(file, '--now', '0099-06-15').out.status, 'not_yet_valid');
    assert.equal(json(file, '--now', '0099-07-01T00:00:00Z').out.status, 'valid');
    const expiring = json(file, '--now', '0099-12-31T00:00:00Z');
    assert.equal(expiring.status, 1);
    assert.equal(expiring.out.message, 'NTLS certificate will be expire on Jan  1 00:00:00 100 GMT');
  });
});

describe('parseNow', () => {
  it('takes four-digit years below 1000 literally, including 0000 and its leap day', () => {
    assert.equal(parseNow('0001-01-01T00:00:00Z').toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(parseNow('0001-01-01').toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(parseNow('0099-12-31T23:59:59Z').toISOString(), '0099-12-31T23:59:59.000Z');
    assert.equal(parseNow('0000-02-29T00:00:00Z').toISOString(), '0000-02-29T00:00:00.000Z');
    assert.equal(parseNow('0004-02-29T00:00:00Z').toISOString(), '0004-02-29T00:00:00.000Z');
    assert.equal(parseNow('0001-01-01T00:30:00+01:00').toISOString(), '0000-12-31T23:30:00.000Z');
  });

  it('refuses impossible days in those years too', () => {
    for (const value of ['0100-02-29T00:00:00Z', '0001-02-29T00:00:00Z', '0003-04-31']) {
      assert.throws(() => parseNow(value), /--now must be an ISO 8601 instant/, value);
    }
  });

  it('refuses an instant outside years 0000-9999 in UTC, whose ISO form would have six digits', () => {
    for (const value of ['0000-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00']) {
      assert.throws(() => parseNow(value), /--now must lie in the years 0000 to 9999/, value);
    }
  });
});
