/**
 * A folder of fleet report files on the local disk (docs/monitoring.md, Fleet report): a state directory's `_report/`,
 * or `certmonitor report --out DIR`. Each file is written atomically (temporary file, fsync, rename) and
 * readable by others: the report holds no secret, and an operator opens it in a browser.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StateStoreError } from '../../app/errors.ts';
import type { ReportStore } from '../../app/ports.ts';
import { MAX_REPORT_FILE_BYTES, reportFileName } from '../reportLayout.ts';
import { fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';

/** {@link ReportStore} over one local folder. */
export class DirReportFolder implements ReportStore {
  readonly reportDescription: string;

  constructor(
    private readonly dir: string,
    description?: string,
  ) {
    this.reportDescription = description ?? `${path.resolve(dir)}${path.sep}`;
  }

  /** The absolute path of a report file (for the messages that tell an operator what to open). */
  reportPath(name: string): string {
    return path.resolve(this.dir, reportFileName(name));
  }

  /** Writes one report file atomically. */
  async writeReportFile(name: string, body: string, _contentType: string): Promise<void> {
    const file = this.reportPath(name);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const handle = await fs.open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(body);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw new StateStoreError(`report file could not be written (${fsErrorCode(error)})`, { cause: error });
    }
  }

  /** A report file's content, or undefined when there is none. */
  async readReportFile(name: string): Promise<string | undefined> {
    const read = await readFileCapped(this.reportPath(name), MAX_REPORT_FILE_BYTES);
    switch (read.kind) {
      case 'read':
        return new TextDecoder().decode(read.bytes);
      case 'failed':
        if (isAbsent(read.error)) return undefined;
        throw new StateStoreError(`report file could not be read (${read.code})`, { cause: read.error });
      default:
        throw new StateStoreError('report file is too large or not a file');
    }
  }
}
