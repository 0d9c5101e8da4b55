/**
 * What every real-peer launcher (snmptrapd, rsyslogd) shares: find the installed binary or fail with the
 * install line, run it in the foreground with its stderr kept for error messages, wait until it is ready,
 * wait for lines it wrote, stop it and remove its directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The path of an installed binary; throws with the `apt-get install` line that provides it. */
export function requireBinary(name: string, debianPackage: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not installed: apt-get install ${debianPackage}`);
}

/** A started peer: its process, what it wrote to stderr so far, and how to wait for it and stop it. */
export interface PeerProcess {
  readonly child: ChildProcess;
  stderr(): string;
  /** Polls `ready` until true; throws (with the peer's stderr) if it exits or takes over `timeoutMs`. */
  waitUntilReady(ready: () => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Stops the process (SIGTERM unless `signal` says otherwise, awaiting its exit) and removes `dir` unless
   * `keepDir` (to start it again).
   */
  stop(options?: { readonly keepDir?: boolean; readonly signal?: NodeJS.Signals }): Promise<void>;
}

/** Starts `bin` with `args` in the foreground; `dir` is the peer's own temp directory, removed on stop. */
export function startPeer(
  name: string,
  bin: string,
  args: readonly string[],
  dir: string,
  env?: NodeJS.ProcessEnv,
): PeerProcess {
  const child = spawn(bin, [...args], { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return {
    child,
    stderr: () => stderr,
    async waitUntilReady(ready, timeoutMs = 10_000) {
      const start = Date.now();
      while (!ready()) {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
        if (Date.now() - start > timeoutMs) throw new Error(`${name} did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(options = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(options.signal ?? 'SIGTERM');
        await exited;
      }
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with `read()` once it has at least `n` lines; rejects after `timeoutMs` saying how many came. */
export async function waitForLines(
  read: () => string[],
  n: number,
  timeoutMs: number,
  what: string,
): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = read();
    if (got.length >= n) return got;
    if (Date.now() > until) throw new Error(`${what}: received ${got.length} of ${n}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `read()` once it has at least `n` lines or `timeoutMs` passed, and after `settleMs` more for a late
 * (doubled or stray) one to show up: a test that asserts an exact count must not stop looking at the first
 * match. It never throws; the caller's assertion on the lines says what is missing.
 */
export async function settledLines(
  read: () => string[],
  n: number,
  settleMs: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  while (read().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, settleMs));
  return read();
}
