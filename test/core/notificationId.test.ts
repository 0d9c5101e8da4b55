import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minuteSlot, notificationId } from '../../core/notificationId.ts';
import { EARLIEST_ISO_INSTANT_MS, hasFourDigitYear, LATEST_ISO_INSTANT_MS } from '../../protocol/isoInstant.ts';

const FP = Array.from({ length: 32 }, () => '8B').join(':');

describe('notificationId', () => {
  it('carries the due minute of any year 0000-9999 in the four-digit form', () => {
    assert.equal(
      notificationId('hsm01', 'expired', Date.parse('0001-01-01T00:00:59Z'), FP),
      'hsm01:8B8B8B8B:expired:0001-01-01T00:00',
    );
    assert.equal(minuteSlot(Date.parse('0000-01-01T00:00:00Z')), '0000-01-01T00:00');
    assert.equal(minuteSlot(Date.parse('0099-12-31T23:59:59Z')), '0099-12-31T23:59');
    assert.equal(minuteSlot(Date.parse('9999-12-31T23:59:59.999Z')), '9999-12-31T23:59');
  });
});

describe('the four-digit ISO instant range', () => {
  it('is exactly the instants whose toISOString has a four-digit year', () => {
    assert.equal(new Date(EARLIEST_ISO_INSTANT_MS).toISOString(), '0000-01-01T00:00:00.000Z');
    assert.equal(new Date(LATEST_ISO_INSTANT_MS).toISOString(), '9999-12-31T23:59:59.999Z');
    assert.equal(new Date(EARLIEST_ISO_INSTANT_MS - 1).toISOString(), '-000001-12-31T23:59:59.999Z');
    assert.equal(new Date(LATEST_ISO_INSTANT_MS + 1).toISOString(), '+010000-01-01T00:00:00.000Z');
    assert.ok(hasFourDigitYear(EARLIEST_ISO_INSTANT_MS) && hasFourDigitYear(LATEST_ISO_INSTANT_MS));
    assert.ok(!hasFourDigitYear(EARLIEST_ISO_INSTANT_MS - 1) && !hasFourDigitYear(LATEST_ISO_INSTANT_MS + 1));
    assert.ok(!hasFourDigitYear(Number.NaN));
  });
});
