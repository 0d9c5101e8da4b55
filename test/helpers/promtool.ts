/**
 * Prometheus's own checker, `promtool` (Debian package `prometheus`), run on text a test produced: the
 * text format as node_exporter's textfile collector and a Prometheus scrape read it.
 */
import { spawnSync } from 'node:child_process';
import { requireBinary } from './peerProcess.ts';

/** Runs `promtool ARGS` with `input` on stdin; resolves to its exit status and output. */
export function promtool(args: readonly string[], input = ''): { status: number | null; output: string } {
  const bin = requireBinary('promtool', 'prometheus');
  const child = spawnSync(bin, [...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

/**
 * Fails unless `promtool check metrics` accepts `text` (lint included). Empty input is refused here:
 * promtool accepts it, and a test must never pass on nothing.
 */
export function assertPromtoolAccepts(text: string, what: string): void {
  if (text.trim() === '') throw new Error(`${what}: no metrics to check`);
  const { status, output } = promtool(['check', 'metrics'], text);
  if (status !== 0) throw new Error(`promtool check metrics refused ${what} (exit ${status}):\n${output}`);
}

/** The value of one sample in the text format, or undefined when there is no such line. */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
