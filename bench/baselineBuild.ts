/**
 * The command as a given commit built it, for benchmarks that compare this tree with an earlier one in the
 * same run: the commit's files are exported with `git archive` (the repository is only read) into
 * bench/results/tmp/, given this tree's node_modules, and built with that commit's own build script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The commit today's figures are compared with: the last commit before this branch's work. */
export const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '8b69082';

/**
 * Exports `ref`'s files once (kept for later runs) with this tree's node_modules and resolves to their
 * folder; `ready` names a file whose presence means an earlier export is complete.
 */
export function exportCommit(ref: string, ready = 'package.json'): string {
  const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${ref}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = join(ROOT, 'bench', 'results', 'tmp', `baseline-${commit.slice(0, 12)}`);
  if (existsSync(join(dir, ready))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['-C', ROOT, 'archive', '--format=tar', commit], { maxBuffer: 512 * 2 ** 20 });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Builds `ref` once (kept for later runs) and resolves to the folder holding its `bin/certmonitor.js`. */
export function buildBaseline(ref = BASELINE_REF): string {
  const dir = exportCommit(ref, join('dist', 'certmonitor.js'));
  if (existsSync(join(dir, 'dist', 'certmonitor.js'))) return dir;
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building ${dir} failed: ${built.stderr}`);
  return dir;
}
