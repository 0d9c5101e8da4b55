import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecdsaRawSignature } from '../../core/ecdsaSignature.ts';

describe('ecdsaRawSignature', () => {
  it('drops INTEGER sign octets and left-pads r and s to the curve size', () => {
    // SEQUENCE { INTEGER 00 FF (r = 255 with a sign octet), INTEGER 01 (s = 1) }
    const der = Uint8Array.from([0x30, 0x07, 0x02, 0x02, 0x00, 0xff, 0x02, 0x01, 0x01]);
    const raw = ecdsaRawSignature(der, 4);
    assert.deepEqual([...raw], [0, 0, 0, 0xff, 0, 0, 0, 1]);
  });

  it('refuses an integer longer than the curve size and a signature that is not a SEQUENCE', () => {
    assert.throws(() => ecdsaRawSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]), 0));
    assert.throws(() => ecdsaRawSignature(Uint8Array.from([0x04, 0x00]), 32));
  });
});
