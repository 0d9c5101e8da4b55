/**
 * The fleet report page in a real browser (Debian's chromium through playwright-core), opened from
 * `file://` as an operator opens it: the page `certmonitor check` and `certmonitor report` write for a
 * real directory fleet (one certificate's subject and one stored label carry markup), and a page of 500
 * appliances. One row and one timeline mark per appliance, sorting by days on a click, markup shown as
 * text and creating no element, no console error, no request but the page itself. Screenshots are kept
 * as test artifacts (test-artifacts/, not committed).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { buildFleetStatus, type FleetStatus, fleetEntry } from '../../core/fleetReport.ts';
import { renderFleetReportHtml } from '../../core/fleetReportPage.ts';
import type { ApplianceView } from '../../core/types.ts';
import { makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { launchChromium } from '../helpers/chromium.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'certmonitor.js');
const ARTIFACTS = process.env.CERTMONITOR_TEST_ARTIFACTS ?? join(ROOT, 'test-artifacts');
const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const HOSTILE = '<img src=x onerror=alert(1)>';

/** What a page did while it was open: console errors, requests, dialogs. */
interface Watched {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

async function open(browser: Browser, file: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

/**
 * The days of the table's rows, top to bottom: `-` for an appliance without a date, and for a certificate
 * not valid yet (both need a look most, so they sort first).
 */
function rowDays(page: Page): Promise<string[]> {
  return page.$$eval('#fleet tbody tr', (rows) =>
    rows.map((r) => (r.getAttribute('data-status') === 'not_yet_valid' ? '-' : r.getAttribute('data-days') || '-')),
  );
}

function sortedDays(days: readonly string[], descending: boolean): string[] {
  const key = (d: string) => (d === '-' ? Number.NEGATIVE_INFINITY : Number(d));
  return [...days].sort((a, b) => (descending ? key(b) - key(a) : key(a) - key(b)));
}

/** Clicks the Days header and checks the order; twice, for both directions. */
async function assertSortsByDays(page: Page): Promise<void> {
  const before = await rowDays(page);
  assert.deepEqual(before, sortedDays(before, false), 'rows start in ascending days');
  await page.click('th[data-sort="days"] button');
  assert.deepEqual(await rowDays(page), sortedDays(before, true), 'one click: descending');
  assert.equal(await page.getAttribute('th[data-sort="days"]', 'aria-sort'), 'descending');
  await page.click('th[data-sort="days"] button');
  assert.deepEqual(await rowDays(page), sortedDays(before, false), 'another click: ascending');
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: false });
}

