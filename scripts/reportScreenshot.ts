/**
 * Makes the README's picture of the fleet report (docs/report.png) from a real run: an example fleet
 * of 160 appliances in a temporary directory (a few expiring, expired, missing and unreadable), one
 * `certmonitor check` with the built CLI, and the page it wrote opened in Debian's chromium.
 *
 *   npm run build && node --import tsx scripts/reportScreenshot.ts docs/report.png
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';
import { launchChromium } from '../test/helpers/chromium.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs', 'report.png'));
const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const SITES = ['fra', 'ams', 'lon', 'par'];

const dir = mkdtempSync(join(tmpdir(), 'certmonitor-screenshot-'));
try {
  const fleet = join(dir, 'fleet');
  const keys = makeDemoKeys();
  const inventory: Record<string, { labels: Record<string, string> }> = {};
  for (let i = 0; i < 160; i++) {
    const site = SITES[i % SITES.length] as string;
    const name = `hsm-${site}-${String(Math.floor(i / SITES.length) + 1).padStart(2, '0')}`;
    inventory[name] = { labels: { site, tier: i % 3 === 0 ? 'prod' : 'dr' } };
    if (i === 17 || i === 90) continue;
    mkdirSync(join(fleet, name), { recursive: true });
    // Spread over two years, with a few in the threshold window and a few already expired.
    const days = i % 23 === 0 ? -((i % 5) + 2) : i % 11 === 0 ? (i % 29) + 1 : 35 + ((i * 97) % 700);
    const pem =
      i === 45
        ? 'not a certificate'
        : makeCertificatePem(keys, {
            commonName: `${name}.hsm.example.net`,
            notBefore: new Date(NOW.getTime() + (days - 730) * DAY),
            notAfter: new Date(NOW.getTime() + days * DAY + (i % 24) * 3_600_000),
          });
    writeFileSync(join(fleet, name, 'server.pem'), pem);
  }
  writeFileSync(join(fleet, 'fleet.json'), JSON.stringify({ appliances: inventory }));
  const state = join(dir, 'state');
  execFileSync(process.execPath, [
    join(ROOT, 'bin', 'certmonitor.js'),
    'check',
    '--source',
    `dir:${fleet}`,
    '--state',
    `dir:${state}`,
    '--now',
    NOW.toISOString(),
    '--no-progress',
  ]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    await page.goto(pathToFileURL(join(state, '_report', 'index.html')).href);
    await page.screenshot({ path: OUT });
  } finally {
    await browser.close();
  }
  process.stdout.write(`${OUT}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
