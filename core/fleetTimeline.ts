/**
 * The fleet report's expiry timeline as inline SVG (docs/monitoring.md, Fleet report): every appliance's notAfter on
 * a time axis as one mark coloured by status, stacked as a dot plot so that hundreds of appliances stay
 * readable (marks in the same column pile up instead of hiding each other; a tall pile is compressed,
 * never dropped), with "now" and the threshold window marked. Appliances with no certificate date
 * (missing, invalid, unreadable) get a column of their own at the left; a date outside the axis's range is
 * drawn hollow at that end and counted there. Pure.
 */

import type { FleetEntry, FleetStatus } from './fleetReport.ts';
import { escapeHtml } from './html.ts';
import { monthName } from './monthNames.ts';

const WIDTH = 1200;
const GUTTER_RIGHT = 84;
const X0 = 104;
const X1 = WIDTH - 18;
const TOP = 30;
const R = 3.5;
/** Room for the marks: enough for the tallest pile, within these bounds (taller piles are compressed). */
const MIN_PLOT = 70;
const MAX_PLOT = 220;
const DAY = 86_400_000;
/** The time span the axis shows: past and future are clamped so one outlier cannot squash everything. */
export function timelineDomain(time: number, thresholdDays: number, dates: readonly number[]): [number, number] {
  // A loop, not Math.min(...dates): a spread of a large fleet's dates would overflow the call stack.
  let earliest = time;
  let latest = time;
  for (const d of dates) {
    if (d < earliest) earliest = d;
    if (d > latest) latest = d;
  }
  const lo = Math.max(Math.min(earliest - 7 * DAY, time - 14 * DAY), time - 365 * DAY);
  const hi = Math.min(Math.max(latest + 7 * DAY, time + Math.max(2 * thresholdDays, 60) * DAY), time + 3 * 365 * DAY);
  return [lo, hi];
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** A day as the page shows it: `2026-11-24`. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Month ticks: the first step in months that gives at most 12 ticks. */
function monthTicks(lo: number, hi: number): number[] {
  const spanMonths = (hi - lo) / (30.44 * DAY);
  const step = [1, 2, 3, 6, 12, 24].find((s) => spanMonths / s <= 12) ?? 36;
  const start = new Date(lo);
  let year = start.getUTCFullYear();
  let month = Math.ceil((start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0)) / step) * step;
  const ticks: number[] = [];
  for (;;) {
    year += Math.floor(month / 12);
    month %= 12;
    const t = Date.UTC(year, month, 1);
    if (t > hi) return ticks;
    if (t >= lo) ticks.push(t);
    month += step;
  }
}

function axis(lo: number, hi: number, x: (t: number) => number, baseline: number): string {
  const parts = [`<line class="axis" x1="${X0}" y1="${baseline}" x2="${X1}" y2="${baseline}"/>`];
  for (const t of monthTicks(lo, hi)) {
    const d = new Date(t);
    const label = `${monthName(d)} ${d.getUTCFullYear()}`;
    parts.push(
      `<line class="tick" x1="${fmt(x(t))}" y1="${baseline}" x2="${fmt(x(t))}" y2="${baseline + 5}"/>`,
      `<text class="tick-label" x="${fmt(x(t))}" y="${baseline + 18}">${label}</text>`,
    );
  }
  return parts.join('');
}

function markTitle(entry: FleetEntry, beyond: Beyond | undefined): string {
  const when = entry.notAfter ? `notAfter ${day(Date.parse(entry.notAfter))} (${entry.daysRemaining} days)` : 'no date';
  const where = beyond === undefined ? '' : `, ${beyond} the timeline's range`;
  return escapeHtml(`${entry.appliance}: ${entry.status.replace(/_/g, ' ')}, ${when}${where}`);
}

function mark(m: Placed, cy: number): string {
  const beyond = m.beyond === undefined ? '' : ` beyond ${m.beyond}`;
  return `<circle class="m s-${m.entry.status}${beyond}" cx="${fmt(m.cx)}" cy="${fmt(cy)}" r="${R}" data-row="${m.row}"><title>${markTitle(m.entry, m.beyond)}</title></circle>`;
}

/** Which end of the axis a date outside its range is shown at. */
type Beyond = 'before' | 'after';

/** A mark placed in a pile: its column's x and its height in the pile. */
interface Placed {
  readonly entry: FleetEntry;
  readonly row: string;
  readonly cx: number;
  readonly k: number;
  /** Set for a date outside the axis: the mark stands at that end, drawn hollow, and is counted there. */
  readonly beyond?: Beyond;
}

/**
 * How many marks stand beyond each end of the axis, said at that end: a ten-year certificate is as far
 * right as the axis goes, and the page must not suggest it expires on the axis's last day.
 */
