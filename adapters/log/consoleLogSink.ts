/**
 * Catalogue lines on a console stream: human lines `2026-11-24T12:00:00Z hsm01 info : 0 : text` (the
 * appliance's name, or `-` for lines about the run itself), or one JSON object per line for log shippers.
 */
import type { LogSink } from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';

/** Anything with a `write(text)`: `process.stdout`, `process.stderr`, a test buffer. */
export interface TextOutput {
  write(text: string): unknown;
}

/** How a {@link ConsoleLogSink} prints. */
export interface ConsoleLogSinkOptions {
  /** `text` (default): human lines; `json`: one JSON object per line. */
  readonly format?: 'text' | 'json';
  readonly out: TextOutput;
  /**
   * The timestamp of each line. The check passes its evaluation instant, so a replay with `--now` prints
   * the same lines; long-running callers pass the clock.
   */
  readonly time: () => Date;
}

/** ISO 8601 to the second: `2026-11-24T12:00:00Z`. */
function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** {@link LogSink} writing to a console stream. */
export class ConsoleLogSink implements LogSink {
  private readonly format: 'text' | 'json';

  constructor(private readonly options: ConsoleLogSinkOptions) {
    this.format = options.format ?? 'text';
  }

  /** Writes one line; entry texts are already sanitized catalogue renderings. */
  write(entry: LogEntry, context?: Readonly<Record<string, unknown>>): void {
    const time = isoSeconds(this.options.time());
    if (this.format === 'json') {
      this.options.out.write(
        // The entry's own fields come last so a context can never overwrite them.
        `${JSON.stringify({
          time,
          ...context,
          appliance: entry.appliance,
          key: entry.key,
          sev: entry.sev,
          level: entry.level,
          text: entry.text,
        })}\n`,
      );
      return;
    }
    this.options.out.write(`${time} ${entry.appliance ?? '-'} ${entry.level} : 0 : ${entry.text}\n`);
  }
}
