/**
 * The headings of a Markdown page and the anchors a link to them uses, as GitHub renders them: the
 * documentation's tests check section references and links against these.
 */

export interface MarkdownHeading {
  /** The heading's text as written, without its leading `#`s. */
  readonly text: string;
  /** `#` count: 1 for the page title. */
  readonly level: number;
  /** The anchor GitHub gives it (`-1`, `-2`, … appended to repeats). */
  readonly slug: string;
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading of a page, outside fenced code blocks, in order. */
export function markdownHeadings(markdown: string): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const base = headingSlug(match[2]);
    const repeats = seen.get(base) ?? 0;
    seen.set(base, repeats + 1);
    headings.push({ text: match[2], level: match[1].length, slug: repeats === 0 ? base : `${base}-${repeats}` });
  }
  return headings;
}
