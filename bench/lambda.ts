/**
 * Lambda benchmark: the deployment package as `serverless package` builds it (osls + serverless-esbuild,
 * offline, dummy credentials): the zip sizes of `check` and `checkShard`, and the cold-start cost of the
 * bundled handler, compared side by side in the same run with loading the unbundled TypeScript handler
 * through tsx (what running the sources directly would cost).
 *
 * Cold start here = a fresh `node` process loading the handler module, measured inside the child with
 * performance.now() around the require / import (`coldInitMs`), and the whole process from spawn to exit
 * (`coldProcessMs`, which adds Node's own start-up, measured as `nodeProcessMs` for an empty script). The
 * import is what Lambda's init phase spends on our code; configuration is parsed on the first
 * invocation, so the import needs only a plausible environment. The runs are interleaved so that noise on
 * the shared machine hits both sides alike, and medians are reported.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_LAMBDA_RUNS ?? 7);
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

/** One entry of a zip archive, read from its central directory. */
interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * A minimal zip reader (stored and deflated entries, no zip64), enough for the archives serverless
 * writes; it avoids depending on an `unzip` binary.
 */
function readZip(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`zip entry ${name}: unsupported method ${method}`);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
  }
  return entries;
}

/**
 * The child script: times loading one module and prints the milliseconds. A `.cjs` bundle is loaded with
 * require, as Lambda's Node runtime loads a CommonJS handler; a `.ts` module through import() (tsx).
 */
const IMPORT_SCRIPT = `
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const url = process.argv[1];
const started = performance.now();
const mod = url.endsWith('.cjs') ? createRequire(import.meta.url)(fileURLToPath(url)) : await import(url);
const ms = performance.now() - started;
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms }));
`;

/** One fresh process importing `file`; resolves to the in-process import time and the process wall time. */
function coldImport(file: string, nodeArgs: readonly string[]): { initMs: number; processMs: number } {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [...nodeArgs, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 60_000 },
  );
  const processMs = performance.now() - started;
  if (child.status !== 0)
    throw new Error(`import of ${file} failed (exit ${child.status}): ${child.stderr.slice(-1500)}`);
  const { ms } = JSON.parse(child.stdout) as { ms: number };
  return { initMs: ms, processMs };
}

/** Wall time of a Node process that does nothing: the floor under every `*ProcessMs` figure. */
function emptyProcess(): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['-e', ''], { env: childEnv(), timeout: 30_000 });
  if (child.status !== 0) throw new Error('an empty node process failed');
  return performance.now() - started;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Benchmark entry point: figures for bench/results/lambda.json. */
export async function run(): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'certmonitor-bench-lambda-'));
  try {
    const out = join(work, 'package');
    const packageStarted = performance.now();
    await execFileAsync('npx', ['serverless', 'package', '--package', out], {
      cwd: ROOT,
      env: childEnv(),
      timeout: 4 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const packageSeconds = (performance.now() - packageStarted) / 1000;
    const zipBytes = (await stat(join(out, 'check.zip'))).size;
    const shardZipBytes = (await stat(join(out, 'checkShard.zip'))).size;

    const unpacked = join(work, 'check');
    const entries = readZip(await readFile(join(out, 'check.zip')));
    for (const entry of entries) {
      const target = join(unpacked, entry.name);
      if (!target.startsWith(unpacked)) throw new Error('zip entry outside the target directory');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, entry.data);
    }
    const bundle = entries.find((e) => /^handlers\/check\.c?js$/.test(e.name));
    if (!bundle) throw new Error(`no bundled handler in check.zip (entries: ${entries.map((e) => e.name).join(', ')})`);
    const bundled = join(unpacked, bundle.name);
    const source = join(ROOT, 'handlers', 'check.ts');

    // One unmeasured round first: the file cache and tsx's transform cache are warm for both sides alike.
    coldImport(bundled, []);
    coldImport(source, ['--import', 'tsx']);
    const b: { initMs: number; processMs: number }[] = [];
    const t: { initMs: number; processMs: number }[] = [];
    const empty: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      b.push(coldImport(bundled, []));
      t.push(coldImport(source, ['--import', 'tsx']));
      empty.push(emptyProcess());
    }
    const coldInitMs = median(b.map((r) => r.initMs));
    const coldInitTsxMs = median(t.map((r) => r.initMs));
    const coldProcessMs = median(b.map((r) => r.processMs));
    const coldProcessTsxMs = median(t.map((r) => r.processMs));
    return {
      zipBytes,
      shardZipBytes,
      bundleBytes: bundle.data.length,
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
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run();
  await writeFile(new URL('./results/lambda.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
