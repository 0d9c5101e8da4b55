import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../core/evaluate.ts';
import { evaluationFields } from '../../core/evaluationFields.ts';
import { C, CN, certificate, integer, name, O, printableString, time, utf8String } from '../fixtures/certs/buildDer.ts';

describe('evaluationFields', () => {
  it('gives the README, Command line inspect fields for a certificate', () => {
    const der = certificate({
      serial: integer(0x00, 0x9f, 0x01),
      subject: name([C, printableString('US')], [O, utf8String('Acme')], [CN, utf8String('hsm01')]),
      notBefore: time(new Date('2026-01-01T00:00:00Z')),
      notAfter: time(new Date('2026-12-01T00:00:00Z')),
    });
    const fields = evaluationFields(evaluate({ kind: 'found', bytes: der }, 30, new Date('2026-11-24T12:00:00Z')));
    assert.deepEqual(Object.keys(fields), [
      'status',
      'notBefore',
      'notAfter',
      'secondsRemaining',
      'daysRemaining',
      'fingerprintSha256',
      'subject',
      'issuer',
      'serialNumber',
      'keyType',
      'message',
    ]);
    assert.equal(fields.status, 'expiring');
    assert.equal(fields.notBefore, '2026-01-01T00:00:00.000Z');
    assert.equal(fields.notAfter, '2026-12-01T00:00:00.000Z');
    assert.equal(fields.secondsRemaining, 6 * 86400 + 12 * 3600);
    assert.equal(fields.daysRemaining, 6);
    assert.match(fields.fingerprintSha256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(fields.subject, 'C=US, O=Acme, CN=hsm01');
    assert.equal(fields.issuer, 'CN=test-ca');
    assert.equal(fields.serialNumber, '9F01');
    assert.equal(fields.keyType, 'Ed25519');
    assert.equal(fields.message, 'NTLS certificate will be expire on Dec  1 00:00:00 2026 GMT');
  });

  it('gives status, message and error for an invalid file', () => {
    const fields = evaluationFields(evaluate({ kind: 'found', bytes: new Uint8Array([1]) }, 30, new Date(0)));
    assert.deepEqual(fields, {
      status: 'invalid',
      message: 'NTLS certificate is invalid: not a PEM or DER certificate',
      error: 'not a PEM or DER certificate',
    });
  });
});
