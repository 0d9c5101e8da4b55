/** What every directory adapter shares: file-system error codes and capped file reads. */
import { promises as fs } from 'node:fs';

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
 * Reads at most `limit` bytes of `file`; a larger file is refused unread (fstat on the open handle, so a
 * file swapped between a stat and the read cannot slip through) and returns undefined.
 */
export async function readFileCapped(file: string, limit: number): Promise<Uint8Array | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) return new Uint8Array(0);
    if (info.size > limit) return undefined;
    // One byte more than the limit tells a file that grew after the fstat.
    const buffer = new Uint8Array(Math.min(info.size, limit) + 1);
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total > limit ? undefined : buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}
