/**
 * Fleet benchmark: one `check` run over 10,000 appliances whose certificates live on a local
 * S3-compatible server (s3rver), compared with the raw GetObject rate of the same server at the same
 * concurrency, measured in the same run: three raw passes interleaved with three steady pipeline runs,
 * each steady run compared with the raw pass just before it, so a server that warms up or a machine that
 * gets busy is not credited to either side.
 *
 * Every measured side runs in a fresh child process (equal start-up cost; the pipeline's peak RSS is its
 * own). The first pipeline run creates every state record; the steady runs are a typical scheduled run
 * (state read, certificates unchanged since their ETag, nothing written). State lives on the same S3
 * server, as in the Lambda. Then the real command, `bin/certmonitor.js check` with its report step, of
 * this tree and of the baseline commit (baselineBuild.ts), three of each, alternating: peak RSS and CPU. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createS3Client } from '../adapters/s3/s3Client.ts';
import { DEFAULT_CONCURRENCY } from '../app/runCheck.ts';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';
import { buildProduct, PRODUCT_OPTIONS } from '../scripts/build.mjs';
import { putObjects, S3RVER_CREDENTIALS, startS3rver } from '../test/helpers/s3rver.ts';
import { BASELINE_REF, buildBaseline } from './baselineBuild.ts';
import { BUCKET, NOW, rawGetRate } from './fleetChild.ts';

const APPLIANCES = Number(process.env.BENCH_APPLIANCES ?? 10_000);
const DAY = 86_400_000;
/** The bundled measured side; inside the repository so its external packages resolve from node_modules. */
const CHILD = fileURLToPath(new URL('./results/tmp/fleetChild.mjs', import.meta.url));

/** Bundles bench/fleetChild.ts with the product's options (measured as it ships, not through tsx). */
async function bundleChild(): Promise<void> {
  mkdirSync(fileURLToPath(new URL('./results/tmp/', import.meta.url)), { recursive: true });
  await build({
    ...PRODUCT_OPTIONS,
    entryPoints: [fileURLToPath(new URL('./fleetChild.ts', import.meta.url))],
    outfile: CHILD,
  });
}

