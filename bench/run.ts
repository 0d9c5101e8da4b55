/**
 * `npm run bench`: runs every benchmark, each in its own Node process (so one's memory and JIT state
 * never colour another's figures), then writes bench/results/latest.json, a dated copy, and the summary
 * table in bench/README.md. Every result carries the Node version it was measured on, and the figures are
 * taken on the Node the Lambda runs (serverless.yml's runtime) unless BENCH_ANY_NODE=1 says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const BENCHES = ['cli', 'parse', 'fleet', 'gateway', 'lambda', 'report', 'collect', 'journal', 'scale'] as const;
const here = fileURLToPath(new URL('.', import.meta.url));

/** The Node major the project ships on: the Lambda's runtime, `nodejs24.x` → 24. */
function shippedNodeMajor(): number {
  const runtime = /^\s*runtime:\s*nodejs(\d+)\.x\s*$/m.exec(readFileSync(`${here}../serverless.yml`, 'utf8'));
  if (!runtime) throw new Error('serverless.yml names no nodejsNN.x runtime');
  return Number(runtime[1]);
}
const shipped = shippedNodeMajor();
if (Number(process.versions.node.split('.')[0]) !== shipped && process.env.BENCH_ANY_NODE !== '1') {
  process.stderr.write(
    `bench: this is Node ${process.version}; the project ships on Node ${shipped}. Put Node ${shipped} first on PATH (or set BENCH_ANY_NODE=1 to measure anyway).\n`,
  );
  process.exit(2);
}
const only = process.argv.slice(2).filter((a) => (BENCHES as readonly string[]).includes(a));

/** Runs one benchmark file in a child process; its result is the JSON it wrote to bench/results/NAME.json. */
function runOne(name: string): Record<string, unknown> {
  const started = Date.now();
  process.stderr.write(`bench: ${name} …\n`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', `${here}${name}.ts`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // Generous: on a shared machine seeding 10,000 objects alone has taken a minute.
    timeout: 20 * 60_000,
  });
  if (child.status !== 0) {
    throw new Error(`benchmark ${name} failed (exit ${child.status ?? child.signal})`);
  }
  const result = JSON.parse(readFileSync(`${here}results/${name}.json`, 'utf8')) as Record<string, unknown>;
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  // Each benchmark keeps its own date: a partial run leaves the others' figures (and dates) as they were.
  return { measuredAt: new Date().toISOString(), ...result, node: process.version };
}

const results: Record<string, unknown> = {};
for (const name of only.length > 0 ? only : BENCHES) results[name] = runOne(name);

// A partial run (`npm run bench -- cli`) keeps the figures of the benchmarks it did not run.
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(`${here}results/latest.json`, 'utf8')) as Record<string, unknown>;
} catch {
  // no earlier results
}
const kept = Object.fromEntries(
  Object.entries(previous).filter(([name]) => (BENCHES as readonly string[]).includes(name) && !(name in results)),
);
const latest = {
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
  },
  ...kept,
  ...results,
};
const json = `${JSON.stringify(latest, null, 2)}\n`;
writeFileSync(`${here}results/latest.json`, json);
writeFileSync(`${here}results/${latest.date.slice(0, 10)}.json`, json);

/** Formats a figure for the summary table. */
function fmt(value: unknown): string {
  if (typeof value !== 'number') return String(value ?? '—');
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}
const lines = [
  '<!-- written by `npm run bench`; do not edit by hand -->',
  `Last run: ${latest.date} on Node ${latest.machine.node}, ${latest.machine.cpus} cores (${latest.machine.cpuModel}).`,
  '',
  '| benchmark | figure | value |',
  '|---|---|---|',
];
for (const [name, figures] of Object.entries({ ...kept, ...results })) {
  for (const [key, value] of Object.entries(figures as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null) continue;
    lines.push(`| ${name} | ${key} | ${fmt(value)} |`);
  }
}
const readmePath = `${here}README.md`;
const readme = readFileSync(readmePath, 'utf8');
const marker = '## Latest results';
const head = readme.includes(marker) ? readme.slice(0, readme.indexOf(marker)) : `${readme.trimEnd()}\n\n`;
writeFileSync(readmePath, `${head}${marker}\n\n${lines.join('\n')}\n`);
process.stdout.write(json);
