/**
 * Fleet report benchmark, 10,000 appliances: what the report costs after every run (its data and page
 * built from the run's views and written to a state directory: seconds, peak RSS, bytes), side by side
 * with the alternative of rebuilding it from the state records on disk (`certmonitor report`: list and
 * read 10,000 records, then the same build). Each side runs three times, interleaved, each in a fresh
 * child process (so its peak RSS is its own), medians compared.
 *
 * Then whether the page stays usable at that size, in Debian's chromium (playwright-core): time from
 * navigation to the load event, a click on the Days header until the rows are re-sorted, a filter
 * keystroke until the rows are filtered, and the frame interval while the table scrolls (95th
 * percentile of 120 animation frames, each scrolling 400 px). Skipped, and said so, without chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplianceView } from '../core/types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const APPLIANCES = Number(process.env.BENCH_APPLIANCES ?? 10_000);
const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const ROUNDS = 3;

/** A deterministic fleet: mostly valid, some expiring and expired, a few missing and invalid, labels. */
function fleetViews(): Array<[string, ApplianceView]> {
  const views: Array<[string, ApplianceView]> = [];
  for (let i = 0; i < APPLIANCES; i++) {
    const name = `hsm-${['fra', 'ams', 'lon', 'par', 'nyc'][i % 5]}-${String(i).padStart(5, '0')}`;
    const days = ((i * 7919) % 800) - 40;
    const notAfter = new Date(NOW.getTime() + days * DAY + (i % 86_400) * 1000);
    const fingerprint = Array.from({ length: 32 }, (_, j) => ((i * 31 + j * 17) & 0xff).toString(16).padStart(2, '0'))
      .join(':')
      .toUpperCase();
    const labels = { site: name.slice(4, 7), rack: `r${i % 40}` };
    if (i % 97 === 0) views.push([name, { status: 'missing', thresholdDays: 30, labels }]);
    else if (i % 211 === 0) views.push([name, { status: 'invalid', thresholdDays: 30, labels }]);
    else {
      const status = days < 0 ? 'expired' : days <= 30 ? 'expiring' : 'valid';
      views.push([
        name,
        {
          status,
          thresholdDays: 30,
          notBefore: new Date(notAfter.getTime() - 397 * DAY).toISOString(),
          notAfter: notAfter.toISOString(),
          subject: `C=DE, O=Example Bank AG, OU=HSM, CN=${name}.hsm.example.internal`,
          serialNumber: (i + 4096).toString(16).toUpperCase(),
          fingerprintSha256: fingerprint,
          labels,
          ...(status !== 'valid' ? { lastNotification: { event: status, at: NOW.toISOString() } } : {}),
        },
      ]);
    }
  }
  return views;
}

/** Child: builds and writes the report of the views (as a run does); prints its figures. */
async function childFromViews(out: string): Promise<void> {
  const { fleetStatusOf, writeFleetReport } = await import('../app/fleetReportWriter.ts');
  const { dirReportFolder } = await import('../adapters/createStateStore.ts');
  const views = fleetViews();
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  await writeFleetReport(dirReportFolder(out), fleetStatusOf(NOW, 30, views));
  report(started, out, baseRssMb);
}

/** Child: rebuilds the report from the state records on disk (as `certmonitor report` does). */
async function childFromState(state: string, out: string): Promise<void> {
  const { fleetStatusOf, writeFleetReport } = await import('../app/fleetReportWriter.ts');
  const { dirReportFolder, dirStateLocation } = await import('../adapters/createStateStore.ts');
  const { storedViews } = await import('../app/storedViews.ts');
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const { views, unreadable } = await storedViews(dirStateLocation(state), NOW, 30, 32);
  if (unreadable.length > 0 || views.size !== APPLIANCES) throw new Error('state records not all read');
  await writeFleetReport(dirReportFolder(out), fleetStatusOf(NOW, 30, views));
  report(started, out, baseRssMb);
}

