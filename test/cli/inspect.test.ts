import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseNow } from '../../cli/command.ts';
import { opensslIssuer } from '../helpers/opensslIssue.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/certs');
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-inspect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `certmonitor inspect ARGS` as a child process, `input` on its standard input. */
function inspectWith(
  input: string | Buffer | undefined,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'inspect', ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    ...(input === undefined ? {} : { input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `certmonitor inspect ARGS` as a child process. */
function inspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return inspectWith(undefined, ...args);
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
    assert.equal(out.message, 'NTLS certificate is valid until Nov 27 09:30:00 2026 GMT');
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

  it('usage errors exit 3 (UNKNOWN, as the plugin guidelines ask) and name the bad value', () => {
    for (const [args, pattern] of [
      [['--days', 'ten'], /--days .*'ten'/],
      [['--days', '-1'], /--days/],
      [['--critical', 'soon'], /--critical .*'soon'/],
      [['--critical', '31'], /--critical \(31\) must not exceed --days \(30\)/],
      [['--json', '--plugin'], /--json and --plugin cannot be used together/],
      [['--now', 'yesterday'], /--now .*'yesterday'/],
      [['--now', '2026-11-24T12:00:00'], /--now .*'2026-11-24T12:00:00'/],
      [['--now', '2026-02-30T00:00:00Z'], /--now/],
      [['--bogus'], /unknown option '--bogus'/],
    ] as const) {
      const result = inspect(LEAF, ...args);
      assert.equal(result.status, 3, args.join(' '));
      assert.match(result.stderr, pattern);
      // With --plugin the UNKNOWN line is printed too (below).
      assert.equal(
        result.stdout,
        (args as readonly string[]).includes('--plugin')
          ? `CERTMONITOR UNKNOWN - --json and --plugin cannot be used together\n`
          : '',
      );
    }
    assert.equal(inspect().status, 3);
  });

  it('other subcommands keep exit 2 for usage errors', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'check', '--bogus'], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
  });

  it('reads the certificate from standard input with -', () => {
    const pem = readFileSync(LEAF);
    const { status, stdout } = inspectWith(pem, '-', '--now', '2026-06-01T00:00:00Z', '--json');
    assert.equal(status, 0);
    assert.equal(JSON.parse(stdout).subject, 'C=US, O=Acme, CN=hsm01');
    const der = inspectWith(readFileSync(join(FIXTURES, 'leaf.der')), '-', '--now', '2026-06-01T00:00:00Z', '--json');
    assert.equal(JSON.parse(der.stdout).status, 'valid');
    const empty = inspectWith('', '-', '--json');
    assert.equal(empty.status, 3);
    assert.equal(JSON.parse(empty.stdout).status, 'invalid');
    const big = inspectWith(Buffer.alloc(1024 * 1024 + 1, 0x41), '-', '--json');
    assert.equal(big.status, 3);
    assert.equal(JSON.parse(big.stdout).error, 'input over 1 MiB');
  });
});

describe('certmonitor inspect --plugin (monitoring-plugin line)', () => {
  it('OK: one line with the days left, the date and performance data with the thresholds as ranges', () => {
    const result = inspect(LEAF, '--plugin', '--now', '2025-11-28T09:30:00Z', '--critical', '7');
    assert.equal(result.status, 0);
    assert.equal(
      result.stdout,
      'CERTMONITOR OK - hsm01 certificate expires in 364 days (Nov 27 09:30:00 2026 GMT) | days=364;30:;7:;;\n',
    );
  });

  it('WARNING within --days, CRITICAL within --critical, both by the notAfter - now <= D days rule', () => {
    const warning = inspect(LEAF, '--plugin', '--now', '2026-11-17T09:30:00Z', '--critical', '7');
    assert.equal(warning.status, 1);
    assert.equal(
      warning.stdout,
      'CERTMONITOR WARNING - hsm01 certificate expires in 10 days (Nov 27 09:30:00 2026 GMT) | days=10;30:;7:;;\n',
    );
    assert.equal(inspect(LEAF, '--plugin', '--now', '2026-11-20T09:29:59Z', '--critical', '7').status, 1);
    const critical = inspect(LEAF, '--plugin', '--now', '2026-11-20T09:30:00Z', '--critical', '7');
    assert.equal(critical.status, 2);
    assert.match(critical.stdout, /^CERTMONITOR CRITICAL - hsm01 certificate expires in 7 days /);
    // --critical changes the exit status only; the JSON status stays the evaluation's.
    const json = inspect(LEAF, '--json', '--now', '2026-11-20T09:30:00Z', '--critical', '7');
    assert.equal(json.status, 2);
    assert.equal(JSON.parse(json.stdout).status, 'expiring');
    // Without --critical an expiring certificate stays WARNING up to notAfter.
    const last = inspect(LEAF, '--plugin', '--now', '2026-11-27T09:30:00Z');
    assert.equal(last.status, 1);
    assert.match(last.stdout, /\| days=0;30:;;;\n$/);
  });

  it('CRITICAL when expired or not yet valid; UNKNOWN for a missing or invalid file, without performance data', () => {
    const expired = inspect(LEAF, '--plugin', '--now', '2026-12-07T09:30:00Z');
    assert.equal(expired.status, 2);
    assert.equal(
      expired.stdout,
      'CERTMONITOR CRITICAL - hsm01 certificate expired 10 days ago (Nov 27 09:30:00 2026 GMT) | days=-10;30:;;;\n',
    );
    // Part of a day past a whole number: the text and the performance data count the same days.
    const later = inspect(LEAF, '--plugin', '--now', '2026-12-07T21:30:00Z');
    assert.match(later.stdout, /expired 10 days ago .* \| days=-10;30:;;;\n$/);
    const early = inspect(LEAF, '--plugin', '--now', '2025-11-01T00:00:00Z');
    assert.equal(early.status, 2);
    assert.match(
      early.stdout,
      /^CERTMONITOR CRITICAL - hsm01 certificate is not valid before Nov 27 09:30:00 2025 GMT \|/,
    );
    // Its performance data reads CRITICAL too: days until valid, against the range `0`.
    assert.match(early.stdout, / days_until_valid=27;;0;;\n$/);
    const missing = inspect(join(dir, 'absent.pem'), '--plugin');
    assert.equal(missing.status, 3);
    assert.equal(missing.stdout, 'CERTMONITOR UNKNOWN - absent.pem: certificate file is missing\n');
    const csr = inspect(join(FIXTURES, 'csr-only.pem'), '--plugin');
    assert.equal(csr.status, 3);
    assert.equal(
      csr.stdout,
      'CERTMONITOR UNKNOWN - csr-only.pem: certificate is invalid: no certificate found (certificate request only)\n',
    );
    assert.equal(
      inspectWith('', '-', '--plugin').stdout,
      'CERTMONITOR UNKNOWN - stdin: certificate is invalid: empty input\n',
    );
  });

  it('a usage error prints the UNKNOWN line on stdout, where the agent reads it', () => {
    const result = inspect(LEAF, '--plugin', '--days', 'ten');
    assert.equal(result.status, 3);
    assert.equal(
      result.stdout,
      "CERTMONITOR UNKNOWN - --days must be a whole number of days from 0 to 36500, got 'ten'\n",
    );
  });
});

describe('certmonitor --version', () => {
  it('prints the version of the package', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/certmonitor.js'), '--version'], { encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `${version}\n`);
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
