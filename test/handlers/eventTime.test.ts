import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventTimeError } from '../../handlers/errors.ts';
import { eventTime } from '../../handlers/eventTime.ts';

describe('eventTime', () => {
  it('reads an EventBridge time, and without one leaves the clock to the caller', () => {
    assert.equal(eventTime({ time: '2026-11-24T12:00:00Z' })?.toISOString(), '2026-11-24T12:00:00.000Z');
    assert.equal(eventTime({}), undefined);
    assert.equal(eventTime(undefined), undefined);
    assert.throws(() => eventTime({ time: 'yesterday' }), EventTimeError);
  });

  it('takes four-digit years below 1000 literally (a replay as of year 1)', () => {
    assert.equal(eventTime({ time: '0001-01-01T00:00:00Z' })?.toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(eventTime({ time: '0000-01-01T00:00:00Z' })?.toISOString(), '0000-01-01T00:00:00.000Z');
    assert.equal(eventTime({ time: '0099-12-31T23:59:59Z' })?.getUTCFullYear(), 99);
  });

  it('refuses an instant that would leave years 0000-9999 once in UTC (its ISO form would have six digits)', () => {
    for (const time of ['0000-01-01T00:00:00+01:00', '9999-12-31T23:30:00-01:00']) {
      assert.throws(() => eventTime({ time }), /event\.time is not in the years 0000 to 9999/, time);
    }
    assert.equal(eventTime({ time: '9999-12-31T23:59:59Z' })?.toISOString(), '9999-12-31T23:59:59.000Z');
  });
});
