import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMessage } from '../../core/catalogue.ts';
import { evaluate } from '../../core/evaluate.ts';
import { statusLogEntry } from '../../core/statusMessage.ts';
import type { Evaluation } from '../../core/types.ts';
import { certificate, time } from '../fixtures/certs/buildDer.ts';

const der = certificate({
  notBefore: time(new Date('2026-07-06T05:04:03Z')),
  notAfter: time(new Date('2027-07-06T05:04:03Z')),
});
const at = (iso: string, days = 30): Evaluation => evaluate({ kind: 'found', bytes: der }, days, new Date(iso));
const text = (e: Evaluation): string => {
  const { key, params } = statusLogEntry(e);
  return formatMessage(key, params);
};

describe('statusLogEntry', () => {
  it('expiring says when the certificate will be expire (the original line)', () => {
    assert.deepEqual(statusLogEntry(at('2027-07-01T00:00:00Z')), {
      key: 'willExpire',
      params: { notAfter: 'Jul  6 05:04:03 2027 GMT' },
    });
    assert.equal(text(at('2027-07-01T00:00:00Z')), 'NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT');
  });

  it('valid does not read like a warning: it says until when the certificate is valid', () => {
    assert.deepEqual(statusLogEntry(at('2026-12-01T00:00:00Z')), {
      key: 'valid',
      params: { notAfter: 'Jul  6 05:04:03 2027 GMT' },
    });
    assert.equal(text(at('2026-12-01T00:00:00Z')), 'NTLS certificate is valid until Jul  6 05:04:03 2027 GMT');
  });

  it('expired, not yet valid, missing, invalid and unavailable have their own lines', () => {
    assert.equal(text(at('2027-07-06T05:04:04Z')), 'NTLS certificate has expired on Jul  6 05:04:03 2027 GMT');
    assert.equal(text(at('2026-07-06T05:04:02Z')), 'NTLS certificate is not yet valid until Jul  6 05:04:03 2026 GMT');
    assert.deepEqual(statusLogEntry({ status: 'missing' }), { key: 'missing', params: {} });
    assert.equal(text({ status: 'missing' }), 'NTLS certificate is missing');
    const invalid = evaluate({ kind: 'found', bytes: new Uint8Array(0) }, 30, new Date(0));
    assert.deepEqual(statusLogEntry(invalid), { key: 'invalid', params: { reason: 'empty input' } });
    assert.deepEqual(statusLogEntry({ status: 'unavailable', error: 'throttled' }), {
      key: 'unavailable',
      params: { reason: 'throttled' },
    });
  });
});
