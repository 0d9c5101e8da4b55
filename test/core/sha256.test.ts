import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fingerprintSha256, sha256, toHexPairs } from '../../core/sha256.ts';

const reference = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    assert.equal(hex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      hex(sha256(new TextEncoder().encode('abc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('matches node:crypto at every length around the block and padding edges', () => {
    for (let n = 0; n <= 260; n++) {
      const data = new Uint8Array(randomBytes(n));
      assert.equal(hex(sha256(data)), reference(data), `length ${n}`);
    }
    const large = new Uint8Array(randomBytes(1024 * 1024 + 7));
    assert.equal(hex(sha256(large)), reference(large));
  });

  it('hashes a range of a larger buffer', () => {
    const data = new Uint8Array(randomBytes(300));
    assert.equal(hex(sha256(data, 17, 250)), reference(data.subarray(17, 250)));
  });
});

describe('fingerprintSha256', () => {
  it('is uppercase hex pairs joined by colons', () => {
    assert.equal(
      fingerprintSha256(new TextEncoder().encode('abc')),
      'BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD',
    );
    assert.equal(toHexPairs(new Uint8Array([0, 10, 255]), ''), '000AFF');
  });
});
