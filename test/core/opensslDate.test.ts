import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLunaTimestamp, formatOpensslDate } from '../../core/opensslDate.ts';

describe('formatOpensslDate', () => {
  it('prints OpenSSL %b %e %H:%M:%S %Y GMT in UTC, day padded with a space', () => {
    assert.equal(formatOpensslDate(new Date('2023-07-26T16:32:48Z')), 'Jul 26 16:32:48 2023 GMT');
    assert.equal(formatOpensslDate(new Date('2027-07-06T05:04:03Z')), 'Jul  6 05:04:03 2027 GMT');
    assert.equal(formatOpensslDate(new Date('9999-12-31T23:59:59Z')), 'Dec 31 23:59:59 9999 GMT');
    assert.equal(formatOpensslDate(new Date('2028-02-29T00:00:00.999Z')), 'Feb 29 00:00:00 2028 GMT');
  });

  it('prints years below 1000 unpadded, as OpenSSL does (Jan  1 00:00:00 1 GMT)', () => {
    assert.equal(formatOpensslDate(new Date('0001-01-01T00:00:00Z')), 'Jan  1 00:00:00 1 GMT');
    assert.equal(formatOpensslDate(new Date('0099-06-15T12:00:00Z')), 'Jun 15 12:00:00 99 GMT');
    assert.equal(formatOpensslDate(new Date('0100-01-01T00:00:00Z')), 'Jan  1 00:00:00 100 GMT');
    assert.equal(formatOpensslDate(new Date('0000-02-29T23:59:59Z')), 'Feb 29 23:59:59 0 GMT');
  });

  it('ignores the local time zone', () => {
    assert.equal(formatOpensslDate(new Date('2024-01-01T00:30:00+02:00')), 'Dec 31 22:30:00 2023 GMT');
  });
});

describe('formatLunaTimestamp', () => {
  it('prints the lunalogs %Y %b %e %H:%M:%S', () => {
    assert.equal(formatLunaTimestamp(new Date('2012-02-29T12:05:01Z')), '2012 Feb 29 12:05:01');
    assert.equal(formatLunaTimestamp(new Date('2027-07-06T05:04:03Z')), '2027 Jul  6 05:04:03');
  });
});
