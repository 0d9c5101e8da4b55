import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUtcInstant, parseIsoInstant } from '../../protocol/isoInstant.ts';

describe('parseIsoInstant', () => {
  it('reads UTC instants with and without seconds and fractions', () => {
    assert.equal(parseIsoInstant('2026-11-24T12:00:00Z'), Date.parse('2026-11-24T12:00:00Z'));
    assert.equal(parseIsoInstant('2026-11-24T12:00Z'), Date.parse('2026-11-24T12:00:00Z'));
    assert.equal(parseIsoInstant('2026-11-24T12:00:00.123456789Z'), Date.parse('2026-11-24T12:00:00.123Z'));
  });

  it('applies a zone offset, with or without its colon', () => {
    assert.equal(parseIsoInstant('2026-11-24T14:00:00+02:00'), Date.parse('2026-11-24T12:00:00Z'));
    assert.equal(parseIsoInstant('2026-11-24T10:30:00-0130'), Date.parse('2026-11-24T12:00:00Z'));
    assert.equal(parseIsoInstant('2026-11-24T14:00:00+02:00', { offset: false }), undefined);
  });

  it('reads a date alone only when asked to', () => {
    assert.equal(parseIsoInstant('2026-11-24'), undefined);
    assert.equal(parseIsoInstant('2026-11-24', { dateOnly: true }), Date.parse('2026-11-24T00:00:00Z'));
  });

  it('refuses days that do not exist instead of rolling them over', () => {
    for (const text of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2025-02-29T00:00:00Z',
    ]) {
      assert.equal(parseIsoInstant(text), undefined, text);
    }
    assert.equal(parseIsoInstant('2024-02-29T00:00:00Z'), Date.parse('2024-02-29T00:00:00Z'));
    for (const text of [
      '2026-11-24T24:00:00Z',
      '2026-11-24T12:60:00Z',
      '2026-11-24T12:00:60Z',
      '2026-11-24T12:00:00+24:00',
    ]) {
      assert.equal(parseIsoInstant(text), undefined, text);
    }
  });

  it('reads years below 100 exactly (no mapping to 19xx)', () => {
    const ms = parseIsoInstant('0001-01-01T00:00:00Z');
    assert.equal(new Date(ms!).toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(new Date(parseIsoInstant('0099-12-31T23:59:59Z')!).toISOString(), '0099-12-31T23:59:59.000Z');
    assert.equal(new Date(parseIsoInstant('9999-12-31T23:59:59Z')!).toISOString(), '9999-12-31T23:59:59.000Z');
  });

  it('refuses text that is not an instant', () => {
    for (const text of [
      '',
      'yesterday',
      '2026-11-24T12',
      '+002026-11-24T12:00:00Z',
      '2026-11-24 12:00:00Z',
      '2026-11-24T12:00:00',
    ]) {
      assert.equal(parseIsoInstant(text), undefined, text);
    }
  });
});

describe('isUtcInstant', () => {
  it('accepts the form toISOString writes and refuses offsets and missing seconds', () => {
    assert.ok(isUtcInstant(new Date(0).toISOString()));
    assert.ok(isUtcInstant('0001-01-01T00:00:00.000Z'));
    assert.ok(!isUtcInstant('2026-11-24T12:00Z'));
    assert.ok(!isUtcInstant('2026-11-24T12:00:00+00:00'));
    assert.ok(!isUtcInstant(42));
  });
});
