/**
 * Buffered writing of a journal file being rebuilt by compaction: lines are gathered in memory and written
 * a mebibyte or so at a time, either at once or on the thread pool (so a write the kernel holds back does
 * not hold up the event loop), and the writer knows the byte offset each line lands at.
 */
import { write, writeSync } from 'node:fs';

/** Buffered bytes worth one write. */
export const FLUSH_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** Appends lines to `fd` from offset 0, returning each line's offset; writes only when told to. */
export class JournalWriter {
  private parts: Buffer[] = [];
  private buffered = 0;
  private written = 0;

  constructor(private readonly fd: number) {}

  /** Bytes written or buffered so far: the offset of the next line. */
  get offset(): number {
    return this.written + this.buffered;
  }

  /** True when enough is buffered to be worth a write. */
  get full(): boolean {
    return this.buffered >= FLUSH_BYTES;
  }

  /** Queues one line (without its newline); returns its offset. */
  line(bytes: Buffer): number {
    const at = this.offset;
    this.parts.push(bytes, NEWLINE);
    this.buffered += bytes.length + 1;
    return at;
  }

  /** Queues bytes as they are (lines already ending in their newline, copied from another journal file). */
  bytes(data: Buffer): void {
    this.parts.push(data);
    this.buffered += data.length;
  }

  /** Writes what is buffered, now. */
  flush(): void {
    const { data, position } = this.take();
    for (let done = 0; done < data.length; )
      done += writeSync(this.fd, data, done, data.length - done, position + done);
  }

  /** Writes what is buffered on the thread pool; nothing may be queued or written until it settles. */
  async flushInBackground(): Promise<void> {
    const { data, position } = this.take();
    for (let done = 0; done < data.length; ) {
      done += await new Promise<number>((resolve, reject) =>
        write(this.fd, data, done, data.length - done, position + done, (error, n) =>
          error ? reject(error) : resolve(n),
        ),
      );
    }
  }

  /** The buffered bytes and the offset they go to, counted as written from here on. */
  private take(): { data: Buffer; position: number } {
    const data = Buffer.concat(this.parts, this.buffered);
    const position = this.written;
    this.written += this.buffered;
    this.parts = [];
    this.buffered = 0;
    return { data, position };
  }
}
