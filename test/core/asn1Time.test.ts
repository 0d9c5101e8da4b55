import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAsn1Time } from '../../core/asn1Time.ts';

const parse = (tag: number, s: string): string => {
  const der = new TextEncoder().encode(s);
  return new Date(parseAsn1Time(der, tag, 0, der.length, 'notAfter')).toISOString();
};
const UTC = 0x17;
const GEN = 0x18;

describe('parseAsn1Time', () => {
  it('reads UTCTime with the RFC 5280 century rule', () => {
    assert.equal(parse(UTC, '500101000000Z'), '1950-01-01T00:00:00.000Z');
    assert.equal(parse(UTC, '491231235959Z'), '2049-12-31T23:59:59.000Z');
    assert.equal(parse(UTC, '000229120000Z'), '2000-02-29T12:00:00.000Z');
  });

  it('reads GeneralizedTime, including 99991231235959Z', () => {
    assert.equal(parse(GEN, '99991231235959Z'), '9999-12-31T23:59:59.000Z');
    assert.equal(parse(GEN, '20500101000000Z'), '2050-01-01T00:00:00.000Z');
    assert.equal(parse(GEN, '24000229000000Z'), '2400-02-29T00:00:00.000Z');
  });

  it('refuses impossible dates and non-RFC 5280 forms', () => {
    for (const [tag, s] of [
      [UTC, '210229000000Z'],
      [GEN, '21000229000000Z'],
      [UTC, '211301000000Z'],
      [UTC, '210100000000Z'],
      [UTC, '210101240000Z'],
      [UTC, '210101006000Z'],
      [UTC, '210101000060Z'],
      [UTC, '210101000000+'],
      [UTC, '2101010000Z'],
      [UTC, '21010100000aZ'],
      [GEN, '20210101000000.5Z'],
      [GEN, '00500101000000Z'],
    ] as const) {
      assert.throws(() => parse(tag, s), /notAfter/, s);
    }
    assert.throws(() => parse(0x02, '500101000000Z'), /notAfter is not a time/);
  });
});