function beyondLabels(marks: readonly Placed[], baseline: number): string {
  let before = 0;
  let after = 0;
  for (const m of marks) {
    if (m.beyond === 'before') before++;
    else if (m.beyond === 'after') after++;
  }
  const y = baseline + 32;
  return [
    before > 0 ? `<text class="beyond-label" x="${X0}" y="${y}" text-anchor="start">&lt; ${before} earlier</text>` : '',
    after > 0 ? `<text class="beyond-label" x="${X1}" y="${y}" text-anchor="end">${after} later &gt;</text>` : '',
  ].join('');
}

/** Dated marks binned by column of one mark's width, each column piled upwards in notAfter order. */
function pileDated(
  dated: ReadonlyArray<[FleetEntry, string]>,
  [lo, hi]: readonly [number, number],
  x: (t: number) => number,
): Placed[] {
  const bins = new Map<number, number>();
  return dated
    .map(([entry, row]) => ({ entry, row, t: Date.parse(entry.notAfter as string) }))
    .sort((a, b) => a.t - b.t)
    .map(({ entry, row, t }) => {
      const bin = Math.round((Math.min(X1, Math.max(X0, x(t))) - X0) / (2 * R));
      const k = bins.get(bin) ?? 0;
      bins.set(bin, k + 1);
      const beyond: Beyond | undefined = t < lo ? 'before' : t > hi ? 'after' : undefined;
      return { entry, row, cx: Math.min(X1, X0 + bin * 2 * R), k, ...(beyond ? { beyond } : {}) };
    });
}

/** Undated marks as a grid in the left column, one pile per row of the grid. */
function pileUndated(undated: ReadonlyArray<[FleetEntry, string]>): Placed[] {
  const perRow = Math.floor((GUTTER_RIGHT - 14) / (2 * R + 1));
  return undated.map(([entry, row], i) => ({
    entry,
    row,
    cx: 10 + R + (i % perRow) * (2 * R + 1),
    k: Math.floor(i / perRow),
  }));
}

/**
 * The timeline of `status` as an `<svg>` element; `rowIds[i]` is the id of the table row of
 * `status.appliances[i]`, which a click on its mark scrolls to. Its height follows the tallest pile of
 * marks, within bounds; a taller pile is compressed (marks overlap), never cut.
 */
export function renderTimeline(status: FleetStatus, rowIds: readonly string[]): string {
  const time = Date.parse(status.time);
  const entries = status.appliances.map((e, i) => [e, rowIds[i] as string] as [FleetEntry, string]);
  const dated = entries.filter(([e]) => e.notAfter !== null);
  const undated = entries.filter(([e]) => e.notAfter === null);
  const [lo, hi] = timelineDomain(
    time,
    status.thresholdDays,
    dated.map(([e]) => Date.parse(e.notAfter as string)),
  );
  const x = (t: number) => X0 + ((t - lo) / (hi - lo)) * (X1 - X0);
  const marks = [...pileUndated(undated), ...pileDated(dated, [lo, hi], x)];
  let tallest = 0;
  for (const m of marks) tallest = Math.max(tallest, m.k + 1);
  const plot = Math.min(MAX_PLOT, Math.max(MIN_PLOT, tallest * (2 * R + 1) + 8));
  const baseline = TOP + plot;
  const height = baseline + 40;
  const step = tallest <= 1 ? 0 : Math.min(2 * R + 1, (plot - 2 * R - 4) / (tallest - 1));
  const now = Math.min(X1, Math.max(X0, x(time)));
  const windowEnd = Math.min(X1, Math.max(X0, x(time + status.thresholdDays * DAY)));
  const label = `Expiry timeline: ${dated.length} appliance(s) by notAfter, ${undated.length} without a certificate date`;
  return [
    `<svg id="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}">`,
    `<rect class="window" x="${fmt(now)}" y="${TOP - 8}" width="${fmt(windowEnd - now)}" height="${plot + 8}"/>`,
    `<text class="window-label" x="${fmt(now + 4)}" y="${TOP - 12}">threshold ${status.thresholdDays} days</text>`,
    `<rect class="gutter" x="4" y="${TOP - 8}" width="${GUTTER_RIGHT - 8}" height="${plot + 8}"/>`,
    `<text class="gutter-label" x="${GUTTER_RIGHT / 2}" y="${baseline + 18}">no date</text>`,
    axis(lo, hi, x, baseline),
    `<line class="now" x1="${fmt(now)}" y1="${TOP - 22}" x2="${fmt(now)}" y2="${baseline}"/>`,
    `<text class="now-label" x="${fmt(now - 4)}" y="${TOP - 12}">now ${day(time)}</text>`,
    ...marks.map((m) => mark(m, baseline - R - 2 - m.k * step)),
    beyondLabels(marks, baseline),
    '</svg>',
  ].join('');
}
