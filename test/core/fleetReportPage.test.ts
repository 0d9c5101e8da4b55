import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildFleetStatus, fleetEntries, fleetEntry } from '../../core/fleetReport.ts';
import { PAGE_ROWS } from '../../core/fleetReportAssets.ts';
import { renderFleetReportHtml } from '../../core/fleetReportPage.ts';
import type { ApplianceView } from '../../core/types.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const HOSTILE = '<img src=x onerror=alert(1)>';
const FP = Array.from({ length: 32 }, () => '0F').join(':');

function page(): string {
  const views: Array<[string, ApplianceView]> = [
    [
      'hsm01',
      {
        status: 'expiring',
        thresholdDays: 30,
        notBefore: '2025-11-27T09:30:00.000Z',
        notAfter: '2026-11-27T09:30:00.000Z',
        subject: `CN=${HOSTILE}, O="</script><script>alert(2)</script>`,
        fingerprintSha256: FP,
        labels: { note: HOSTILE, "a'b": '"q"&' },
        lastNotification: { event: 'expiring', at: '2026-11-24T12:00:00.000Z' },
      },
    ],
    ['hsm02', { status: 'missing', thresholdDays: 30 }],
    ['hsm03', { status: 'valid', thresholdDays: 30, notAfter: '2027-06-01T00:00:00.000Z', fingerprintSha256: FP }],
  ];
  return renderFleetReportHtml(
    buildFleetStatus(
      NOW,
      30,
      views.map(([name, view]) => fleetEntry(name, view, NOW)),
    ),
  );
}

describe('the fleet report page', () => {
  test('every name, label and DN is escaped text', () => {
    const html = page();
    assert.ok(!html.includes('<img'), 'no img element');
    assert.equal(html.match(/<script/g)?.length, 1, "only the page's own script");
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('note=&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('a&#39;b=&quot;q&quot;&amp;'));
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;'));
  });

  test("the page's own text is Latin-1 only, so a fleet of Latin-1 names keeps it a one-byte string", () => {
    // One character above U+00FF anywhere (the script's en dash included) doubles the page in memory.
    const wide = [...page()].filter((ch) => (ch.codePointAt(0) ?? 0) > 0xff);
    assert.deepEqual(wide, []);
  });

  test('one table row and one timeline mark per appliance, rows by days remaining', () => {
    const html = page();
    assert.equal(html.match(/<tr id="/g)?.length, 3);
    assert.equal(html.match(/<circle class="m /g)?.length, 3);
    const order = [...html.matchAll(/<tr id="r\d+" data-name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, ['hsm02', 'hsm01', 'hsm03']);
  });

  test('a certificate not valid yet is listed with those that need a look, before every valid one', () => {
    const view = (notBefore: string, notAfter: string): ApplianceView => ({
      status: Date.parse(notBefore) > NOW.getTime() ? 'not_yet_valid' : 'valid',
      thresholdDays: 30,
      notBefore,
      notAfter,
    });
    const html = renderFleetReportHtml(
      buildFleetStatus(NOW, 30, [
        fleetEntry('valid-soon', view('2025-01-01T00:00:00.000Z', '2027-01-30T00:00:00.000Z'), NOW),
        fleetEntry('future', view('2026-12-24T00:00:00.000Z', '2027-12-24T00:00:00.000Z'), NOW),
        fleetEntry('gone', { status: 'missing', thresholdDays: 30 }, NOW),
      ]),
    );
    const order = [...html.matchAll(/<tr id="r\d+" data-name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, ['future', 'gone', 'valid-soon']);
  });

  test('a date outside the timeline is drawn hollow at that end and counted there, never as a date on the axis', () => {
    const view = (notAfter: string): ApplianceView => ({ status: 'valid', thresholdDays: 30, notAfter });
    const html = renderFleetReportHtml(
      buildFleetStatus(NOW, 30, [
        // A ten-year NTLS certificate: far beyond the three years the axis shows.
        fleetEntry('ten-years', view('2036-11-24T12:00:00.000Z'), NOW),
        fleetEntry('nine-years', view('2035-11-24T12:00:00.000Z'), NOW),
        fleetEntry('soon', view('2027-01-10T00:00:00.000Z'), NOW),
        fleetEntry('long-gone', { ...view('2024-01-01T00:00:00.000Z'), status: 'expired' }, NOW),
      ]),
    );
    assert.equal(html.match(/<circle class="m s-valid beyond after"/g)?.length, 2);
    assert.equal(html.match(/<circle class="m s-expired beyond before"/g)?.length, 1);
    assert.equal(html.match(/<circle class="m s-valid" /g)?.length, 1, 'a date within the range is a plain mark');
    assert.match(html, />2 later &gt;<\/text>/);
    assert.match(html, />&lt; 1 earlier<\/text>/);
    assert.match(
      html,
      /<title>ten-years: valid, notAfter 2036-11-24 \(\d+ days\), after the timeline&#39;s range<\/title>/,
    );
  });

  test('makes no request: no URL, and a CSP that allows only its own style and script, by hash', () => {
    const html = page();
    assert.doesNotMatch(html, /<[^>]*\b(src|href|xlink:href)=/, 'no element loads anything');
    assert.doesNotMatch(html, /url\(|@import|https?:\/\//);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.equal(
      csp,
      `default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; base-uri 'none'; form-action 'none'`,
    );
  });

  test('past one page, rows start hidden (the script pages through them); every appliance still has its row', () => {
    const many = Array.from({ length: PAGE_ROWS + 3 }, (_, i) =>
      fleetEntry(`hsm${String(i).padStart(4, '0')}`, { status: 'missing', thresholdDays: 30 }, NOW),
    );
    const html = renderFleetReportHtml(buildFleetStatus(NOW, 30, many));
    assert.equal(html.match(/<tr id="/g)?.length, PAGE_ROWS + 3);
    assert.equal(html.match(/<tr id="[^>]* hidden>/g)?.length, 3);
  });
});

test('named certificates: a Certificate column (NTLS or the name, as text) only once a named certificate exists', () => {
  const time = new Date('2026-11-24T12:00:00Z');
  const hsm01 = {
    status: 'valid' as const,
    thresholdDays: 30,
    notAfter: '2027-11-24T12:00:00.000Z',
    certificates: { web: { status: 'expiring' as const, thresholdDays: 30, notAfter: '2026-12-01T12:00:00.000Z' } },
  };
  const named = renderFleetReportHtml(buildFleetStatus(time, 30, fleetEntries('hsm01', hsm01, time)));
  assert.match(named, /<th>Certificate<\/th>/);
  assert.match(named, /<td>hsm01<\/td><td>web<\/td>/);
  assert.match(named, /<td>hsm01<\/td><td>NTLS<\/td>/);
  assert.match(named, /NTLS certificates of 1 appliance\(s\)/);
  const { certificates: _none, ...plain } = hsm01;
  const before = renderFleetReportHtml(buildFleetStatus(time, 30, fleetEntries('hsm01', plain, time)));
  assert.doesNotMatch(before, /Certificate<\/th>/);
});
