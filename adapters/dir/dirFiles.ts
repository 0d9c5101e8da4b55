/**
 * What every directory adapter shares: file-system error codes and the one capped file reader (used by
 * the directory source and record store, the gateway secret file and `certmonitor inspect`).
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { sanitizeLogValue } from '../../core/catalogue.ts';

/** The error code of a file-system error (`ENOENT`, `EACCES`, …), or `error` when there is none. */
export function fsErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : 'error';
}

/** True for the errors that mean "there is no such file": the path or one of its directories is absent. */
export function isAbsent(error: unknown): boolean {
  const code = fsErrorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * What tells one version of a file from another without reading it: a file replaced by a rename has a
 * new inode, one written in place a new modification time.
 */
export interface FileStamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What {@link readFileCapped} found. */
export type CappedFile =
  | ({ readonly kind: 'read'; readonly bytes: Uint8Array } & FileStamp)
  /** Over the limit, so not read; its stamp still tells one version of it from another. */
  | ({ readonly kind: 'tooLarge' } & FileStamp)
  /** A directory, device or pipe: nothing is read from it. */
  | ({ readonly kind: 'notFile' } & FileStamp)
  /** The file could not be opened (`open`: absent, no permission, …) or not be read (`read`). */
  | { readonly kind: 'failed'; readonly stage: 'open' | 'read'; readonly code: string; readonly error: unknown };

/**
 * Reads at most `limit` bytes of the regular file `file`. A larger file is refused unread: it is sized
 * with fstat on the open handle, so a file swapped between a stat and the read cannot slip through, and a
 * file that grows past the limit while it is read is refused too. Never throws.
 */
export async function readFileCapped(file: string, limit: number): Promise<CappedFile> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    return { kind: 'failed', stage: 'open', code: fsErrorCode(error), error };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'notFile', ...stampOf(info) };
    if (info.size > limit) return { kind: 'tooLarge', ...stampOf(info) };
    const bytes = await readUpTo(handle, Math.min(info.size, limit) + 1, limit + 1);
    // A file changed in place while read keeps the stamp taken before: a conditional write then conflicts.
    if (bytes.length <= limit) return { kind: 'read', bytes, ...stampOf(info) };
    return { kind: 'tooLarge', ...stampOf(await handle.stat()) };
  } catch (error) {
    return { kind: 'failed', stage: 'read', code: fsErrorCode(error), error };
  } finally {
    await handle.close();
  }
}

function stampOf(info: FileStamp): FileStamp {
  return { ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
}

/**
 * Reads from the start until end of file or `max` bytes, in a buffer of `expected` bytes that grows only
 * when the file holds more than fstat said (it grew, or it is one of the files that report size 0).
 */
async function readUpTo(handle: FileHandle, expected: number, max: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(expected);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (buffer.length >= max) break;
      const larger = new Uint8Array(Math.min(max, buffer.length * 2));
      larger.set(buffer);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  return buffer.subarray(0, total);
}

/**
 * How a `dir:` location is named in lines and messages: the path as the operator gave it (an absolute path
 * stays absolute, so `collect --to dir:/srv/out` is not reported as `dir:out`), without control characters
 * and bounded.
 */
export function dirDescription(root: string): string {
  return `dir:${sanitizeLogValue(root.replace(/\/+$/, '') || '/')}`;
}
