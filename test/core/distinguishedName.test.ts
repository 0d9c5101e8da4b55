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

/** Every X.520 attribute type OpenSSL 3 names (its objects table), with the name it prints. */
const X520_NAMES: [string, string][] = [
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'title'],
  ['2.5.4.13', 'description'],
  ['2.5.4.14', 'searchGuide'],
  ['2.5.4.15', 'businessCategory'],
  ['2.5.4.16', 'postalAddress'],
  ['2.5.4.17', 'postalCode'],
  ['2.5.4.18', 'postOfficeBox'],
  ['2.5.4.19', 'physicalDeliveryOfficeName'],
  ['2.5.4.20', 'telephoneNumber'],
  ['2.5.4.21', 'telexNumber'],
  ['2.5.4.22', 'teletexTerminalIdentifier'],
  ['2.5.4.23', 'facsimileTelephoneNumber'],
  ['2.5.4.24', 'x121Address'],
  ['2.5.4.25', 'internationaliSDNNumber'],
  ['2.5.4.26', 'registeredAddress'],
  ['2.5.4.27', 'destinationIndicator'],
  ['2.5.4.28', 'preferredDeliveryMethod'],
  ['2.5.4.29', 'presentationAddress'],
  ['2.5.4.30', 'supportedApplicationContext'],
  ['2.5.4.31', 'member'],
  ['2.5.4.32', 'owner'],
  ['2.5.4.33', 'roleOccupant'],
  ['2.5.4.34', 'seeAlso'],
  ['2.5.4.35', 'userPassword'],
  ['2.5.4.36', 'userCertificate'],
  ['2.5.4.37', 'cACertificate'],
  ['2.5.4.38', 'authorityRevocationList'],
  ['2.5.4.39', 'certificateRevocationList'],
  ['2.5.4.40', 'crossCertificatePair'],
  ['2.5.4.41', 'name'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.44', 'generationQualifier'],
  ['2.5.4.45', 'x500UniqueIdentifier'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.47', 'enhancedSearchGuide'],
  ['2.5.4.48', 'protocolInformation'],
  ['2.5.4.49', 'distinguishedName'],
  ['2.5.4.50', 'uniqueMember'],
  ['2.5.4.51', 'houseIdentifier'],
  ['2.5.4.52', 'supportedAlgorithms'],
  ['2.5.4.53', 'deltaRevocationList'],
  ['2.5.4.54', 'dmdName'],
  ['2.5.4.65', 'pseudonym'],
  ['2.5.4.72', 'role'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['2.5.4.98', 'c3'],
  ['2.5.4.99', 'n3'],
  ['2.5.4.100', 'dnsName'],
];

describe('formatDistinguishedName names every X.520 attribute type as openssl does', () => {
  it('telephoneNumber and postOfficeBox, in a name with the usual attributes', () => {
    const subject = name(
      [C, printableString('DE')],
      [O, utf8String('Acme')],
      ['2.5.4.18', utf8String('PO Box 12')],
      ['2.5.4.20', printableString('+49 30 1234567')],
      [CN, utf8String('hsm01')],
    );
    // The leading + is escaped (RFC 2253), by OpenSSL too.
    const expected = 'C=DE, O=Acme, postOfficeBox=PO Box 12, telephoneNumber=\\+49 30 1234567, CN=hsm01';
    assert.equal(subjectOf(subject), expected);
    assert.equal(opensslSubject(certificate({ subject })), expected);
  });

  for (const [type, shortName] of X520_NAMES) {
    it(`${type} is ${shortName}`, () => {
      const subject = name([type, utf8String('v')]);
      assert.equal(subjectOf(subject), `${shortName}=v`);
      assert.equal(opensslSubject(certificate({ subject })), `${shortName}=v`);
    });
  }

  it('a 2.5.4 type OpenSSL does not name stays a dotted OID, as openssl prints it', () => {
    for (const type of ['2.5.4.0', '2.5.4.55', '2.5.4.101']) {
      const subject = name([type, utf8String('v')]);
      assert.equal(subjectOf(subject), `${type}=v`);
      assert.equal(opensslSubject(certificate({ subject })), `${type}=v`);
    }
  });
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
