/**
 * Buffered writing of a journal file being rebuilt by compaction: lines are gathered into about a
 * mebibyte before each write, and the writer knows the byte offset each line lands at.
 */
import { writeSync } from 'node:fs';

const FLUSH_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** Appends lines to `fd` from offset 0, returning each line's offset. */
export class JournalWriter {
  private parts: Buffer[] = [];
  private buffered = 0;
  private written = 0;

  constructor(private readonly fd: number) {}

  /** Bytes written or buffered so far: the offset of the next line. */
  get offset(): number {
    return this.written + this.buffered;
  }

  /** Queues one line (without its newline); returns its offset. */
  line(bytes: Buffer): number {
    const at = this.offset;
    this.parts.push(bytes, NEWLINE);
    this.buffered += bytes.length + 1;
    if (this.buffered >= FLUSH_BYTES) this.flush();
    return at;
  }

  /** Queues bytes as they are (lines already ending in their newline, copied from another journal file). */
  bytes(data: Buffer): void {
    this.parts.push(data);
    this.buffered += data.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.buffered === 0) return;
    const data = Buffer.concat(this.parts, this.buffered);
    for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done, data.length - done);
    this.written += this.buffered;
    this.parts = [];
    this.buffered = 0;
  }
}
