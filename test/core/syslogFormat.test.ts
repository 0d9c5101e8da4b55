import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatLunalogsLine,
  formatRfc3164,
  formatRfc5424,
  rfc3164Timestamp,
  syslogHostname,
  syslogPri,
} from '../../core/syslogFormat.ts';

const base = {
  sev: 'info',
  level: 'info',
  text: 'NTLS certificate expiry monitor started',
  hostname: 'myLuna',
  pid: 1234,
  now: new Date('2012-02-29T12:05:01Z'),
} as const;

describe('syslogFormat', () => {
  it('computes PRI for local5', () => {
    assert.equal(syslogPri('info'), 174);
    assert.equal(syslogPri('warn'), 172);
    assert.equal(syslogPri('err'), 171);
    assert.equal(syslogPri('crit'), 170);
  });

  it('writes RFC 3164 lines with a space-padded day', () => {
    assert.equal(
      formatRfc3164(base),
      '<174>Feb 29 12:05:01 myLuna certmonitord[1234]: info : 0 : NTLS certificate expiry monitor started',
    );
    assert.equal(rfc3164Timestamp(new Date('2027-07-06T05:04:03Z')), 'Jul  6 05:04:03');
    assert.equal(
      formatRfc3164({ ...base, sev: 'warn', level: 'warning', text: 'NTLS certificate is missing', hostname: 'hsm01' }),
      '<172>Feb 29 12:05:01 hsm01 certmonitord[1234]: warning : 0 : NTLS certificate is missing',
    );
  });

  it('writes RFC 5424 lines', () => {
    assert.equal(
      formatRfc5424({ ...base, sev: 'err', level: 'error', text: 'x' }),
      '<171>1 2012-02-29T12:05:01.000Z myLuna certmonitord 1234 - - error : 0 : x',
    );
  });

  it('writes the lunalogs file line byte for byte', () => {
    assert.equal(
      formatLunalogsLine(base),
      '2012 Feb 29 12:05:01 myLuna  local5 info  certmonitord[1234]: info : 0 : NTLS certificate expiry monitor started',
    );
    assert.equal(
      formatLunalogsLine({ ...base, now: new Date('2027-07-06T05:04:03Z'), sev: 'crit' }),
      '2027 Jul  6 05:04:03 myLuna  local5 crit  certmonitord[1234]: info : 0 : NTLS certificate expiry monitor started',
    );
  });

  it('keeps a host name to one printable token', () => {
    assert.equal(syslogHostname('bad host\nname'), 'bad-host-name');
    assert.equal(syslogHostname(''), '-');
  });
});
