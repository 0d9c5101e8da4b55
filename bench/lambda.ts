/**
 * Lambda benchmark: the deployment package as `serverless package` builds it (osls + serverless-esbuild,
 * offline, dummy credentials): the zip sizes of `check` and `checkShard`, and the cold-start cost of the
 * bundled handler, compared side by side in the same run with loading the unbundled TypeScript handler
 * through tsx (what running the sources directly would cost).
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
 * `warmInvokeMs` is the same run again in the same process. The runs are interleaved so that noise on the
 * shared machine hits both sides alike, and medians are reported.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
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
const started = performance.now();
const mod = url.endsWith('.cjs') ? createRequire(import.meta.url)(fileURLToPath(url)) : await import(url);
const initMs = performance.now() - started;
if (typeof mod.handler !== 'function') throw new Error('no handler export');
const figures = { initMs };
if (invoke === 'invoke') {
  const context = { getRemainingTimeInMillis: () => 300_000 };
  for (const name of ['firstInvokeMs', 'warmInvokeMs']) {
    const begun = performance.now();
    const summary = await mod.handler({ time: new Date().toISOString() }, context);
    figures[name] = performance.now() - begun;
    if (!(summary?.appliances > 0)) throw new Error('the run checked no appliance: ' + JSON.stringify(summary));
  }
}
writeSync(3, JSON.stringify(figures));
`;

/** Figures of one child process (milliseconds). */
interface ChildFigures {
  readonly initMs: number;
  readonly processMs: number;
  readonly firstInvokeMs?: number;
  readonly warmInvokeMs?: number;
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
    const bundled = join(unpacked, bundle.name);
    const source = join(ROOT, 'handlers', 'check.ts');
    const script = join(work, 'child.mjs');
    await writeFile(script, CHILD_SCRIPT);
    const init = staticClosure(entries, bundle.name);

    // One unmeasured round first: the file cache and tsx's transform cache are warm for both sides alike,
    // and the fleet's state exists, so every measured invocation is a steady run.
    coldRun(script, bundled, []);
    coldRun(script, source, ['--import', 'tsx']);
    coldRun(script, bundled, [], s3);
    const b: ChildFigures[] = [];
    const t: ChildFigures[] = [];
    const invoked: ChildFigures[] = [];
    const empty: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      b.push(coldRun(script, bundled, []));
      t.push(coldRun(script, source, ['--import', 'tsx']));
      empty.push(emptyProcess());
      invoked.push(coldRun(script, bundled, [], s3));
    }
    const coldInitMs = median(b.map((r) => r.initMs));
    const coldInitTsxMs = median(t.map((r) => r.initMs));
    const coldProcessMs = median(b.map((r) => r.processMs));
    const coldProcessTsxMs = median(t.map((r) => r.processMs));
    return {
      zipBytes,
      shardZipBytes,
      bundleBytes: entries.filter((e) => /\.c?js$/.test(e.name)).reduce((sum, e) => sum + e.data.length, 0),
      initBytes: init.bytes,
      initFiles: init.files,
      zipEntries: entries.length,
      packageSeconds: round1(packageSeconds),
      runs: RUNS,
      coldInitMs: round1(coldInitMs),
      coldProcessMs: round1(coldProcessMs),
      coldInitTsxMs: round1(coldInitTsxMs),
      coldProcessTsxMs: round1(coldProcessTsxMs),
      nodeProcessMs: round1(median(empty)),
      initSpeedup: Number((coldInitTsxMs / coldInitMs).toFixed(2)),
      processSpeedup: Number((coldProcessTsxMs / coldProcessMs).toFixed(2)),
      fleetAppliances: FLEET_APPLIANCES,
      firstInvokeMs: round1(median(invoked.map((r) => r.firstInvokeMs ?? Number.NaN))),
      warmInvokeMs: round1(median(invoked.map((r) => r.warmInvokeMs ?? Number.NaN))),
      invokeInitMs: round1(median(invoked.map((r) => r.initMs))),
    };
  } finally {
    await s3.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  await writeFile(new URL('./results/lambda.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
