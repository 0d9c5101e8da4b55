import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonName } from '../../core/commonName.ts';

test('the last CN of a one-line name, unescaped', () => {
  assert.equal(commonName('C=US, O=Acme, CN=hsm01'), 'hsm01');
  assert.equal(commonName('CN=first, O=x, CN=last'), 'last');
  assert.equal(commonName('O=Acme\\, Inc., CN=hsm\\, \\"one\\" \\<b\\>'), 'hsm, "one" <b>');
  assert.equal(commonName('CN=a\\0Ab + OU=x'), 'a\nb');
  assert.equal(commonName('CN=\\ padded\\ , O=x'), ' padded ');
  assert.equal(commonName('C=US, O=Acme'), '');
  assert.equal(commonName(''), '');
  assert.equal(commonName('2.5.4.3=#0C0161, CN=real'), 'real');
});
