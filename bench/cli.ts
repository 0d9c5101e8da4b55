/**
 * CLI start-up benchmark: what a monitoring agent pays each time it runs `certmonitor inspect FILE`, and
 * what `certmonitor --help` costs, against the floor any Node program pays (`node -e 0`), measured side by
 * side in one run: the three commands are interleaved, 10 runs each by default, and medians compared.
 * Also the peak resident memory of one `inspect` (the child's own maxRSS, read through a preload that
 * adds no work). The built JavaScript is measured (`npm run build` first), as installed products run it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 10);
const BIN = join(ROOT, 'bin/certmonitor.js');
const FILE = join(ROOT, 'test/fixtures/certs/rsa2048.pem');

if (!existsSync(join(ROOT, 'dist/certmonitor.js'))) {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
}

const tmp = mkdtempSync(join(tmpdir(), 'certmonitor-bench-cli-'));
const rssPreload = join(tmp, 'rss.mjs');
writeFileSync(
  rssPreload,
  "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
);

const commands = {
  node: [process.execPath, '-e', '0'],
  help: [process.execPath, BIN, '--help'],
  inspect: [process.execPath, BIN, 'inspect', FILE],
} as const;

/** Wall time of one run in ms. */
function time(argv: readonly string[]): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0 && child.status !== 1 && child.status !== 2) throw new Error(`${argv.join(' ')} failed`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// One warm-up of each (the page cache), then interleaved rounds so machine noise hits all three alike.
for (const argv of Object.values(commands)) time(argv);
const samples: Record<keyof typeof commands, number[]> = { node: [], help: [], inspect: [] };
for (let round = 0; round < RUNS; round++) {
  for (const [name, argv] of Object.entries(commands) as Array<[keyof typeof commands, readonly string[]]>) {
    samples[name].push(time(argv));
  }
}

/** Peak RSS of one `inspect`, in MB (maxRSS is reported in KiB). */
function inspectRssMb(): number {
  const rssFile = join(tmp, 'rss');
  const child = spawnSync(process.execPath, ['--import', rssPreload, BIN, 'inspect', FILE], {
    stdio: 'ignore',
    env: { ...process.env, RSS_FILE: rssFile },
  });
  if (child.status === null) throw new Error('inspect did not finish');
  return Number(readFileSync(rssFile, 'utf8')) / 1024;
}
const rss = median([inspectRssMb(), inspectRssMb(), inspectRssMb()]);
rmSync(tmp, { recursive: true, force: true });

const nodeMs = median(samples.node);
const result = {
  runs: RUNS,
  nodeMs: Math.round(nodeMs * 10) / 10,
  helpMs: Math.round(median(samples.help) * 10) / 10,
  inspectMs: Math.round(median(samples.inspect) * 10) / 10,
  helpVsNode: Math.round((median(samples.help) / nodeMs) * 100) / 100,
  inspectVsNode: Math.round((median(samples.inspect) / nodeMs) * 100) / 100,
  inspectRssMb: Math.round(rss * 10) / 10,
  node: process.version,
};
writeFileSync(join(ROOT, 'bench/results/cli.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
