/**
 * Scale benchmark of every certificate a fleet's TLS depends on: the real command (`bin/certmonitor.js
 * check`, built as shipped, report step included) over a `dir:` fleet of 1,000 appliances with two
 * certificates each (NTLS and the named `web`) and 100 Luna clients listing 20 appliances each (their
 * bundles register those appliances' NTLS certificates, so every trust is decided). Beside it, in the same
 * run, the same 1,000 appliances with the NTLS certificate only and no clients: what the named certificates
 * and the clients cost. For each fleet a first run (no state yet: every record written) and steady runs
 * (state read, nothing changed), alternating which fleet goes first; wall time, CPU time and peak RSS of
 * the whole process (taken by the process itself at exit, peakRssAtExit.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';
import { buildProduct } from '../scripts/build.mjs';

const APPLIANCES = Number(process.env.BENCH_SCALE_APPLIANCES ?? 1_000);
const CLIENTS = Number(process.env.BENCH_SCALE_CLIENTS ?? 100);
const PER_CLIENT = 20;
const STEADY_RUNS = 3;
const DAY = 86_400_000;
const NOW = new Date('2026-12-01T12:00:00Z');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TMP = fileURLToPath(new URL('./results/tmp/', import.meta.url));
const PEAK_RSS_AT_EXIT = fileURLToPath(new URL('./peakRssAtExit.mjs', import.meta.url));

type Fleet = 'full' | 'plain';
interface Figures {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

const pad = (i: number) => String(i).padStart(4, '0');

/** Writes both fleets under `root`: `full/` (NTLS + web, clients) and `plain/` (NTLS only, no clients). */
function seed(root: string): void {
  const keys = makeDemoKeys();
  const cert = (commonName: string, days: number) =>
    makeCertificatePem(keys, {
      commonName,
      notBefore: new Date(NOW.getTime() - 30 * DAY),
      notAfter: new Date(NOW.getTime() + days * DAY),
    });
  // One distinct NTLS certificate per appliance (the clients' trust is by fingerprint); web certificates
  // reused from a few templates (signing 1,000 more would only time node-forge).
  const ntls = Array.from({ length: APPLIANCES }, (_, i) => cert(`hsm${pad(i)}`, 3650 - (i % 400)));
  const web = Array.from({ length: 50 }, (_, i) => cert(`web-template-${i}`, i < 3 ? 10 : 200 + i));
  const full: Record<string, unknown> = {};
  const plain: Record<string, unknown> = {};
  for (let i = 0; i < APPLIANCES; i++) {
    const name = `hsm${pad(i)}`;
    for (const fleet of ['full', 'plain'] as const) {
      mkdirSync(join(root, fleet, name), { recursive: true });
      writeFileSync(join(root, fleet, name, 'server.pem'), ntls[i]!);
    }
    writeFileSync(join(root, 'full', name, 'web.pem'), web[i % web.length]!);
    full[name] = { address: `10.0.${i >> 8}.${i & 255}`, certificates: { web: { port: 8443 } } };
    plain[name] = { address: `10.0.${i >> 8}.${i & 255}` };
  }
  const clients: Record<string, unknown> = {};
  for (let c = 0; c < CLIENTS; c++) {
    const name = `app${pad(c)}`;
    const listed = Array.from({ length: PER_CLIENT }, (_, k) => (c * 7 + k * 47) % APPLIANCES);
    clients[name] = { appliances: listed.map((i) => `hsm${pad(i)}`) };
    mkdirSync(join(root, 'full', '_clients', name), { recursive: true });
    writeFileSync(join(root, 'full', '_clients', name, 'client.pem'), cert(`${name}-client`, 300 + c));
    writeFileSync(join(root, 'full', '_clients', name, 'trust.pem'), listed.map((i) => ntls[i]!).join(''));
  }
  writeFileSync(join(root, 'full', 'fleet.json'), JSON.stringify({ appliances: full, clients }));
  writeFileSync(join(root, 'plain', 'fleet.json'), JSON.stringify({ appliances: plain }));
}