/** Runs the bundled child in a fresh process in `mode` against the server; resolves to its last JSON line. */
function child<T>(endpoint: string, mode: '--pipeline' | '--raw', extraNodeArgs: readonly string[] = []): T {
  const run = spawnSync(process.execPath, [...extraNodeArgs, CHILD, mode], {
    env: { ...process.env, ...S3RVER_CREDENTIALS, AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 5 * 60_000,
  });
  if (run.status !== 0) throw new Error(`${mode} run failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

/** Runs the pipeline child once against the server and returns its figures. */
function pipelineRun(
  endpoint: string,
  extraNodeArgs: readonly string[] = [],
): { seconds: number; perSecond: number; maxRssMb: number; stateWrites: number; certificateReads: number } {
  const { summary, maxRssMb, stateWrites, certificateReads } = child<{
    summary: { appliances: number; durationMs: number };
    maxRssMb: number;
    stateWrites: number;
    certificateReads: number;
  }>(endpoint, '--pipeline', extraNodeArgs);
  const seconds = summary.durationMs / 1000;
  return { seconds, perSecond: summary.appliances / seconds, maxRssMb, stateWrites, certificateReads };
}

/** The raw GetObject rate measured in a fresh child process, like the pipeline (same warm-up cost). */
function rawRun(endpoint: string): number {
  return child<{ perSecond: number }>(endpoint, '--raw').perSecond;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEAK_RSS_AT_EXIT = fileURLToPath(new URL('./peakRssAtExit.mjs', import.meta.url));

/** What one real `check` process measured of itself at exit. */
interface CheckFigures {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** User and system CPU of the whole command: steadier than its wall time on a shared machine. */
  readonly cpuSeconds: number;
}

/**
 * One real `certmonitor check` (the command built in `root`, run with plain `node` as an operator runs it)
 * over the fleet, state on the same server: a steady run, then its report step writing the fleet report
 * to the state location. Its peak RSS is taken by the process itself at exit.
 */
function realCheck(endpoint: string, root: string): CheckFigures {
  const rssFile = join(ROOT, 'bench', 'results', 'tmp', 'check-rss.json');
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', PEAK_RSS_AT_EXIT, join(root, 'bin', 'certmonitor.js'), 'check', '--now', NOW.toISOString()],
    {
      env: {
        ...process.env,
        ...S3RVER_CREDENTIALS,
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_REGION: 'us-east-1',
        CERTMONITOR_SOURCE: `s3://${BUCKET}/certs/`,
        CERTMONITOR_STATE: `s3://${BUCKET}/state/`,
        BENCH_RSS_FILE: rssFile,
      },
      // The catalogue lines (one per appliance) go nowhere: printing them is not what is measured.
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 5 * 60_000,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  // Exit 0: every appliance evaluated, and the report written (a report that fails makes the status 1).
  if (run.status !== 0)
    throw new Error(`check in ${root} exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
  const { peakRssMb, cpuSeconds } = JSON.parse(readFileSync(rssFile, 'utf8')) as CheckFigures;
  return { seconds, peakRssMb, cpuSeconds };
}

/**
 * The real `check` of this tree and of the baseline commit, three each, alternating which goes first, on
 * the same seeded server: the peak RSS of the whole command, report step included, side by side.
 */
function checkRssFigures(endpoint: string, baseline: string): Record<string, number | string> {
  const ours: CheckFigures[] = [];
  const theirs: CheckFigures[] = [];
  for (let round = 0; round < 3; round++) {
    if (round % 2 === 0) {
      ours.push(realCheck(endpoint, ROOT));
      theirs.push(realCheck(endpoint, baseline));
    } else {
      theirs.push(realCheck(endpoint, baseline));
      ours.push(realCheck(endpoint, ROOT));
    }
  }
  const oursMb = median(ours.map((f) => f.peakRssMb));
  const theirsMb = median(theirs.map((f) => f.peakRssMb));
  return {
    checkPeakRssMb: Math.round(oursMb),
    checkPeakRssMbRuns: ours.map((f) => Math.round(f.peakRssMb)).join(' '),
    checkSecondsRuns: ours.map((f) => f.seconds.toFixed(1)).join(' '),
    baselineRef: BASELINE_REF,
    baselineCheckPeakRssMb: Math.round(theirsMb),
    baselineCheckPeakRssMbRuns: theirs.map((f) => Math.round(f.peakRssMb)).join(' '),
    baselineCheckSecondsRuns: theirs.map((f) => f.seconds.toFixed(1)).join(' '),
    checkRssVsBaseline: Number((oursMb / theirsMb).toFixed(3)),
    checkCpuSecondsRuns: ours.map((f) => f.cpuSeconds.toFixed(1)).join(' '),
    baselineCheckCpuSecondsRuns: theirs.map((f) => f.cpuSeconds.toFixed(1)).join(' '),
    checkCpuVsBaseline: Number(
      (median(ours.map((f) => f.cpuSeconds)) / median(theirs.map((f) => f.cpuSeconds))).toFixed(3),
    ),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Benchmark entry point: figures for bench/results/fleet.json. */
export async function run(): Promise<Record<string, number | string>> {
  // Both commands are built before the server starts, so neither build competes with a measurement.
  await buildProduct();
  const baseline = buildBaseline();
  await bundleChild();
  const server = await startS3rver([BUCKET]);
  try {
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: server.endpoint, AWS_REGION: 'us-east-1' } });
    Object.assign(process.env, S3RVER_CREDENTIALS);
    // A realistic mix: mostly valid, some expiring, a few expired and corrupt. Certificates are reused
    // across appliances (signing 10,000 would only time node-forge).
    const keys = makeDemoKeys();
    const templates = Array.from({ length: 100 }, (_, i) => {
      const daysLeft = i < 2 ? -3 : i < 5 ? 10 : 200 + i;
      return makeCertificatePem(keys, {
        commonName: `hsm-template-${i}`,
        notBefore: new Date(NOW.getTime() - 365 * DAY),
        notAfter: new Date(NOW.getTime() + daysLeft * DAY),
      });
    });
    const objects = function* (): Generator<readonly [string, string]> {
      for (let i = 0; i < APPLIANCES; i++) {
        const name = `hsm${String(i).padStart(5, '0')}`;
        const body = i % 997 === 0 ? 'not a certificate' : templates[i % templates.length]!;
        yield [`certs/${name}/server.pem`, body];
      }
    };
    const seedStarted = performance.now();
    await putObjects(client, BUCKET, objects(), 32);
    process.stderr.write(
      `fleet: seeded ${APPLIANCES} objects in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );

    // One unmeasured pass first: the server's first read of each object is slower than the rest. Both
    // sides are then measured in fresh processes, so each pays the same start-up (JIT, new connections).
    await rawGetRate(client, DEFAULT_CONCURRENCY);
    const first = pipelineRun(server.endpoint);
    // Steady runs and raw passes interleaved, three of each: this machine is shared, and the median of
    // alternating measurements is far steadier than any single pair.
    const profile = process.env.BENCH_CPU_PROF_DIR;
    const raws: number[] = [];
    const steadies: ReturnType<typeof pipelineRun>[] = [];
    for (let round = 0; round < 3; round++) {
      raws.push(rawRun(server.endpoint));
      const profiling = profile && round === 2 ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
      steadies.push(pipelineRun(server.endpoint, profiling));
    }
    const raw = median(raws);
    const efficiencies = steadies.map((s, i) => s.perSecond / raws[i]!);
    const steadyPerSecond = median(steadies.map((s) => s.perSecond));
    const steady = steadies.find((s) => s.perSecond === steadyPerSecond)!;
    const result = {
      appliances: APPLIANCES,
      concurrency: DEFAULT_CONCURRENCY,
      stateBackend: 's3 (same server)',
      code: 'bundled (esbuild, as shipped), plain node',
      seconds: Number(steady.seconds.toFixed(2)),
      rawGetPerSecond: Math.round(raw),
      rawGetPerSecondRuns: raws.map(Math.round).join(' '),
      pipelinePerSecond: Math.round(steadyPerSecond),
      pipelinePerSecondRuns: steadies.map((s) => Math.round(s.perSecond)).join(' '),
      // Each steady run against the raw pass just before it, and the median of those: a pair measured a
      // few seconds apart shares the machine's load far better than two medians do.
      efficiency: Number(median(efficiencies).toFixed(3)),
      efficiencyRuns: efficiencies.map((e) => e.toFixed(2)).join(' '),
      efficiencyOfMedians: Number((steadyPerSecond / raw).toFixed(3)),
      peakRssMb: Math.round(Math.max(first.maxRssMb, ...steadies.map((s) => s.maxRssMb))),
      firstRunSeconds: Number(first.seconds.toFixed(2)),
      firstRunPerSecond: Math.round(first.perSecond),
      firstRunEfficiency: Number((first.perSecond / raw).toFixed(3)),
      firstRunCertificateReads: first.certificateReads,
      firstRunStateWrites: first.stateWrites,
      steadyCertificateReads: steady.certificateReads,
      steadyStateWrites: steady.stateWrites,
      ...checkRssFigures(server.endpoint, baseline),
      node: process.version,
    };
    return result;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  writeFileSync(new URL('./results/fleet.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
