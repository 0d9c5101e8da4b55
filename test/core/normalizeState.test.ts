import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeState } from '../../core/normalizeState.ts';
import type { ApplianceState } from '../../core/types.ts';

const WEB = { version: 1, alertActive: true, fingerprint: 'AB:CD', lastAlertAt: '2026-11-24T12:00:00.000Z' };

test('named certificates nested in a record: kept in canonical form, sorted; a bad entry is dropped, never the record', () => {
  const stored = {
    version: 1,
    alertActive: false,
    fingerprint: 'EF:01',
    certificates: {
      web: { ...WEB, certificates: { deeper: WEB } },
      api: { alertActive: 'yes' },
      'Bad Name': WEB,
      ntls: WEB,
    },
  } as unknown as ApplianceState;
  const normal = normalizeState(stored);
  assert.equal(normal.fingerprint, 'EF:01');
  assert.deepEqual(normal.certificates, { web: WEB }, 'no deeper nesting, only valid names and shapes');
  assert.equal(JSON.stringify(normalizeState(normal)), JSON.stringify(normal));
});

test('a record written before named certificates and replacements loads exactly as it was', () => {
  const old: ApplianceState = {
    version: 1,
    alertActive: true,
    fingerprint: 'EF:01',
    lastAlertAt: '2026-11-24T12:00:00.000Z',
  };
  assert.deepEqual(normalizeState(old), old);
  assert.equal('certificates' in normalizeState(old), false);
  assert.equal('pendingReplaced' in normalizeState(old), false);
});
