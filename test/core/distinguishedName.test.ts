import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatDistinguishedName } from '../../core/distinguishedName.ts';
import { readCertificateFile } from '../../core/readCertificateFile.ts';
import {
  bmpString,
  C,
  CN,
  certificate,
  ia5String,
  integer,
  name,
  O,
  oid,
  printableString,
  seq,
  set,
  t61String,
  tlv,
  utf8String,
} from '../fixtures/certs/buildDer.ts';

const dir = mkdtempSync(join(tmpdir(), 'certmonitor-dn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The subject as `openssl x509 -subject` prints it with the name options matching certmonitor's form. */
function opensslSubject(der: Uint8Array): string {
  if (spawnSync('openssl', ['version']).error) assert.fail('openssl is not installed: apt-get install openssl');
  const file = join(dir, 'cert.der');
  writeFileSync(file, der);
  const out = execFileSync(
    'openssl',
    [
      'x509',
      '-inform',
      'DER',
      '-in',
      file,
      '-noout',
      '-subject',
      '-nameopt',
      'sep_comma_plus_space,sname,utf8,esc_2253,esc_ctrl,-esc_msb',
    ],
    { encoding: 'utf8' },
  );
  return out.replace(/\n$/, '').replace(/^subject=/, '');
}

const subjectOf = (subject: Uint8Array): string => readCertificateFile(certificate({ subject })).certificate.subject;

describe('formatDistinguishedName matches openssl', () => {
  const cases: [string, Uint8Array][] = [
    ['plain', name([C, printableString('US')], [O, utf8String('Acme')], [CN, utf8String('hsm01')])],
    ['control characters', name([CN, utf8String('a\nb\u001bc\u007fd')])],
    [
      'BMP, T61 and IA5 strings',
      name([O, bmpString('Zürich')], [CN, t61String('Caf\u00e9')], ['1.2.840.113549.1.9.1', ia5String('a@b.c')]),
    ],
    ['RFC 2253 specials', name([CN, utf8String(',+"<>;\\=x')])],
    ['leading # and surrounding spaces', name([CN, utf8String('#lead')], [O, utf8String(' both ')])],
    ['an unknown attribute type', name(['1.2.3.4', utf8String('odd')])],
    ['a multi-valued RDN', seq(set(seq(oid(O), utf8String('A')), seq(oid(CN), utf8String('B'))))],
    ['UTF-8 beyond Latin-1', name([CN, utf8String('日本語 ñ')])],
    [
      'organizationIdentifier and DC',
      name(['2.5.4.97', utf8String('VATDE-1')], ['0.9.2342.19200300.100.1.25', ia5String('example')]),
    ],
    ['an empty name', seq()],
  ];
  for (const [label, subject] of cases) {
    it(label, () => {
      assert.equal(subjectOf(subject), opensslSubject(certificate({ subject })));
    });
  }
});

describe('formatDistinguishedName safety', () => {
  it('escapes Unicode line separators too (OpenSSL prints them raw)', () => {
    assert.equal(subjectOf(name([CN, utf8String('a\u2028b\u2029c')])), 'CN=a\\2028b\\2029c');
  });

  it('shows a non-string value as #hex of its DER', () => {
    assert.equal(subjectOf(name([CN, integer(5)])), 'CN=#020105');
  });

  it('replaces bad UTF-8 instead of failing', () => {
    assert.equal(subjectOf(name([CN, tlv(0x0c, Uint8Array.from([0x61, 0xff, 0x62]))])), 'CN=a\ufffdb');
  });

  it('bounds a huge name', () => {
    const many = name(...Array.from({ length: 5000 }, (): [string, Uint8Array] => [CN, utf8String('x'.repeat(50))]));
    const text = subjectOf(many);
    assert.equal(text.length, 1024);
    assert.ok(text.endsWith('…'));
  });

  it('refuses a malformed name', () => {
    const bad = Uint8Array.from([0x31, 0x03, 0x30, 0x01, 0x06]);
    assert.throws(() => formatDistinguishedName(bad, 0, bad.length), /truncated DER at offset 4/);
  });
});
