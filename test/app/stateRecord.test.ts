import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeStateRecord, decodeTrapHostReport, encodeTrapHostReport } from '../../app/stateRecord.ts';
import { normalizeState } from '../../core/normalizeState.ts';
import type { ApplianceState } from '../../core/types.ts';

const WORDING = { tooLarge: 'too large', notJson: 'not JSON' };
const T0 = '2026-11-24T12:00:00.000Z';
const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const OWED = {
  notification: {
    id: 'hsm01:ABABABAB:expiring:2026-11-24T12:00',
    appliance: 'hsm01',
    address: '10.0.0.5',
    event: 'expiring',
    observedAt: T0,
    notAfter: '2026-12-01T00:00:00.000Z',
    fingerprintSha256: FP,
  },
  hosts: ['nms3'],
  since: T0,
};
const BASE = { version: 1, alertActive: true, fingerprint: FP, lastAlertAt: T0 };
const decode = (value: unknown) => decodeStateRecord(new TextEncoder().encode(JSON.stringify(value)), '"v1"', WORDING);

describe('decoding a state record with owed deliveries', () => {
  test('a record written before owed deliveries existed reads as before', () => {
    const loaded = decode(BASE);
    assert.equal(loaded.corrupt, undefined);
    assert.deepEqual(normalizeState(loaded.state as ApplianceState), BASE);
  });

  test('an owed delivery round-trips', () => {
    const loaded = decode({ ...BASE, owed: [OWED] });
    assert.equal(loaded.corrupt, undefined);
    assert.deepEqual(normalizeState(loaded.state as ApplianceState).owed, [OWED]);
  });

  test('a malformed owed entry is ignored; the rest of the record, alert fields included, is kept', () => {
    for (const owed of [
      [{ ...OWED, since: 'never' }, OWED],
      'x',
      7,
      [null, OWED],
      [{ ...OWED, hosts: 'nms3' }, OWED],
    ]) {
      const loaded = decode({ ...BASE, owed });
      assert.equal(loaded.corrupt, undefined, JSON.stringify(owed));
      const state = normalizeState(loaded.state as ApplianceState);
      assert.equal(state.alertActive, true);
      assert.equal(state.lastAlertAt, T0);
      assert.deepEqual(state.owed ?? [], Array.isArray(owed) ? [OWED] : []);
    }
  });
});

describe('the trap host record', () => {
  test('round-trips; anything unreadable reads as no host failing, with its version', () => {
    const report = { hosts: { nms3: { failingSince: T0, lastFailedAt: T0 } } };
    const bytes = new TextEncoder().encode(encodeTrapHostReport(report));
    assert.deepEqual(decodeTrapHostReport(bytes, '"e"'), { report, version: '"e"' });
    for (const text of ['', 'not json', '[]', '{"hosts": 5}']) {
      assert.deepEqual(decodeTrapHostReport(new TextEncoder().encode(text), '"e"'), {
        report: { hosts: {} },
        version: '"e"',
      });
    }
  });
});
