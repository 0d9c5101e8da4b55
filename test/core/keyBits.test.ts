import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyBits } from '../../core/keyBits.ts';

test('key sizes come from the key names the reader gives (and the cache keeps)', () => {
  assert.deepEqual(keyBits('RSA-1024'), { family: 'rsa', bits: 1024 });
  assert.deepEqual(keyBits('RSA-PSS-3072'), { family: 'rsa', bits: 3072 });
  assert.deepEqual(keyBits('EC P-521'), { family: 'ec', bits: 521 });
  assert.deepEqual(keyBits('EC brainpoolP384r1'), { family: 'ec', bits: 384 });
  assert.deepEqual(keyBits('EC (explicit parameters)'), { family: 'ec' });
  assert.deepEqual(keyBits('Ed25519'), { family: 'other' });
  assert.deepEqual(keyBits('unknown (1.2.3)'), { family: 'other' });
});
