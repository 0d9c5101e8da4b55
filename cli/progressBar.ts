/**
 * Progress of a long `certmonitor check` or `collect` on a terminal: one status line on stderr with the appliances done
 * (and a bar when the total is known), per-status counts of what needs attention, the rate and the elapsed
 * time. It redraws from a timer (at most ten times a second, however fast appliances complete); on a
 * terminal shared with the catalogue lines it is erased before each line and put back after it, so log
 * lines scroll above it instead of being garbled.
 * Off the terminal, with `--json` or on CI it is not used at all: output stays machine-readable.
 */
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import type { Status } from '../core/types.ts';

/** A stream the bar draws on: stderr, or a test buffer. `columns` bounds the line so it never wraps. */
export interface ProgressStream extends TextOutput {
  readonly columns?: number;
}

/** How a {@link ProgressBar} is driven. */
export interface ProgressBarOptions {
  readonly out: ProgressStream;
  /** Milliseconds from any origin (default `performance.now`). */
  readonly clock?: () => number;
  /** Shortest time between two redraws (default 100 ms). */
  readonly intervalMs?: number;
  /** Starts a repeating timer and returns its cancel function (default an unref'd `setInterval`). */
  readonly every?: (fn: () => void, ms: number) => () => void;
  /** The outcomes counted on the line (default the check's statuses an operator acts on). */
  readonly shown?: readonly string[];
  /** Outcomes shown only once they occur (default `unavailable`). */
  readonly shownWhenSeen?: readonly string[];
}

/** Erase the whole current line and return to its start. */
const CLEAR = '\r\x1b[2K';
const BAR_WIDTH = 20;
/** Counted and shown by default: the statuses an operator acts on. */
const SHOWN: readonly Status[] = ['expiring', 'expired', 'invalid', 'missing'];
const SHOWN_WHEN_SEEN: readonly Status[] = ['unavailable'];

/** True when a progress line belongs on this stream: a terminal, not `--json`, not CI, not a dumb terminal. */
export function progressWanted(options: {
  readonly isTTY: boolean | undefined;
  readonly json: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}): boolean {
  if (options.isTTY !== true || options.json) return false;
  const ci = options.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  return options.env.TERM !== 'dumb';
}

/** `1234567` as `1,234,567`, without depending on the host's locale. */
function grouped(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Elapsed seconds as `m:ss`, or `h:mm:ss` from an hour on. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The progress line of a check run on a terminal. */
export class ProgressBar {
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private readonly started: number;
  private readonly counts = new Map<string, number>();
  private done = 0;
  private total: number | undefined;
  private visible = false;
  /** The line last drawn, put back under text written through {@link above} without re-rendering. */
  private lastLine = '';
  private lastDraw = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private finished = false;

  constructor(private readonly options: ProgressBarOptions) {
    this.clock = options.clock ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 100;
    this.started = this.clock();
    const every =
      options.every ??
      ((fn: () => void, ms: number) => {
        const timer = setInterval(fn, ms);
        // The bar must never keep a finished process alive.
        timer.unref();
        return () => clearInterval(timer);
      });
    this.cancel = every(() => this.refresh(), this.intervalMs);
  }

  /** Counts one finished appliance with its status (check) or outcome (collect); drawing waits for the timer. */
  tick(status: string): void {
    this.done++;
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }

  /** The number of appliances in the run, once known: the line then shows a bar and a percentage. */
  setTotal(total: number): void {
    this.total = total;
  }

  /** The line as it would be drawn now (without control sequences). */
  render(): string {
    const elapsedMs = this.clock() - this.started;
    const rate = elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0;
    const parts: string[] = [];
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(1, this.done / this.total);
      const filled = Math.round(ratio * BAR_WIDTH);
      parts.push(
        `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`,
        `${grouped(this.done)}/${grouped(this.total)} appliances`,
      );
    } else {
      parts.push(`${grouped(this.done)} appliances`);
    }
    parts.push(`${rate < 10 ? rate.toFixed(1) : grouped(rate)}/s`, formatElapsed(elapsedMs));
    const statuses = (this.options.shown ?? SHOWN).map((s) => `${s} ${grouped(this.counts.get(s) ?? 0)}`);
    for (const label of this.options.shownWhenSeen ?? SHOWN_WHEN_SEEN) {
      const count = this.counts.get(label) ?? 0;
      if (count > 0) statuses.push(`${label} ${grouped(count)}`);
    }
    return `${parts.join('  ')}  |  ${statuses.join(', ')}`;
  }

  /** Redraws the line, unless it was drawn less than the interval ago or the bar is finished. */
  refresh(): void {
    if (this.finished) return;
    const now = this.clock();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    let line = this.render();
    // A line longer than the terminal wraps, and the next redraw could then erase only its last row.
    const columns = this.options.out.columns;
    if (columns !== undefined && columns > 1 && line.length > columns - 1) line = line.slice(0, columns - 1);
    this.lastLine = line;
    this.options.out.write(`${CLEAR}${line}`);
    this.visible = true;
  }

  /** Erases the line if it is shown (the next timer tick draws it again). */
  clear(): void {
    if (!this.visible) return;
    this.options.out.write(CLEAR);
    this.visible = false;
  }

  /**
   * `out` with the bar erased before each line written and put back (as last drawn) after it, so when `out`
   * and the bar share one terminal (stdout and stderr), lines scroll above the bar instead of through it.
   * Putting the same text back is not a redraw: the content still changes at most once per interval.
   */
  above(out: TextOutput): TextOutput {
    return {
      write: (text: string) => {
        const wasVisible = this.visible;
        this.clear();
        const result = out.write(text);
        if (wasVisible && !this.finished && text.endsWith('\n')) {
          this.options.out.write(this.lastLine);
          this.visible = true;
        }
        return result;
      },
    };
  }

  /** Stops the timer and erases the line for good; idempotent. */
  finish(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.clear();
    this.finished = true;
  }
}
