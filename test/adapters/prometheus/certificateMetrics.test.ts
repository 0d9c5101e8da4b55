import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateMetricsText } from '../../../adapters/prometheus/certificateMetrics.ts';
import { countByStatus } from '../../../core/fleetReport.ts';
import type { ApplianceView } from '../../../core/types.ts';
import { assertPromtoolAccepts, sampleValue } from '../../helpers/promtool.ts';

const NOW = new Date('2026-11-24T12:00:00Z');

function view(status: ApplianceView['status'], notAfter: string, subject: string): ApplianceView {
  return { status, thresholdDays: 30, notBefore: '2026-01-01T00:00:00.000Z', notAfter, subject, serialNumber: '0A' };
}

test('named certificates: every x509 series gains certificate (ntls for the NTLS one), promtool accepts it', async () => {
  const hsm01 = {
    ...view('valid', '2027-11-24T12:00:00.000Z', 'CN=hsm01'),
    certificates: { web: view('expired', '2026-11-01T00:00:00.000Z', 'CN=hsm01.example.net') },
  };
  const hsm02 = view('valid', '2027-06-01T00:00:00.000Z', 'CN=hsm02');
  const text = await certificateMetricsText(
    [
      ['hsm01', hsm01],
      ['hsm02', hsm02],
    ],
    NOW,
    countByStatus([hsm01, hsm02]),
  );
  assertPromtoolAccepts(text, 'the textfile with named certificates');
  const web = '{appliance="hsm01",subject_CN="hsm01.example.net",serial_number="10",certificate="web"}';
  assert.equal(sampleValue(text, `x509_cert_expired${web}`), 1);
  assert.equal(sampleValue(text, `x509_cert_not_after${web}`), Date.parse('2026-11-01T00:00:00Z') / 1000);
  assert.equal(
    sampleValue(text, 'x509_cert_expired{appliance="hsm02",subject_CN="hsm02",serial_number="10",certificate="ntls"}'),
    0,
  );
  // The appliances are still counted by their NTLS certificate.
  assert.equal(sampleValue(text, 'certmonitor_appliances{status="valid"}'), 2);
  assert.equal(sampleValue(text, 'certmonitor_appliances{status="expired"}'), 0);
});

test('without named certificates the series carry no certificate label, exactly as before', async () => {
  const hsm02 = view('valid', '2027-06-01T00:00:00.000Z', 'CN=hsm02');
  const text = await certificateMetricsText([['hsm02', hsm02]], NOW, countByStatus([hsm02]));
  assertPromtoolAccepts(text, 'the textfile without named certificates');
  assert.equal(sampleValue(text, 'x509_cert_expired{appliance="hsm02",subject_CN="hsm02",serial_number="10"}'), 0);
  assert.doesNotMatch(text, /certificate="/);
});

test('without findings the textfile has no certmonitor_certificate_finding lines at all; with one it has them', async () => {
  const hsm02 = view('valid', '2027-06-01T00:00:00.000Z', 'CN=hsm02');
  const plain = await certificateMetricsText([['hsm02', hsm02]], NOW, countByStatus([hsm02]));
  assertPromtoolAccepts(plain, 'the textfile without findings');
  assert.doesNotMatch(plain, /certmonitor_certificate_finding/);
  const weak = {
    ...hsm02,
    findings: [{ finding: 'weak_key' as const, detail: 'RSA-1024 (policy minimum 2048 bits)' }],
  };
  const text = await certificateMetricsText([['hsm02', weak]], NOW, countByStatus([weak]));
  assertPromtoolAccepts(text, 'the textfile with a finding');
  assert.match(text, /^# TYPE certmonitor_certificate_finding gauge$/m);
  assert.equal(
    sampleValue(text, 'certmonitor_certificate_finding{appliance="hsm02",certificate="ntls",finding="weak_key"}'),
    1,
  );
  // The rest is the same series as without the finding.
  const others = (t: string) =>
    t
      .split('\n')
      .filter((l) => l !== '' && !l.includes('certmonitor_certificate_finding'))
      .join('\n');
  assert.equal(others(text), others(plain));
});
