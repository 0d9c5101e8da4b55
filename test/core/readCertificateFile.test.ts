import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readTlv } from '../../core/derReader.ts';
import { InvalidCertificateError } from '../../core/errors.ts';
import { formatOpensslDate } from '../../core/opensslDate.ts';
import { readCertificateFile } from '../../core/readCertificateFile.ts';
import { bytes, certificate, concat, pem, seq, time, tlv } from '../fixtures/certs/buildDer.ts';
import { opensslIssuer } from '../helpers/opensslIssue.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/certs');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function openssl(args: string[], input?: Uint8Array): string {
  const probe = spawnSync('openssl', ['version']);
  if (probe.error) assert.fail('openssl is not installed: apt-get install openssl');
  return execFileSync('openssl', args, { input, encoding: 'utf8' });
}

/** Field name -> value of `openssl x509 -noout …` output lines `name=value`. */
function opensslFields(file: string): Record<string, string> {
  const inform = file.endsWith('.der') ? 'DER' : 'PEM';
  const out = openssl([
    'x509',
    '-in',
    join(FIXTURES, file),
    '-inform',
    inform,
    '-noout',
    '-enddate',
    '-startdate',
    '-fingerprint',
    '-sha256',
    '-serial',
    '-subject',
    '-issuer',
    '-nameopt',
    'sep_comma_plus_space,sname,utf8,esc_2253,esc_ctrl,-esc_msb,dump_unknown',
  ]);
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function opensslKeyType(file: string): string {
  const inform = file.endsWith('.der') ? 'DER' : 'PEM';
  const out = openssl(['x509', '-in', join(FIXTURES, file), '-inform', inform, '-noout', '-text']);
  const algorithm = /Public Key Algorithm: (\S+)/.exec(out)?.[1];
  if (algorithm === 'rsaEncryption') return `RSA-${/Public-Key: \((\d+) bit\)/.exec(out)?.[1]}`;
  if (algorithm === 'id-ecPublicKey') return `EC ${/NIST CURVE: (\S+)/.exec(out)?.[1]}`;
  return algorithm === 'ED25519' ? 'Ed25519' : algorithm === 'ED448' ? 'Ed448' : `? ${algorithm}`;
}

function reason(input: Uint8Array): string {
  try {
    readCertificateFile(input);
  } catch (error) {
    assert.ok(error instanceof InvalidCertificateError, `expected InvalidCertificateError, got ${error}`);
    assert.ok(error.message.length <= 120);
    return error.message;
  }
  assert.fail('expected the input to be refused');
}

const CERTIFICATE_FIXTURES = readdirSync(FIXTURES).filter(
  (f) => /\.(pem|der)$/.test(f) && !['csr-only.pem', 'key-only.pem'].includes(f),
);

describe('readCertificateFile against openssl x509', () => {
  it('has every kind of fixture', () => {
    assert.ok(CERTIFICATE_FIXTURES.length >= 15, CERTIFICATE_FIXTURES.join(' '));
  });
  for (const file of CERTIFICATE_FIXTURES) {
    it(`reads ${file} as openssl does`, () => {
      const expected = opensslFields(file);
      const { certificate: cert } = readCertificateFile(fixture(file));
      assert.equal(formatOpensslDate(cert.notBefore), expected.notBefore);
      assert.equal(formatOpensslDate(cert.notAfter), expected.notAfter);
      assert.equal(cert.fingerprintSha256, expected['sha256 Fingerprint']);
      assert.equal(cert.serialNumber, expected.serial);
      assert.equal(cert.subject, expected.subject);
      assert.equal(cert.issuer, expected.issuer);
      assert.equal(cert.keyType, opensslKeyType(file));
    });
  }
});

/** `openssl x509 -dateopt iso_8601` pads years below 1000 with spaces (`   1-01-01 00:00:00Z`); as ISO 8601. */
function isoFromOpenssl(line: string): string {
  const m = /^ *(\d{1,4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d)Z$/.exec(line);
  assert.ok(m, `unexpected openssl iso_8601 date '${line}'`);
  return `${m[1]?.padStart(4, '0')}-${m[2]}-${m[3]}T${m[4]}.000Z`;
}

describe('readCertificateFile reads years 0-9999 as openssl x509 does (certificates issued by openssl ca)', () => {
  const issuer = opensslIssuer();
  after(() => issuer.remove());
  // [notBefore, notAfter, the ISO 8601 instants certmonitor must report, what `openssl x509` prints by default]
  const cases: [string, string, [string, string], [string, string]][] = [
    [
      '00010101000000Z', // Go's zero time, written as notBefore by Go tools
      '99981130000000Z',
      ['0001-01-01T00:00:00.000Z', '9998-11-30T00:00:00.000Z'],
      ['Jan  1 00:00:00 1 GMT', 'Nov 30 00:00:00 9998 GMT'],
    ],
    [
      '00990615120000Z',
      '01000101000000Z',
      ['0099-06-15T12:00:00.000Z', '0100-01-01T00:00:00.000Z'],
      ['Jun 15 12:00:00 99 GMT', 'Jan  1 00:00:00 100 GMT'],
    ],
    [
      '00040229000000Z',
      '99991231235959Z',
      ['0004-02-29T00:00:00.000Z', '9999-12-31T23:59:59.000Z'],
      ['Feb 29 00:00:00 4 GMT', 'Dec 31 23:59:59 9999 GMT'],
    ],
    [
      '00000101000000Z', // year 0: OpenSSL reads it (proleptic Gregorian, a leap year), so does certmonitor
      '00000229235959Z',
      ['0000-01-01T00:00:00.000Z', '0000-02-29T23:59:59.000Z'],
      ['Jan  1 00:00:00 0 GMT', 'Feb 29 23:59:59 0 GMT'],
    ],
  ];
  for (const [notBefore, notAfter, iso, text] of cases) {
    it(`${notBefore} to ${notAfter}`, () => {
      const pemBytes = issuer.issue(notBefore, notAfter);
      // openssl ca wrote both as GeneralizedTime (years outside 1950-2049), as RFC 5280 requires.
      const times = issuer.openssl(pemBytes, 'asn1parse').match(/(UTCTIME|GENERALIZEDTIME) *:\S+/g);
      assert.deepEqual(times, [`GENERALIZEDTIME   :${notBefore}`, `GENERALIZEDTIME   :${notAfter}`]);
      const defaultForm = issuer.openssl(pemBytes, 'x509', '-noout', '-startdate', '-enddate').trim().split('\n');
      const isoForm = issuer.openssl(pemBytes, 'x509', '-noout', '-startdate', '-enddate', '-dateopt', 'iso_8601');
      const [isoBefore, isoAfter] = isoForm
        .trimEnd()
        .split('\n')
        .map((l) => isoFromOpenssl(l.slice(l.indexOf('=') + 1)));
      assert.deepEqual(defaultForm, [`notBefore=${text[0]}`, `notAfter=${text[1]}`]);
      assert.deepEqual([isoBefore, isoAfter], iso);

      const { certificate: cert } = readCertificateFile(pemBytes);
      assert.deepEqual([cert.notBefore.toISOString(), cert.notAfter.toISOString()], iso);
      assert.deepEqual([formatOpensslDate(cert.notBefore), formatOpensslDate(cert.notAfter)], text);
    });
  }
});

describe('readCertificateFile reads any validity in years 0000-9999 exactly (fast-check)', () => {
  const instant = fc
    .integer({
      min: Date.parse('0000-01-01T00:00:00Z') / 1000,
      max: Date.parse('9999-12-31T23:59:59Z') / 1000,
    })
    .map((s) => new Date(s * 1000));

  it('notBefore and notAfter come back as encoded, UTCTime for 1950-2049 and GeneralizedTime otherwise', () => {
    fc.assert(
      fc.property(instant, instant, (notBefore, notAfter) => {
        const der = certificate({ notBefore: time(notBefore), notAfter: time(notAfter) });
        const { certificate: cert } = readCertificateFile(der);
        assert.equal(cert.notBefore.getTime(), notBefore.getTime());
        assert.equal(cert.notAfter.getTime(), notAfter.getTime());
        assert.equal(cert.notAfter.toISOString(), notAfter.toISOString());
        assert.match(cert.notBefore.toISOString(), /^\d{4}-/);
      }),
      {
        numRuns: 3000,
        examples: [
          [new Date('0001-01-01T00:00:00Z'), new Date('9998-11-30T00:00:00Z')],
          [new Date('0099-12-31T23:59:59Z'), new Date('0100-01-01T00:00:00Z')],
        ],
      },
    );
  });
});

describe('readCertificateFile formats and layouts', () => {
  it('reads every key type', () => {
    const types = ['rsa2048', 'ecp256', 'ecp384', 'ecp521', 'ed25519', 'ed448'].map(
      (n) => readCertificateFile(fixture(`${n}.pem`)).certificate.keyType,
    );
    assert.deepEqual(types, ['RSA-2048', 'EC P-256', 'EC P-384', 'EC P-521', 'Ed25519', 'Ed448']);
  });

  it('agrees with node:crypto X509Certificate on dates and fingerprint for every fixture', () => {
    for (const file of CERTIFICATE_FIXTURES) {
      const { certificate: cert } = readCertificateFile(fixture(file));
      const x509 = new X509Certificate(cert.der);
      assert.equal(cert.fingerprintSha256, x509.fingerprint256, file);
      assert.equal(cert.notAfter.getTime(), new Date(x509.validTo).getTime(), file);
      assert.equal(cert.notBefore.getTime(), new Date(x509.validFrom).getTime(), file);
    }
  });

  it('reads UTCTime years 50 as 1950 and 49 as 2049, GeneralizedTime from 2050 and 9999', () => {
    const p384 = readCertificateFile(fixture('ecp384.pem')).certificate;
    assert.equal(p384.notBefore.toISOString(), '1950-01-01T00:00:00.000Z');
    assert.equal(p384.notAfter.toISOString(), '2049-12-31T23:59:59.000Z');
    assert.equal(
      readCertificateFile(fixture('ecp521.pem')).certificate.notAfter.toISOString(),
      '2050-01-01T00:00:00.000Z',
    );
    assert.equal(
      readCertificateFile(fixture('ed25519.pem')).certificate.notAfter.toISOString(),
      '9999-12-31T23:59:59.000Z',
    );
  });

  it('takes the first certificate as the server certificate and the rest as the chain', () => {
    const file = readCertificateFile(fixture('chain.pem'));
    assert.equal(file.certificate.subject, 'C=US, O=Acme, CN=hsm01');
    assert.deepEqual(
      file.chain.map((c) => c.subject),
      ['O=Acme, CN=hsm-p384'],
    );
  });

  it('reads CRLF, DER, TRUSTED CERTIFICATE, pkcs12 -nodes output and key-first files to the same certificate', () => {
    const expected = readCertificateFile(fixture('leaf.pem')).certificate;
    for (const file of ['chain-crlf.pem', 'leaf.der', 'trusted.pem', 'bag.pem', 'key-first.pem']) {
      const got = readCertificateFile(fixture(file)).certificate;
      assert.equal(got.fingerprintSha256, expected.fingerprintSha256, file);
      assert.deepEqual(got.der, expected.der, file);
    }
    assert.equal(readCertificateFile(fixture('chain-crlf.pem')).chain.length, 1);
    assert.equal(readCertificateFile(fixture('bag.pem')).chain.length, 1);
  });

  it('fingerprints only the certificate of a TRUSTED CERTIFICATE block, not the trust data after it', () => {
    const block = fixture('trusted.pem');
    const body = new TextDecoder().decode(block).split('\n').slice(1, -2).join('');
    const all = Buffer.from(body, 'base64');
    const { certificate: cert } = readCertificateFile(block);
    assert.ok(all.length > cert.der.length, 'trust data follows the certificate');
    const hex = createHash('sha256').update(cert.der).digest('hex').toUpperCase();
    assert.equal(cert.fingerprintSha256.replaceAll(':', ''), hex);
  });

  it('reads concatenated raw DER certificates as a chain', () => {
    const file = readCertificateFile(concat(fixture('leaf.der'), fixture('rsa2048.der')));
    assert.equal(file.chain.length, 1);
    assert.equal(file.chain[0]?.keyType, 'RSA-2048');
  });

  it('leaves out a damaged chain certificate rather than hiding the server certificate', () => {
    const good = fixture('leaf.der');
    const damaged = certificate().slice(0, 40);
    const file = readCertificateFile(text(pem(good) + pem(damaged)));
    assert.equal(file.certificate.subject, 'C=US, O=Acme, CN=hsm01');
    assert.equal(file.chain.length, 0);
  });

  it('returns DER that is a copy, unaffected by later changes to the input', () => {
    const input = fixture('leaf.der');
    const { certificate: cert } = readCertificateFile(input);
    input.fill(0);
    assert.equal(cert.der[0], 0x30);
  });

  it('reads a PEM whose leading text starts with 0, the DER SEQUENCE byte', () => {
    const input = concat(text('0 comment line\n'), fixture('leaf.pem'));
    assert.equal(readCertificateFile(input).certificate.subject, 'C=US, O=Acme, CN=hsm01');
    assert.match(reason(text('0 not a certificate')), /^truncated DER at offset 0$/);
  });

  it('reads a PEM with leading text and a UTF-8 BOM', () => {
    const input = concat(bytes(0xef, 0xbb, 0xbf), text('hello\r\n'), fixture('leaf.pem'));
    assert.equal(readCertificateFile(input).certificate.subject, 'C=US, O=Acme, CN=hsm01');
  });
});

describe('readCertificateFile refuses bad input with a short reason', () => {
  const leafPem = new TextDecoder().decode(fixture('leaf.pem'));
  const leafDer = fixture('leaf.der');

  it('empty', () => assert.equal(reason(new Uint8Array(0)), 'empty input'));

  it('over 1 MiB, even when it starts with a valid certificate', () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x0a);
    big.set(fixture('leaf.pem'));
    assert.equal(reason(big), 'input over 1 MiB');
    // Exactly 1 MiB is still read.
    assert.equal(readCertificateFile(big.subarray(0, 1024 * 1024)).certificate.subject, 'C=US, O=Acme, CN=hsm01');
  });

  it('text that is neither PEM nor DER', () => {
    assert.equal(reason(text('hello world\n')), 'not a PEM or DER certificate');
  });

  it('a CSR or a key alone', () => {
    assert.equal(reason(fixture('csr-only.pem')), 'no certificate found (certificate request only)');
    assert.equal(reason(fixture('key-only.pem')), 'no certificate found (key only)');
  });

  it('a PEM block cut before its END line', () => {
    assert.equal(reason(text(leafPem.slice(0, 200))), 'truncated PEM certificate 1 (no END line)');
  });

  it('a PEM block whose body was cut short', () => {
    const lines = leafPem.split('\n');
    const cut = [lines[0], lines[1], lines[2], lines.at(-2), ''].join('\n');
    assert.match(reason(text(cut)), /^truncated DER at offset \d+$/);
  });

  it('garbage base64 and base64 of garbage', () => {
    assert.equal(
      reason(text('-----BEGIN CERTIFICATE-----\n!!notbase64!!\n-----END CERTIFICATE-----\n')),
      'invalid base64 in PEM certificate 1',
    );
    assert.equal(reason(text(pem(text('hello-world-garbage')))), 'unexpected DER tag for certificate at offset 0');
  });

  it('truncated DER at every length', () => {
    for (let n = 1; n < leafDer.length; n++) {
      const message = reason(leafDer.subarray(0, n));
      assert.match(message, /^(truncated DER at offset \d+|unexpected DER tag .*)$/, `length ${n}`);
    }
  });

  it('absurd DER lengths', () => {
    assert.equal(reason(bytes(0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00)), 'truncated DER at offset 0');
    assert.equal(reason(bytes(0x30, 0x88, 1, 2, 3, 4, 5, 6, 7, 8)), 'DER length too large at offset 0');
    assert.equal(reason(bytes(0x30, 0x80, 0x00, 0x00)), 'indefinite DER length at offset 0');
  });

  it('20,000-deep nesting, as DER and as PEM', () => {
    let nested: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 20_000; i++) nested = tlv(0x30, nested);
    assert.match(reason(nested), /^missing signatureAlgorithm at offset \d+$/);
    assert.match(reason(text(pem(nested))), /^missing signatureAlgorithm at offset \d+$/);
    // With the outer shape right, the reader still never descends into the nesting.
    const der = certificate();
    const outer = readTlv(der, 0, der.length);
    const afterTbs = readTlv(der, outer.offset, der.length).end;
    const shaped = seq(seq(nested), der.subarray(afterTbs));
    assert.match(reason(shaped), /^unexpected DER tag for serialNumber at offset \d+$/);
  });

  it('a certificate with a bad date', () => {
    const der = certificate({ notAfter: tlv(0x17, text('991332000000Z')) });
    assert.equal(reason(der), 'invalid notAfter time');
    const noSeconds = certificate({ notAfter: tlv(0x17, text('9912310000Z')) });
    assert.equal(reason(noSeconds), 'unsupported notAfter time format');
    const notATime = certificate({ notBefore: tlv(0x02, bytes(1)) });
    assert.equal(reason(notATime), 'notBefore is not a time');
    const feb29 = certificate({ notAfter: tlv(0x17, text('270229000000Z')) });
    assert.equal(reason(feb29), 'invalid notAfter time');
  });

  it('a certificate missing its signature', () => {
    const der = certificate();
    const outer = readTlv(der, 0, der.length);
    const tbs = der.subarray(outer.offset, readTlv(der, outer.offset, der.length).end);
    assert.match(reason(seq(tbs)), /^missing signatureAlgorithm at offset \d+$/);
  });

  it('never echoes the file content in the reason', () => {
    const marker = 'SECRET-\u001b[31m-INJECT\n';
    for (const input of [
      text(marker),
      text(`-----BEGIN ${marker}-----\n-----END ${marker}-----`),
      text(`-----BEGIN CERTIFICATE-----\n${marker}\n-----END CERTIFICATE-----`),
      text(pem(text(marker))),
      text(pem(text(marker), 'SECRET KEY')),
    ]) {
      const message = reason(input);
      assert.ok(!message.includes('SECRET') && !message.includes('INJECT'), message);
      assert.doesNotMatch(message, /[\u0000-\u001f]/);
    }
  });
});
