/**
 * The crash dump the appliance's daemon writes (`certmonitord_bt_<timestamp>`), here a JS stack and
 * process facts, followed by the `crashDumped` / `crashNoDump` line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyslogWriter } from './syslog/syslogWriter.ts';

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Writes the dump file and returns its path; throws when it cannot. */
export function writeCrashDump(dir: string, error: unknown, now: Date): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `certmonitord_bt_${stamp(now)}_${process.pid}`);
  const err = error instanceof Error ? error : new Error(String(error));
  const text = [
    `time: ${now.toISOString()}`,
    `pid: ${process.pid}`,
    `node: ${process.version}`,
    `uptimeSeconds: ${Math.round(process.uptime())}`,
    `memory: ${JSON.stringify(process.memoryUsage())}`,
    '',
    err.stack ?? `${err.name}: ${err.message}`,
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  return path;
}

/** Dumps and logs a fatal error; returns the dump path, or undefined when no dump could be written. */
export function reportCrash(
  dir: string,
  error: unknown,
  writer: SyslogWriter | undefined,
  now = new Date(),
): string | undefined {
  try {
    const path = writeCrashDump(dir, error, now);
    writer?.lifecycle('crashDumped', { path });
    return path;
  } catch {
    writer?.lifecycle('crashNoDump');
    return undefined;
  }
}
