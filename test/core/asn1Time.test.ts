import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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

  it('reads GeneralizedTime years 0001-0099 exactly (Go writes its zero time 0001-01-01 as notBefore)', () => {
    assert.equal(parse(GEN, '00010101000000Z'), '0001-01-01T00:00:00.000Z');
    assert.equal(parse(GEN, '00500101000000Z'), '0050-01-01T00:00:00.000Z');
    assert.equal(parse(GEN, '00991231235959Z'), '0099-12-31T23:59:59.000Z');
    assert.equal(parse(GEN, '01000101000000Z'), '0100-01-01T00:00:00.000Z');
    assert.equal(parse(GEN, '00040229000000Z'), '0004-02-29T00:00:00.000Z');
    // Not 1901-1999: the year is never moved into the 20th century.
    assert.equal(new Date(parse(GEN, '00010101000000Z')).getUTCFullYear(), 1);
  });

  it('reads year 0000 as OpenSSL does: proleptic Gregorian year 0, a leap year', () => {
    assert.equal(parse(GEN, '00000101000000Z'), '0000-01-01T00:00:00.000Z');
    assert.equal(parse(GEN, '00000229235959Z'), '0000-02-29T23:59:59.000Z');
    assert.throws(() => parse(GEN, '01000229000000Z'), /invalid notAfter time/);
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
      [GEN, '00011301000000Z'],
      [GEN, '00010100000000Z'],
      [GEN, '00990229000000Z'],
      [GEN, '-0010101000000Z'],
      [GEN, '+0010101000000Z'],
    ] as const) {
      assert.throws(() => parse(tag, s), /notAfter/, s);
    }
    assert.throws(() => parse(0x02, '500101000000Z'), /notAfter is not a time/);
  });
});

const GEN_MIN = Date.parse('0000-01-01T00:00:00Z');
const GEN_MAX = Date.parse('9999-12-31T23:59:59Z');

/** `YYYYMMDDHHMMSSZ` of an instant (whole seconds) in years 0000-9999. */
function generalized(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

describe('parseAsn1Time over the whole range (fast-check)', () => {
  const seconds = (min: number, max: number) =>
    fc.integer({ min: Math.ceil(min / 1000), max: Math.floor(max / 1000) }).map((s) => s * 1000);

  it('reads back every GeneralizedTime instant of years 0000-9999 exactly', () => {
    fc.assert(
      fc.property(seconds(GEN_MIN, GEN_MAX), (ms) => {
        const der = new TextEncoder().encode(generalized(ms));
        assert.equal(parseAsn1Time(der, GEN, 0, der.length, 'notAfter'), ms);
      }),
      { numRuns: 5000, examples: [[GEN_MIN], [GEN_MAX], [Date.parse('0001-01-01T00:00:00Z')]] },
    );
  });

  it('reads back every UTCTime instant of 1950-2049 exactly', () => {
    fc.assert(
      fc.property(seconds(Date.parse('1950-01-01T00:00:00Z'), Date.parse('2049-12-31T23:59:59Z')), (ms) => {
        const der = new TextEncoder().encode(generalized(ms).slice(2));
        assert.equal(parseAsn1Time(der, UTC, 0, der.length, 'notAfter'), ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a GeneralizedTime exactly when its calendar date exists, for any year 0000-9999', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 23 }),
        (year, month, day, hour) => {
          const text = `${String(year).padStart(4, '0')}${two(month)}${two(day)}${two(hour)}0000Z`;
          const der = new TextEncoder().encode(text);
          // Oracle: the ISO form of the same fields parses to a date that prints them back unchanged.
          const iso = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:00:00.000Z`;
          const oracle = Date.parse(iso);
          const exists = Number.isFinite(oracle) && new Date(oracle).toISOString() === iso;
          if (exists) assert.equal(parseAsn1Time(der, GEN, 0, der.length, 'notAfter'), oracle, text);
          else assert.throws(() => parseAsn1Time(der, GEN, 0, der.length, 'notAfter'), /invalid notAfter time/, text);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