describe('the fleet report page in chromium', () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certmonitor-browser-'));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the report `check` and `report` wrote for a real fleet, markup as text', async () => {
    const fleet = join(dir, 'fleet');
    const keys = makeDemoKeys();
    const names: string[] = [];
    for (let i = 0; i < 24; i++) {
      const name = `hsm-${String(i).padStart(2, '0')}`;
      names.push(name);
      if (i === 5) continue; // in the inventory only: missing
      await mkdir(join(fleet, name), { recursive: true });
      const pem =
        i === 7
          ? 'not a certificate'
          : makeCertificatePem(keys, {
              commonName: i === 3 ? HOSTILE : name,
              // hsm-09 is not valid yet: the table lists it first, whatever its days remaining.
              notBefore: new Date(NOW.getTime() + (i === 9 ? 3 : -300) * DAY),
              notAfter: new Date(NOW.getTime() + (i - 4) * 17 * DAY),
            });
      await writeFile(join(fleet, name, 'server.pem'), pem);
    }
    const inventory = Object.fromEntries(names.map((n, i) => [n, { labels: { site: ['fra', 'ams'][i % 2] } }]));
    await writeFile(join(fleet, 'fleet.json'), JSON.stringify({ appliances: inventory }));
    const state = join(dir, 'state');
    const now = NOW.toISOString();
    await run(process.execPath, [BIN, 'check', '--source', `dir:${fleet}`, '--state', `dir:${state}`, '--now', now]);
    // A stored record is untrusted input: give one appliance a label no inventory would accept.
    const record = JSON.parse(await readFile(join(state, 'hsm-01.json'), 'utf8'));
    record.view.labels = { note: HOSTILE };
    await writeFile(join(state, 'hsm-01.json'), JSON.stringify(record));
    const out = join(dir, 'rebuilt');
    await run(process.execPath, [BIN, 'report', '--state', `dir:${state}`, '--out', out, '--now', now]);

    for (const file of [join(state, '_report', 'index.html'), join(out, 'index.html')]) {
      const { page, problems, requests } = await open(browser, file);
      assert.equal(await page.locator('#fleet tbody tr').count(), names.length, 'one row per appliance');
      assert.equal(await page.locator('#timeline circle.m').count(), names.length, 'one mark per appliance');
      await assertSortsByDays(page);
      assert.equal(await page.locator('img').count(), 0, 'markup in a subject or label creates no element');
      const text = (await page.textContent('#fleet')) ?? '';
      assert.ok(text.includes(`CN=${HOSTILE.replace(/[<>]/g, '\\$&')}`) || text.includes(HOSTILE), 'subject as text');
      if (file.startsWith(out)) assert.ok(text.includes(`note=${HOSTILE}`), 'the stored label as text');
      // A click on a mark finds its row.
      await page.click('#timeline circle.m[data-row]');
      assert.equal(await page.locator('#fleet tr.hit').count(), 1);
      await page.waitForTimeout(200);
      assert.deepEqual(problems, [], 'no console error, no dialog');
      assert.deepEqual(requests, [pathToFileURL(file).href], 'no request but the page itself');
      if (file.startsWith(out)) await screenshot(page, 'report-fleet.png');
      await page.close();
    }
  });

  it('stays one row and one mark per appliance at 500 appliances, and sorts', async () => {
    const views: Array<[string, ApplianceView]> = [];
    for (let i = 0; i < 500; i++) {
      const days = ((i * 7919) % 900) - 60;
      const notAfter = new Date(NOW.getTime() + days * DAY + (i % 24) * 3_600_000).toISOString();
      const status: ApplianceView['status'] =
        i % 53 === 0 ? 'missing' : days < 0 ? 'expired' : days <= 30 ? 'expiring' : 'valid';
      views.push([
        `hsm${String(i).padStart(3, '0')}`,
        status === 'missing'
          ? { status, thresholdDays: 30 }
          : { status, thresholdDays: 30, notAfter, subject: `CN=hsm${i}`, labels: { site: `s${i % 9}`, x: HOSTILE } },
      ]);
    }
    const status: FleetStatus = buildFleetStatus(
      NOW,
      30,
      views.map(([n, v]) => fleetEntry(n, v, NOW)),
    );
    const file = join(dir, 'fleet-500.html');
    await writeFile(file, renderFleetReportHtml(status));
    const { page, problems, requests } = await open(browser, file);
    assert.equal(await page.locator('#fleet tbody tr').count(), 500);
    assert.equal(await page.locator('#timeline circle.m').count(), 500);
    await assertSortsByDays(page);
    assert.equal(await page.locator('img').count(), 0);
    // Marks stay inside the drawing: none is pushed out of the picture by a tall pile.
    const outside = await page.$$eval(
      '#timeline circle.m',
      (marks) => marks.filter((m) => Number(m.getAttribute('cy')) < 0 || Number(m.getAttribute('cx')) < 0).length,
    );
    assert.equal(outside, 0);
    await page.fill('#filter', 'hsm00');
    assert.equal(await page.locator('#fleet tbody tr:not([hidden])').count(), 10);
    assert.equal(await page.textContent('#shown'), '10');
    await page.fill('#filter', '');
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-500.png');
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
  });

  it('pages through a fleet larger than one page; the filter and a timeline mark reach every row', async () => {
    const views = Array.from({ length: 1100 }, (_, i): [string, ApplianceView] => [
      `hsm${String(i).padStart(4, '0')}`,
      {
        status: 'valid',
        thresholdDays: 30,
        notAfter: new Date(NOW.getTime() + (40 + i) * DAY).toISOString(),
        subject: `CN=hsm${i}`,
      },
    ]);
    const file = join(dir, 'fleet-1100.html');
    await writeFile(
      file,
      renderFleetReportHtml(
        buildFleetStatus(
          NOW,
          30,
          views.map(([n, v]) => fleetEntry(n, v, NOW)),
        ),
      ),
    );
    const { page, problems, requests } = await open(browser, file);
    const visible = () => page.locator('#fleet tbody tr:not([hidden])');
    assert.equal(await page.locator('#fleet tbody tr').count(), 1100, 'every appliance has its row');
    assert.equal(await visible().count(), 500);
    assert.equal(await page.textContent('#range'), '1–500 of 1100');
    assert.equal(await page.isDisabled('#previous'), true);
    await page.click('#next');
    await page.click('#next');
    assert.equal(await page.textContent('#range'), '1001–1100 of 1100');
    assert.equal(await page.isDisabled('#next'), true);
    assert.equal(await visible().first().getAttribute('data-name'), 'hsm1000');
    await page.click('th[data-sort="days"] button');
    assert.equal(await page.textContent('#range'), '1–500 of 1100', 'a new order starts at its first page');
    assert.equal(await visible().first().getAttribute('data-name'), 'hsm1099');
    await page.fill('#filter', 'hsm0007');
    assert.deepEqual(await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name'))), ['hsm0007']);
    // A mark of a row filtered out and on another page: the row is shown and scrolled to.
    await page.locator('#timeline circle.m[data-row="r20"]').dispatchEvent('click');
    assert.equal(await page.getAttribute('#fleet tr.hit', 'data-name'), 'hsm0020');
    assert.equal(await page.isHidden('#r20'), false);
    assert.equal(await page.inputValue('#filter'), '');
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
  });
});
