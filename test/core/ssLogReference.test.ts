import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSsLogReference } from '../../core/ssLogReference.ts';

describe('formatSsLogReference', () => {
  it('matches the appliance layout with assert flag 1', () => {
    assert.equal(
      formatSsLogReference({
        appliance: 'hsm01',
        address: '10.0.0.5',
        time: new Date('2027-07-06T05:04:03Z'),
        pid: 4242,
        assert: true,
      }),
      '[hsm01:10.0.0.5 / lunalogs / 2027 Jul  6 05:04:03 / certmonitord[4242] / 1]',
    );
  });

  it('clears with flag 0 and defaults the address to 0.0.0.0', () => {
    assert.equal(
      formatSsLogReference({ appliance: 'myLuna', time: new Date('2012-02-29T12:05:01Z'), pid: 1, assert: false }),
      '[myLuna:0.0.0.0 / lunalogs / 2012 Feb 29 12:05:01 / certmonitord[1] / 0]',
    );
  });
});
