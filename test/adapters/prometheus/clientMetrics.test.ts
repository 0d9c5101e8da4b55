import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certificateMetricsText } from '../../../adapters/prometheus/certificateMetrics.ts';
import type { ClientView } from '../../../core/clientState.ts';
import { type ApplianceView, STATUSES, type Status } from '../../../core/types.ts';
import { assertPromtoolAccepts, sampleValue } from '../../helpers/promtool.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
const appliance: ApplianceView = {
  status: 'valid',
  thresholdDays: 30,
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  subject: 'CN=hsm01',
  serialNumber: '0A',
};
const client: ClientView = {
  status: 'expiring',
  thresholdDays: 30,
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-12-01T00:00:00.000Z',
  subject: 'CN=app01',
  serialNumber: '0B',
  bundle: 'ok',
  trust: { hsm01: 'trusted', hsm02: 'untrusted', hsm03: 'unknown', hsm04: 'unverifiable' },
};

describe('the clients in the metrics textfile', () => {
  it('adds certmonitor_client_trusts 0/1 and the client certificate’s x509 series labelled client; promtool accepts it', async () => {
    const text = await certificateMetricsText(
      [['hsm01', appliance]],
      NOW,
      { ...byStatus, valid: 1 },
      new Map([['app01', client]]),
    );
    assertPromtoolAccepts(text, 'the textfile with clients');
    assert.equal(sampleValue(text, 'certmonitor_client_trusts{client="app01",appliance="hsm01"}'), 1);
    assert.equal(sampleValue(text, 'certmonitor_client_trusts{client="app01",appliance="hsm02"}'), 0);
    assert.doesNotMatch(text, /appliance="hsm03"|appliance="hsm04"/);
    assert.equal(
      sampleValue(text, 'x509_cert_not_after{client="app01",subject_CN="app01",serial_number="11"}'),
      Date.parse('2026-12-01T00:00:00Z') / 1000,
    );
    assert.equal(
      sampleValue(text, 'x509_cert_not_after{appliance="hsm01",subject_CN="hsm01",serial_number="10"}'),
      Date.parse('2027-01-01T00:00:00Z') / 1000,
    );
  });

  it('is the same text as before without clients', async () => {
    const before = await certificateMetricsText([['hsm01', appliance]], NOW, { ...byStatus, valid: 1 });
    const empty = await certificateMetricsText([['hsm01', appliance]], NOW, { ...byStatus, valid: 1 }, new Map());
    assert.equal(empty, before);
    assert.doesNotMatch(before, /client/);
  });
});
