import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import snmp from 'net-snmp';
import { isStaleEngineError } from '../../../gateway/snmp/staleEngine.ts';

/** An error as net-snmp raises it for an invalid response. */
function responseInvalid(message: string, code: number): Error {
  return Object.assign(new Error(message), { name: 'ResponseInvalidError', code });
}

describe('isStaleEngineError', () => {
  it('is true for a response outside the time window the session knows', () => {
    const message = "Message with engineBoots '1' and engineTime '3' is outside the time window";
    assert.equal(isStaleEngineError(responseInvalid(message, snmp.ResponseInvalidCode.ENotInTimeWindow)), true);
  });

  it('is true for the USM reports net-snmp passes on: not in time window, unknown engine ID', () => {
    const auth = snmp.ResponseInvalidCode.EAuthFailure;
    assert.equal(isStaleEngineError(responseInvalid('Not In Time Window', auth)), true);
    assert.equal(isStaleEngineError(responseInvalid('Unknown Engine ID', auth)), true);
  });

  it('is false for other authentication failures, other invalid responses and other errors', () => {
    const auth = snmp.ResponseInvalidCode.EAuthFailure;
    assert.equal(isStaleEngineError(responseInvalid('Wrong Digests', auth)), false);
    assert.equal(isStaleEngineError(responseInvalid('Unknown User Name', auth)), false);
    const unexpected = snmp.ResponseInvalidCode.EUnexpectedReport as number;
    assert.equal(isStaleEngineError(responseInvalid('Unexpected Report PDU', unexpected)), false);
    assert.equal(isStaleEngineError(new Error('Not In Time Window')), false);
    assert.equal(
      isStaleEngineError(Object.assign(new Error('Request timed out'), { name: 'RequestTimedOutError' })),
      false,
    );
  });
});
