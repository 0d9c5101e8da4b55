/**
 * Writes a file for node_exporter's textfile collector atomically: a temporary file in the same folder
 * (not ending in `.prom`, so the collector never reads it half written), then a rename over the target.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sanitizeLogValue } from '../../core/catalogue.ts';
import { fsErrorCode } from '../dir/dirFiles.ts';
import { MetricsTextfileError } from '../errors.ts';

/**
 * Replaces `file` with `text` in one rename; throws {@link MetricsTextfileError} naming the file (as the
 * operator gave it) and the error code.
 */
export async function writeTextfile(file: string, text: string): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await fs.open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new MetricsTextfileError(
      `the metrics textfile ${sanitizeLogValue(file)} could not be written (${fsErrorCode(error)})`,
      {
        cause: error,
      },
    );
  }
}
