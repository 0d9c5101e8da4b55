/**
 * Writes the latest soak figures into bench/README.md, between the Soak section's markers (the section
 * stays above "Latest results", which `npm run bench` rewrites).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { TargetResult } from './soakSummary.ts';

const START = '<!-- soak:start (written by bench/soak.ts; do not edit by hand) -->';
const END = '<!-- soak:end -->';

/** What the README shows of one run. */
export interface SoakHeadline {
  readonly date: string;
  readonly resultsFile: string;
  readonly description: string;
  readonly figures: ReadonlyArray<readonly [string, string | number]>;
  readonly targets: readonly TargetResult[];
}

/** The markdown between the markers. */
export function soakMarkdown(h: SoakHeadline): string {
  const lines = [
    START,
    `Latest run: ${h.date}, ${h.description} (\`${h.resultsFile}\`).`,
    '',
    '| target | result | pass |',
    '|---|---|---|',
    ...h.targets.map((t) => `| ${t.name} (${t.target}) | ${t.value} | ${t.pass ? 'pass' : '**FAIL**'} |`),
    '',
    '| figure | value |',
    '|---|---|',
    ...h.figures.map(([k, v]) => `| ${k} | ${v} |`),
    END,
  ];
  return lines.join('\n');
}

/** Replaces the marked block in `readmePath` (which must have the markers). */
export function writeSoakReadme(readmePath: string, h: SoakHeadline): void {
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${readmePath} has no soak markers`);
  writeFileSync(readmePath, `${readme.slice(0, from)}${soakMarkdown(h)}${readme.slice(to + END.length)}`);
}