/** One real `check` over `fleet`, its state in `root/FLEET-state`; exit 0 or 1 (some certificates expiring). */
function check(root: string, fleet: Fleet): Figures {
  const rssFile = join(root, 'check-rss.json');
  rmSync(rssFile, { force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      PEAK_RSS_AT_EXIT,
      join(ROOT, 'bin', 'certmonitor.js'),
      'check',
      '--source',
      `dir:${join(root, fleet)}`,
      '--state',
      `dir:${join(root, `${fleet}-state`)}`,
      '--now',
      NOW.toISOString(),
    ],
    {
      env: { ...env, BENCH_RSS_FILE: rssFile },
      // The catalogue lines go nowhere: printing them is not what is measured.
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 10 * 60_000,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`check of ${fleet} exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
  }
  const { peakRssMb, cpuSeconds } = JSON.parse(readFileSync(rssFile, 'utf8')) as Figures;
  return { seconds, cpuSeconds, peakRssMb };
}

const mid = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** The figures of one fleet: its first run and the medians (and each) of its steady runs. */
function summarise(prefix: string, first: Figures, steady: readonly Figures[]): Record<string, number | string> {
  return {
    [`${prefix}FirstSeconds`]: Number(first.seconds.toFixed(2)),
    [`${prefix}FirstCpuSeconds`]: Number(first.cpuSeconds.toFixed(2)),
    [`${prefix}FirstPeakRssMb`]: Math.round(first.peakRssMb),
    [`${prefix}SteadySeconds`]: Number(mid(steady.map((f) => f.seconds)).toFixed(2)),
    [`${prefix}SteadyCpuSeconds`]: Number(mid(steady.map((f) => f.cpuSeconds)).toFixed(2)),
    [`${prefix}SteadyPeakRssMb`]: Math.round(mid(steady.map((f) => f.peakRssMb))),
    [`${prefix}SteadySecondsRuns`]: steady.map((f) => f.seconds.toFixed(2)).join(' '),
    [`${prefix}SteadyPeakRssMbRuns`]: steady.map((f) => Math.round(f.peakRssMb)).join(' '),
  };
}

/** Benchmark entry point: figures for bench/results/scale.json. */
export async function run(): Promise<Record<string, number | string>> {
  await buildProduct();
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(join(TMP, 'scale-'));
  try {
    seed(root);
    const first = { plain: check(root, 'plain'), full: check(root, 'full') };
    // The full fleet's run did the work measured: a state record per client, and the web certificate's
    // state nested in the appliance's record.
    const clientRecords = readdirSync(join(root, 'full-state', '_clients')).length;
    const record = readFileSync(join(root, 'full-state', `hsm${pad(0)}.json`), 'utf8');
    if (clientRecords !== CLIENTS || !record.includes('"web"')) {
      throw new Error(
        `the full fleet's check left ${clientRecords} client records, web state: ${record.includes('"web"')}`,
      );
    }
    const steady: Record<Fleet, Figures[]> = { full: [], plain: [] };
    for (let round = 0; round < STEADY_RUNS; round++) {
      const order: Fleet[] = round % 2 === 0 ? ['full', 'plain'] : ['plain', 'full'];
      for (const fleet of order) steady[fleet].push(check(root, fleet));
    }
    const full = summarise('full', first.full, steady.full);
    const plain = summarise('plain', first.plain, steady.plain);
    return {
      appliances: APPLIANCES,
      certificatesPerAppliance: 2,
      clients: CLIENTS,
      appliancesPerClient: PER_CLIENT,
      source: 'dir: (built bin/certmonitor.js check, report step included)',
      ...full,
      ...plain,
      steadyCpuVsPlain: Number(
        (mid(steady.full.map((f) => f.cpuSeconds)) / mid(steady.plain.map((f) => f.cpuSeconds))).toFixed(2),
      ),
      steadyRssVsPlain: Number(
        (mid(steady.full.map((f) => f.peakRssMb)) / mid(steady.plain.map((f) => f.peakRssMb))).toFixed(2),
      ),
      node: process.version,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  writeFileSync(new URL('./results/scale.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
