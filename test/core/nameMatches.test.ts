import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsNameMatches, ipAddressForm, nameMatches } from '../../core/nameMatches.ts';

test('a wildcard covers exactly the left-most label (RFC 6125), never a bare suffix', () => {
  assert.equal(dnsNameMatches('*.example.com', 'hsm01.example.com'), true);
  assert.equal(dnsNameMatches('*.example.com', 'example.com'), false);
  assert.equal(dnsNameMatches('*.example.com', 'a.b.example.com'), false);
  assert.equal(dnsNameMatches('*.com', 'example.com'), false);
  assert.equal(dnsNameMatches('hsm*.example.com', 'hsm01.example.com'), false);
  assert.equal(dnsNameMatches('HSM01.example.com.', 'hsm01.EXAMPLE.com'), true);
});

test('addresses compare by value in the form openssl prints SAN IP entries', () => {
  assert.equal(ipAddressForm('2001:db8::1'), '2001:DB8:0:0:0:0:0:1');
  assert.equal(ipAddressForm('[::1]'), '0:0:0:0:0:0:0:1');
  assert.equal(ipAddressForm('10.0.0.5'), '10.0.0.5');
  assert.equal(ipAddressForm('10.0.0.256'), undefined);
  assert.equal(ipAddressForm('hsm01'), undefined);
  assert.equal(nameMatches('10.0.0.5', { dns: ['10.0.0.5'], ip: [] }, ''), false);
  assert.equal(nameMatches('10.0.0.5', { dns: [], ip: ['10.0.0.5'] }, ''), true);
  assert.equal(nameMatches('hsm01', { dns: [], ip: [] }, 'hsm01'), true);
  assert.equal(nameMatches('hsm01', { dns: [], ip: [] }, ''), false);
});
