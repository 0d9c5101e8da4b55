/**
 * Lambda benchmark: the deployment package as `serverless package` builds it (osls + serverless-esbuild,
 * offline, dummy credentials): the zip sizes of `check` and `checkShard`, and the cold-start cost of the
 * bundled handler, compared side by side in the same run with loading the unbundled TypeScript handler
 * through tsx (what running the sources directly would cost) and with the same handler bundled as one
 * CommonJS file (`…Cjs…` figures: the package before it was split into ES module chunks).
 *
 * Cold start here = a fresh `node` process loading the handler module, measured inside the child with
 * performance.now() around the import (`coldInitMs`), and the whole process from spawn to exit
 * (`coldProcessMs`, which adds Node's own start-up, measured as `nodeProcessMs` for an empty script). The
 * import is what Lambda's init phase spends on our code; configuration is parsed on the first
 * invocation, so the import needs only a plausible environment. The child loads the handler as Lambda's
 * Node.js runtime does: from an ES module script file (the runtime's own `index.mjs`), with import() for
 * an ES module handler and require for a `.cjs` one.
 *
 * What the init leaves to the first invocation is measured too: a fresh process loads the bundle, then
 * invokes the handler twice against a local S3-compatible server (s3rver) holding a small fleet and its
 * state (a steady run: nothing changed since the last one). `firstInvokeMs` includes loading the chunks a
 * run needs (the S3 client, the source, the state store, the report) and creating the client;
 * `warmInvokeMs` is the same run again in the same process. Each span is also measured as the process's
 * CPU time (`coldInitCpuMs`, `firstInvokeCpuMs`, `warmInvokeCpuMs`: every thread, user and system), which
 * other processes on the shared machine move far less than wall time. The runs are interleaved so that
 * noise hits both sides alike, and medians are reported.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { createS3Client } from '../adapters/s3/s3Client.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../test/helpers/s3rver.ts';
import { readZip, unpackZip, type ZipEntry } from '../test/helpers/zipReader.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_LAMBDA_RUNS ?? 7);
/** The bucket of the default `source` and `state`, and the fleet the invocations check. */
const BUCKET = 'certmonitor-fleet';
const FLEET_APPLIANCES = 20;
const execFileAsync = promisify(execFile);

/** The child's environment: dummy credentials and a minimal valid configuration, nothing of ours leaking in. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CERTMONITOR_') && !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'))
      env[name] = value;
  }
  return {
    ...env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_SERVICE_NAME: 'certmonitor',
    POWERTOOLS_METRICS_NAMESPACE: 'Certmonitor',
    CERTMONITOR_SOURCE: 's3://certmonitor-fleet/certs/',
    CERTMONITOR_STATE: 's3://certmonitor-fleet/state/',
    CERTMONITOR_SHARD_SIZE: '2000',
    CERTMONITOR_SHARD_QUEUE: 'certmonitor-dev-check-shards',
  };
}

/**
 * The child script, run from a file as Lambda's runtime runs its own `index.mjs`: times loading one module
 * (import(), or require for a `.cjs` bundle, as that runtime loads each), then, when asked, two invocations
 * of its handler. Its figures go to file descriptor 3, so the handler's log lines on stdout stay apart.
 */
const CHILD_SCRIPT = `
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const [url, invoke] = process.argv.slice(2);
const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const cpuBefore = cpuMs();
const started = performance.now();
const mod = url.endsWith('.cjs') ? createRequire(import.meta.url)(fileURLToPath(url)) : await import(url);
const figures = { initMs: performance.now() - started, initCpuMs: cpuMs() - cpuBefore };
if (typeof mod.handler !== 'function') throw new Error('no handler export');
if (invoke === 'invoke') {
  const context = { getRemainingTimeInMillis: () => 300_000 };
  for (const name of ['first', 'warm']) {
    const cpuBegun = cpuMs();
    const begun = performance.now();
    const summary = await mod.handler({ time: new Date().toISOString() }, context);
    figures[name + 'InvokeMs'] = performance.now() - begun;
    figures[name + 'InvokeCpuMs'] = cpuMs() - cpuBegun;
    if (!(summary?.appliances > 0)) throw new Error('the run checked no appliance: ' + JSON.stringify(summary));
  }
}
writeSync(3, JSON.stringify(figures));
`;

/** Figures of one child process (milliseconds). */
interface ChildFigures {
  readonly initMs: number;
  /** CPU time of the whole process (every thread) over the same span: hardly moved by other processes. */
  readonly initCpuMs: number;
  readonly processMs: number;
  readonly firstInvokeMs?: number;
  readonly firstInvokeCpuMs?: number;
  readonly warmInvokeMs?: number;
  readonly warmInvokeCpuMs?: number;
}

