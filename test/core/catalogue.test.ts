import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOGUE, formatMessage, sanitizeLogValue } from '../../core/catalogue.ts';

test('original daemon texts are byte-exact (docs/reference.md, Message catalogue)', () => {
  assert.equal(
    formatMessage('willExpire', { notAfter: 'Jul  6 05:04:03 2027 GMT' }),
    'NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT',
  );
  assert.equal(
    formatMessage('configured', { D: 30, H: 24 }),
    'NTLS certificate expiry monitor is configured to send SNMP trap 30 day(s) before the NTLS certificate expires and on every 24 hour(s)',
  );
  assert.equal(formatMessage('shuttingDown'), 'Shutting down NTLS certificate expiry monitor....');
  assert.equal(formatMessage('crashNoDump'), 'certmonitord CRASH AND BURN and unable to dump the stack!');
  assert.equal(CATALOGUE.missing.sev, 'warn');
  assert.equal(CATALOGUE.missing.level, 'warning');
  assert.equal(CATALOGUE.crashDumped.sev, 'crit');
  assert.equal(CATALOGUE.crashDumped.level, 'info');
});

test('substituted values cannot inject lines or grow without bound', () => {
  const text = formatMessage('trapSent', { host: 'evil\nJan  1 00:00:00 host certmonitord[1]: forged\r\u0000' });
  assert.ok(!/[\r\n\u0000]/.test(text));
  assert.equal(sanitizeLogValue('x'.repeat(1000)).length, 200);
  assert.equal(sanitizeLogValue('a\u2028b'), 'a b');
});

test('unknown placeholders are left visible rather than silently dropped', () => {
  assert.equal(formatMessage('trapSent'), 'NTLS certificate expiry SNMP trap sent to trap host {host}');
});
