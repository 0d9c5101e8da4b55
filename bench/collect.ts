/**
 * Collector benchmark: one `collect` run over 200 loopback TLS endpoints that, like NTLS, require a client
 * certificate (and abort the handshake without one), publishing every certificate to a fresh directory,
 * with the endpoints speaking TLS 1.2 (as NTLS mostly does), then again with TLS 1.3;
 * compared, in the same run, with what an operator would script: one `openssl s_client -connect …
 * -showcerts` process per appliance in a shell loop, writing each one's output to a file.
 *
 * Three rounds alternate the two sides and the medians are compared (the machine is shared). The
 * endpoints live in a child process of their own (Node TLS servers, RSA-2048 certificates as on Luna
 * appliances); the collector is the built CLI (`npm run build`), a fresh process per round, so its peak
 * RSS is its own. Its rate is the run's own (from its summary); `cliSeconds` adds the start-up. A steady
 * run (nothing changed) is measured once more at the end.
 *
 * Run: npm run bench -- collect (writes bench/results/collect.json).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/certmonitor.js');
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 200);
/** The collector's default concurrency (`--concurrency`). */
const CONCURRENCY = 32;
const DAY = 86_400_000;

/** The endpoints' side: ENDPOINTS TLS servers on loopback; prints their ports, serves until stdin closes. */
async function serversChild(): Promise<void> {
  const keys = makeDemoKeys(2048);
  const key = forge.pki.privateKeyToPem(keys.privateKey);
  const now = Date.now();
  const ports: number[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const cert = makeCertificatePem(keys, {
      commonName: `hsm${String(i).padStart(3, '0')}`,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 365 * DAY),
    });
    const server = createServer({
      cert,
      key,
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: process.env.BENCH_TLS === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    ports.push(typeof address === 'object' && address ? address.port : 0);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** Starts the endpoints' process and resolves to it and its ports. */
async function startEndpoints(tls: Tls): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--servers'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_TLS: tls },
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve((JSON.parse(line) as { ports: number[] }).ports),
    );
    child.once('exit', (code) => reject(new Error(`the endpoints exited with ${code}`)));
  });
  return { child, ports };
}

/**
 * One `certmonitor collect` of the built CLI, as installed: appliances per second of the run itself (its
 * summary's duration), the whole process's wall time (start-up included) and its peak RSS.
 */
function collectorRun(inventoryFile: string, destinationDir: string, tmp: string) {
  const rssFile = join(tmp, 'rss');
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      join(tmp, 'rss.mjs'),
      BIN,
      'collect',
      '--inventory',
      inventoryFile,
      '--to',
      `dir:${destinationDir}`,
      '--json',
    ],
    { encoding: 'utf8', timeout: 5 * 60_000, env: { ...process.env, RSS_FILE: rssFile } },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`collect failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  const { summary } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    summary: { appliances: number; collected: number; changed: number; durationMs: number };
  };
  if (summary.collected !== ENDPOINTS) throw new Error(`collected ${summary.collected} of ${ENDPOINTS}`);
  const maxRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  return {
    perSecond: summary.appliances / (summary.durationMs / 1000),
    wallSeconds,
    maxRssMb,
    changed: summary.changed,
  };
}

/** The scripted alternative: a shell loop, one `openssl s_client -showcerts` per endpoint, output to a file each. */
function opensslLoopRun(ports: readonly number[], outDir: string): number {
  const script = `for p in ${ports.join(' ')}; do openssl s_client -connect 127.0.0.1:$p -showcerts </dev/null >"$1/$p.pem" 2>/dev/null; done`;
  const started = performance.now();
  const run = spawnSync('sh', ['-c', script, 'sh', outDir], { timeout: 10 * 60_000 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status === null) throw new Error('the openssl loop did not finish');
  const captured = readdirSync(outDir).filter((f) =>
    readFileSync(join(outDir, f), 'utf8').includes('BEGIN CERTIFICATE'),
  );
  if (captured.length !== ports.length) throw new Error(`openssl captured ${captured.length} of ${ports.length}`);
  return ports.length / seconds;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type Tls = '1.2' | '1.3';

/** Both sides against endpoints speaking at most `tls`: three alternating rounds, then one steady run. */
async function measure(tls: Tls, dir: string) {
  const { child, ports } = await startEndpoints(tls);
  try {
    const inventoryFile = join(dir, `fleet-${tls}.json`);
    const appliances = Object.fromEntries(
      ports.map((port, i) => [`hsm${String(i).padStart(3, '0')}`, { address: '127.0.0.1', ntlsPort: port }]),
    );
    writeFileSync(inventoryFile, JSON.stringify({ appliances }));
    const collector: ReturnType<typeof collectorRun>[] = [];
    const openssl: number[] = [];
    for (let round = 0; round < 3; round++) {
      openssl.push(opensslLoopRun(ports, mkdtempSync(join(dir, 'openssl-'))));
      collector.push(collectorRun(inventoryFile, join(dir, `fleet-${tls}-${round}`), dir));
    }
    const steady = collectorRun(inventoryFile, join(dir, `fleet-${tls}-0`), dir);
    if (steady.changed !== 0) throw new Error('the steady run changed something');
    const perSecond = median(collector.map((c) => c.perSecond));
    const opensslPerSecond = median(openssl);
    return {
      appliancesPerSecond: Math.round(perSecond),
      appliancesPerSecondRuns: collector.map((c) => Math.round(c.perSecond)).join(' '),
      steadyAppliancesPerSecond: Math.round(steady.perSecond),
      cliSeconds: Number(median(collector.map((c) => c.wallSeconds)).toFixed(2)),
      opensslForkPerSecond: Number(opensslPerSecond.toFixed(1)),
      opensslForkPerSecondRuns: openssl.map((o) => o.toFixed(1)).join(' '),
      vsOpensslFork: Number((perSecond / opensslPerSecond).toFixed(1)),
      peakRssMb: Math.round(Math.max(steady.maxRssMb, ...collector.map((c) => c.maxRssMb))),
    };
  } finally {
    child.stdin?.end();
    child.kill('SIGTERM');
  }
}

/** Benchmark entry point: figures for bench/results/collect.json. */
export async function run(): Promise<Record<string, number | string>> {
  if (spawnSync('openssl', ['version']).error) throw new Error('openssl is not installed: apt-get install openssl');
  if (!existsSync(join(ROOT, 'dist/certmonitor.js'))) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-bench-collect-'));
  // The collector's own peak RSS, written at its exit by a preload that adds no work.
  writeFileSync(
    join(dir, 'rss.mjs'),
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  try {
    // TLS 1.2 is what NTLS negotiates on most appliances; TLS 1.3 costs both ends more per handshake.
    const tls12 = await measure('1.2', dir);
    const tls13 = await measure('1.3', dir);
    return {
      input: `${ENDPOINTS} loopback TLS endpoints requiring a client certificate (RSA-2048 certificates, as Luna appliances make by default), on the same two cores as the collector; concurrency ${CONCURRENCY}; each run publishes to a fresh directory`,
      ...tls12,
      tls13AppliancesPerSecond: tls13.appliancesPerSecond,
      tls13AppliancesPerSecondRuns: tls13.appliancesPerSecondRuns,
      tls13OpensslForkPerSecond: tls13.opensslForkPerSecond,
      tls13VsOpensslFork: tls13.vsOpensslFork,
      peakRssMb: Math.max(tls12.peakRssMb, tls13.peakRssMb),
      node: process.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--servers')) {
  await serversChild();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  writeFileSync(new URL('./results/collect.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