/**
 * One fresh process running `script` on `file`: its in-process figures and its wall time. With `s3`, the
 * child also invokes the handler against that server.
 */
function coldRun(script: string, file: string, nodeArgs: readonly string[], s3?: S3rverHandle): ChildFigures {
  const env = s3
    ? { ...childEnv(), ...S3RVER_CREDENTIALS, AWS_ENDPOINT_URL_S3: s3.endpoint, CERTMONITOR_CONCURRENCY: '8' }
    : childEnv();
  const args = [...nodeArgs, script, pathToFileURL(file).href, ...(s3 ? ['invoke'] : [])];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const processMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`${file} failed (exit ${child.status}): ${child.stderr.slice(-1500)}`);
  return { ...(JSON.parse(child.output[3] ?? '') as Omit<ChildFigures, 'processMs'>), processMs };
}

/** A small fleet for the invocations: `count` appliances holding the same certificate. */
async function seedFleet(s3: S3rverHandle, count: number): Promise<void> {
  // The SDK reads credentials from process.env only; the children get theirs from childEnv().
  Object.assign(process.env, S3RVER_CREDENTIALS);
  const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint, ...S3RVER_CREDENTIALS } });
  try {
    const pem = await readFile(join(ROOT, 'test', 'fixtures', 'certs', 'leaf.pem'));
    const objects = Array.from(
      { length: count },
      (_, i) => [`certs/hsm${String(i).padStart(2, '0')}/server.pem`, pem] as const,
    );
    await putObjects(client, BUCKET, objects);
  } finally {
    client.destroy();
  }
}

/** Wall time of a Node process that does nothing: the floor under every `*ProcessMs` figure. */
function emptyProcess(): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['-e', ''], { env: childEnv(), timeout: 30_000 });
  if (child.status !== 0) throw new Error('an empty node process failed');
  return performance.now() - started;
}

/**
 * The handler file and the chunks it imports statically, read from esbuild's output in the zip: what every
 * cold start loads before the handler can run (chunks imported with import() are loaded only when used).
 */
function staticClosure(entries: readonly ZipEntry[], entry: string): { files: number; bytes: number } {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const seen = new Set<string>();
  const queue = [entry];
  let bytes = 0;
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const file = byName.get(name);
    if (!file || seen.has(name)) continue;
    seen.add(name);
    bytes += file.data.length;
    // Static `import … from "./x.js"` and `import "./x.js"`; `import("./x.js")` (lazy) has a parenthesis.
    for (const match of file.data.toString('utf8').matchAll(/\bimport\s*(?:[\w$\s{},*]*?from\s*)?"(\.\.?\/[^"]+)"/g)) {
      queue.push(join(dirname(name), match[1] as string));
    }
  }
  return { files: seen.size, bytes };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Runs `serverless package` into `out`: the zip sizes, how long it took, and the entries of check.zip. */