/** The child's figures: time, peak RSS and the RSS before the report was built (node, tsx, the views). */
function report(started: number, out: string, baseRssMb: number): void {
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      baseRssMb,
      htmlBytes: statSync(join(out, 'index.html')).size,
      jsonBytes: statSync(join(out, 'fleet-status.json')).size,
    })}\n`,
  );
}

interface ChildFigures {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly baseRssMb: number;
  readonly htmlBytes: number;
  readonly jsonBytes: number;
}

function runChild(args: readonly string[]): ChildFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, ...args], {
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (child.status !== 0) throw new Error(`report bench child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as ChildFigures;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Writes one state record per appliance, as the runs leave them (the view is what a rebuild reads). */
async function writeState(state: string): Promise<void> {
  mkdirSync(state, { recursive: true });
  for (const [name, view] of fleetViews()) {
    const record = {
      version: 1,
      alertActive: view.status === 'expiring' || view.status === 'expired',
      ...(view.fingerprintSha256 ? { fingerprint: view.fingerprintSha256, notAfter: view.notAfter } : {}),
      view,
    };
    writeFileSync(join(state, `${name}.json`), `${JSON.stringify(record)}\n`);
  }
}

/** Load, sort, filter and scroll times of the page in chromium, or undefined without chromium. */
async function browserFigures(page: string): Promise<Record<string, number> | undefined> {
  if (!existsSync('/usr/bin/chromium')) return undefined;
  const { launchChromium } = await import('../test/helpers/chromium.ts');
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const started = performance.now();
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    const loadMs = performance.now() - started;
    const rows = await tab.locator('#fleet tbody tr').count();
    if (rows !== APPLIANCES) throw new Error(`the page shows ${rows} rows`);
    const sortMs = await tab.evaluate(async () => {
      const button = document.querySelector('th[data-sort="days"] button') as HTMLButtonElement;
      const t0 = performance.now();
      button.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    });
    const filterMs = await tab.evaluate(async () => {
      const input = document.getElementById('filter') as HTMLInputElement;
      const t0 = performance.now();
      input.value = 'ams-001';
      input.dispatchEvent(new Event('input'));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const elapsed = performance.now() - t0;
      input.value = '';
      input.dispatchEvent(new Event('input'));
      return elapsed;
    });
    const frames = await tab.evaluate(async () => {
      document.getElementById('fleet')?.scrollIntoView();
      const intervals: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 120; i++) {
        window.scrollBy(0, 400);
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        intervals.push(now - last);
        last = now;
      }
      return intervals.sort((a, b) => a - b);
    });
    return {
      browserLoadMs: Math.round(loadMs),
      sortMs: Math.round(sortMs),
      filterMs: Math.round(filterMs),
      scrollFrameP95Ms: Math.round((frames[Math.floor(frames.length * 0.95)] as number) * 10) / 10,
    };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'certmonitor-bench-report-'));
  try {
    const state = join(tmp, 'state');
    await writeState(state);
    const fromViews: ChildFigures[] = [];
    const fromState: ChildFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      fromViews.push(runChild(['--child', 'views', join(tmp, `views-${round}`)]));
      fromState.push(runChild(['--child', 'state', state, join(tmp, `state-${round}`)]));
    }
    const seconds = median(fromViews.map((f) => f.seconds));
    const rebuildSeconds = median(fromState.map((f) => f.seconds));
    const browser = await browserFigures(join(tmp, 'views-0', 'index.html'));
    const result = {
      appliances: APPLIANCES,
      seconds: Math.round(seconds * 1000) / 1000,
      secondsRuns: fromViews.map((f) => f.seconds.toFixed(3)).join(' '),
      peakRssMb: Math.round(median(fromViews.map((f) => f.peakRssMb))),
      // The process before the report was built: Node, tsx, the modules and the run's views.
      rssBeforeMb: Math.round(median(fromViews.map((f) => f.baseRssMb))),
      htmlBytes: fromViews[0]?.htmlBytes,
      jsonBytes: fromViews[0]?.jsonBytes,
      rebuildFromStateSeconds: Math.round(rebuildSeconds * 1000) / 1000,
      rebuildFromStateRuns: fromState.map((f) => f.seconds.toFixed(3)).join(' '),
      rebuildPeakRssMb: Math.round(median(fromState.map((f) => f.peakRssMb))),
      rebuildVsRun: Math.round((rebuildSeconds / seconds) * 10) / 10,
      ...(browser ?? { browser: 'skipped: /usr/bin/chromium not installed' }),
      node: process.version,
    };
    writeFileSync(join(ROOT, 'bench/results/report.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const [kind, a, b] = process.argv.slice(childAt + 1);
  await (kind === 'views' ? childFromViews(a as string) : childFromState(a as string, b as string));
} else {
  await main();
}
