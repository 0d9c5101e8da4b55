import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pluginExitCode, pluginLine, pluginUsageLine } from '../../cli/pluginLine.ts';
import { evaluate } from '../../core/evaluate.ts';
import type { Evaluation } from '../../core/types.ts';
import { CN, certificate, name, O, time, utf8String } from '../fixtures/certs/buildDer.ts';

const NOT_AFTER = new Date('2027-07-06T05:04:03Z');

function at(iso: string, subject?: Uint8Array): Evaluation {
  const der = certificate({
    notBefore: time(new Date('2026-07-06T05:04:03Z')),
    notAfter: time(NOT_AFTER),
    ...(subject ? { subject } : {}),
  });
  return evaluate({ kind: 'found', bytes: der }, 30, new Date(iso));
}

describe('pluginLine', () => {
  it('names the certificate by its CN, else the fallback', () => {
    assert.match(pluginLine(at('2027-01-01T00:00:00Z'), { warningDays: 30 }, 'f.pem'), /^CERTMONITOR OK - hsm01 /);
    const noCn = at('2027-01-01T00:00:00Z', name([O, utf8String('Acme')]));
    assert.match(pluginLine(noCn, { warningDays: 30 }, 'f.pem'), /^CERTMONITOR OK - f\.pem certificate expires in /);
  });

  it('a | or a control character from the certificate cannot break the line or start the performance data', () => {
    const hostile = at('2027-01-01T00:00:00Z', name([CN, utf8String('evil|x=1\nCERTMONITOR OK')]));
    const line = pluginLine(hostile, { warningDays: 30 }, 'f.pem');
    assert.equal(line.split('\n').length, 2, line);
    assert.equal(line.split('|').length, 2, line);
    assert.match(
      line,
      // The name printer escapes the newline as OpenSSL does (\0A); the | becomes /.
      /^CERTMONITOR OK - evil\/x=1\\0ACERTMONITOR OK certificate expires in 186 days .* \| days=186;30:;;;\n$/,
    );
    assert.equal(pluginUsageLine('bad | value\n'), 'CERTMONITOR UNKNOWN - bad / value \n');
  });

  it('says 1 day, and less than a day for a certificate expired moments ago', () => {
    assert.match(pluginLine(at('2027-07-05T05:04:03Z'), { warningDays: 30 }, 'f'), /expires in 1 day \(/);
    assert.match(pluginLine(at('2027-07-06T05:04:04Z'), { warningDays: 30 }, 'f'), /expired less than a day ago/);
  });

  it('the exit status: CRITICAL within --critical by the notAfter - now <= D days rule', () => {
    const sevenDaysBefore = at('2027-06-29T05:04:03Z');
    assert.equal(pluginExitCode(sevenDaysBefore, { warningDays: 30 }), 1);
    assert.equal(pluginExitCode(sevenDaysBefore, { warningDays: 30, criticalDays: 7 }), 2);
    assert.equal(pluginExitCode(at('2027-06-29T05:04:02Z'), { warningDays: 30, criticalDays: 7 }), 1);
    assert.equal(pluginExitCode({ status: 'missing' }, { warningDays: 30, criticalDays: 7 }), 3);
  });
});