async function packageFunctions(out: string) {
  const started = performance.now();
  await execFileAsync('npx', ['serverless', 'package', '--package', out], {
    cwd: ROOT,
    env: childEnv(),
    timeout: 4 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const packageSeconds = (performance.now() - started) / 1000;
  return {
    packageSeconds,
    zipBytes: (await stat(join(out, 'check.zip'))).size,
    shardZipBytes: (await stat(join(out, 'checkShard.zip'))).size,
    entries: readZip(await readFile(join(out, 'check.zip'))),
  };
}

/**
 * The comparison build: the same handler as one CommonJS file, with serverless.yml's esbuild settings
 * otherwise (the package's build before it was split). Lambda's runtime requires a `.cjs` handler.
 */
async function buildCommonJs(dir: string): Promise<string> {
  const yml = parseYaml(await readFile(join(ROOT, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: Record<string, unknown> };
  };
  const { bundle, minify, keepNames, sourcemap, target, platform, mainFields } = yml.custom.esbuild;
  const outfile = join(dir, 'handlers', 'check.cjs');
  await build({
    ...({ bundle, minify, keepNames, sourcemap, target, platform, mainFields } as BuildOptions),
    entryPoints: [join(ROOT, 'handlers', 'check.ts')],
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** The median of one figure over the runs (NaN when a run did not measure it). */
function medianOf(runs: readonly ChildFigures[], key: keyof ChildFigures): number {
  return round1(median(runs.map((r) => r[key] ?? Number.NaN)));
}

/** Benchmark entry point: figures for bench/results/lambda.json. */
export async function run(): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'certmonitor-bench-lambda-'));
  const s3 = await startS3rver([BUCKET]);
  try {
    await seedFleet(s3, FLEET_APPLIANCES);
    const { zipBytes, shardZipBytes, packageSeconds, entries } = await packageFunctions(join(work, 'package'));
    const unpacked = join(work, 'check');
    await unpackZip(entries, unpacked);
    const bundle = entries.find((e) => /^handlers\/check\.c?js$/.test(e.name));
    if (!bundle) throw new Error(`no bundled handler in check.zip (entries: ${entries.map((e) => e.name).join(', ')})`);
    const script = join(work, 'child.mjs');
    await writeFile(script, CHILD_SCRIPT);
    const sides = {
      bundled: { file: join(unpacked, bundle.name), args: [] as string[] },
      cjs: { file: await buildCommonJs(join(work, 'cjs')), args: [] as string[] },
      tsx: { file: join(ROOT, 'handlers', 'check.ts'), args: ['--import', 'tsx'] },
    };
    const runs = { bundled: [] as ChildFigures[], cjs: [] as ChildFigures[], tsx: [] as ChildFigures[] };
    const invoked = { bundled: [] as ChildFigures[], cjs: [] as ChildFigures[] };
    const empty: number[] = [];
    // One unmeasured round first (i = -1): the file cache and tsx's transform cache are warm for every side
    // alike, and the fleet's state exists, so every measured invocation is a steady run.
    for (let i = -1; i < RUNS; i++) {
      const round = {
        bundled: coldRun(script, sides.bundled.file, sides.bundled.args),
        cjs: coldRun(script, sides.cjs.file, sides.cjs.args),
        tsx: coldRun(script, sides.tsx.file, sides.tsx.args),
        empty: emptyProcess(),
        bundledInvoked: coldRun(script, sides.bundled.file, [], s3),
        cjsInvoked: coldRun(script, sides.cjs.file, [], s3),
      };
      if (i < 0) continue;
      runs.bundled.push(round.bundled);
      runs.cjs.push(round.cjs);
      runs.tsx.push(round.tsx);
      empty.push(round.empty);
      invoked.bundled.push(round.bundledInvoked);
      invoked.cjs.push(round.cjsInvoked);
    }
    const init = staticClosure(entries, bundle.name);
    return {
      zipBytes,
      shardZipBytes,
      bundleBytes: entries.filter((e) => /\.c?js$/.test(e.name)).reduce((sum, e) => sum + e.data.length, 0),
      initBytes: init.bytes,
      initFiles: init.files,
      zipEntries: entries.length,
      packageSeconds: round1(packageSeconds),
      ...figures(runs, invoked, empty),
    };
  } finally {
    await s3.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The timing figures of the measured runs: medians, and the ratios between the sides. */
function figures(
  runs: Record<'bundled' | 'cjs' | 'tsx', ChildFigures[]>,
  invoked: Record<'bundled' | 'cjs', ChildFigures[]>,
  empty: number[],
): Record<string, number> {
  const coldInitMs = medianOf(runs.bundled, 'initMs');
  const coldProcessMs = medianOf(runs.bundled, 'processMs');
  const coldInitTsxMs = medianOf(runs.tsx, 'initMs');
  const coldProcessTsxMs = medianOf(runs.tsx, 'processMs');
  const coldInitCjsMs = medianOf(runs.cjs, 'initMs');
  const coldInitCpuMs = medianOf(runs.bundled, 'initCpuMs');
  const coldInitCjsCpuMs = medianOf(runs.cjs, 'initCpuMs');
  const firstInvokeCpuMs = medianOf(invoked.bundled, 'firstInvokeCpuMs');
  const firstInvokeCjsCpuMs = medianOf(invoked.cjs, 'firstInvokeCpuMs');
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  return {
    runs: RUNS,
    coldInitMs,
    coldProcessMs,
    coldInitTsxMs,
    coldProcessTsxMs,
    nodeProcessMs: round1(median(empty)),
    initSpeedup: ratio(coldInitTsxMs, coldInitMs),
    processSpeedup: ratio(coldProcessTsxMs, coldProcessMs),
    coldInitCjsMs,
    initVsCjs: ratio(coldInitCjsMs, coldInitMs),
    fleetAppliances: FLEET_APPLIANCES,
    firstInvokeMs: medianOf(invoked.bundled, 'firstInvokeMs'),
    warmInvokeMs: medianOf(invoked.bundled, 'warmInvokeMs'),
    firstInvokeCjsMs: medianOf(invoked.cjs, 'firstInvokeMs'),
    coldInitCpuMs,
    firstInvokeCpuMs,
    warmInvokeCpuMs: medianOf(invoked.bundled, 'warmInvokeCpuMs'),
    coldInitCjsCpuMs,
    firstInvokeCjsCpuMs,
    initCpuVsCjs: ratio(coldInitCjsCpuMs, coldInitCpuMs),
    coldPathCpuVsCjs: ratio(coldInitCjsCpuMs + firstInvokeCjsCpuMs, coldInitCpuMs + firstInvokeCpuMs),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  await writeFile(new URL('./results/lambda.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
