import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsoleLogSink } from '../../../adapters/log/consoleLogSink.ts';
import { logEntry } from '../../../core/logEntry.ts';

const AT = new Date('2026-11-24T12:00:00.123Z');

function capture() {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s) }, text: () => chunks.join('') };
}

test('human lines: time to the second, appliance or -, level, the catalogue text', () => {
  const c = capture();
  const sink = new ConsoleLogSink({ out: c.out, time: () => AT });
  sink.write(logEntry('started'));
  sink.write(logEntry('missing', {}, 'hsm01'));
  sink.write(logEntry('trapFailed', { host: '10.0.0.1:162' }, 'hsm01'));
  assert.equal(
    c.text(),
    [
      '2026-11-24T12:00:00Z - info : 0 : NTLS certificate expiry monitor started',
      '2026-11-24T12:00:00Z hsm01 warning : 0 : NTLS certificate is missing',
      '2026-11-24T12:00:00Z hsm01 error : 0 : Failed to send NTLS certificate expiry SNMP trap to trap host 10.0.0.1:162',
      '',
    ].join('\n'),
  );
});

test('JSON lines: one object per line; a context never overrides the entry', () => {
  const c = capture();
  const sink = new ConsoleLogSink({ format: 'json', out: c.out, time: () => AT });
  sink.write(logEntry('invalid', { reason: 'bad\nline' }, 'hsm01'), { text: 'forged', event: 'x' });
  const lines = c.text().split('\n');
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0] ?? ''), {
    time: '2026-11-24T12:00:00Z',
    event: 'x',
    appliance: 'hsm01',
    key: 'invalid',
    sev: 'err',
    level: 'error',
    text: 'NTLS certificate is invalid: bad line',
  });
});
