/**
 * The fleet report's files in a `RecordStore` (docs/monitoring.md, Fleet report): the report itself and the parts a
 * sharded run assembles it from, under a state location's `_report/` folder or in a folder of their own
 * (`certmonitor report --out DIR`). Names are plain file names or `parts/NAME` (letters, digits, `.`, `-`,
 * `_`); anything else is refused.
 */
import { StateStoreError } from './errors.ts';
import { namedRecordError } from './namedRecordError.ts';
import type { RecordStore, ReportStore } from './ports.ts';

/** Largest report file read back (a shard's part of a very large fleet is tens of megabytes). */
const MAX_REPORT_FILE_BYTES = 256 * 1024 * 1024;

const REPORT_NAME = /^(?:parts\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `name` if it is a report file name (`index.html`, `parts/0-of-4.json`), else a {@link StateStoreError}. */
function reportFileName(name: string): string {
  if (!REPORT_NAME.test(name) || name.includes('..')) throw new StateStoreError('invalid report file name');
  return name;
}

/** {@link ReportStore} over the records under `folder` (`''` or ending with `/`) of a {@link RecordStore}. */
export class ReportFolder implements ReportStore {
  readonly reportDescription: string;

  constructor(
    private readonly records: RecordStore,
    private readonly folder: string,
    description?: string,
  ) {
    this.reportDescription = description ?? records.describe(folder);
  }

  /** The local file of a report file, when the store has local files (for the messages that say what to open). */
  reportPath(name: string): string | undefined {
    return this.records.localPath?.(this.key(name));
  }

  /** Writes one file whole (a reader sees the old or the new content, never half). */
  async writeReportFile(name: string, body: string, contentType: string): Promise<void> {
    const key = this.key(name);
    const bytes = new TextEncoder().encode(body);
    await namedRecordError('report file', name, () => this.records.publish(key, bytes, contentType));
  }

  /** The file's content, or undefined when there is none. */
  async readReportFile(name: string): Promise<string | undefined> {
    const key = this.key(name);
    const record = await namedRecordError('report file', name, () => this.records.read(key, MAX_REPORT_FILE_BYTES));
    if (record === undefined) return undefined;
    if (record.bytes.length > MAX_REPORT_FILE_BYTES) throw new StateStoreError('report file is too large');
    return new TextDecoder().decode(record.bytes);
  }

  private key(name: string): string {
    return `${this.folder}${reportFileName(name)}`;
  }
}
