/**
 * Every reference to the documentation resolves (docs/design.md, Tests). In every file of the project
 * (the sources' comments, configuration, units, examples and the pages themselves): a page named under
 * `docs/` exists, and a section it names, after a comma or quoted in parentheses, is a heading of that
 * page; a section of the README named the same way is a heading of the README. Every relative Markdown
 * link of the README and of the pages reaches a file, and a heading of it when it carries an anchor.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { type MarkdownHeading, markdownHeadings } from '../helpers/markdownHeadings.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** Folders that are built, installed, generated or foreign, not written by the project. */
const SKIPPED = new Set([
  'node_modules',
  'dist',
  '.git',
  'var',
  '.node24',
  '.serverless',
  '.esbuild',
  'coverage',
  'test-artifacts',
  'bench/results',
  'test/fixtures',
]);

/** The project's own text files, as paths relative to the root. */
function projectFiles(dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (SKIPPED.has(entry.name) || SKIPPED.has(path)) continue;
    if (entry.isDirectory()) files.push(...projectFiles(path));
    else if (entry.isFile() && entry.name !== 'package-lock.json' && statSync(join(ROOT, path)).size < 1_000_000) {
      const bytes = readFileSync(join(ROOT, path));
      if (!bytes.includes(0)) files.push(path);
    }
  }
  return files;
}

/** A file's text with comment line breaks joined, so a reference wrapped over two comment lines reads as one. */
function joined(text: string): string {
  return text.replace(/[ \t]*\r?\n[ \t]*(?:\*(?!\/)|\/\/+|#+(?=[ \t]))?[ \t]*/g, ' ');
}

const headingsCache = new Map<string, MarkdownHeading[]>();
function headingsOf(path: string): MarkdownHeading[] {
  let headings = headingsCache.get(path);
  if (!headings) {
    headings = markdownHeadings(readFileSync(join(ROOT, path), 'utf8'));
    headingsCache.set(path, headings);
  }
  return headings;
}

/** The ways a heading may be named: as written, without backticks, without a trailing parenthesis. */
function namesOf(heading: MarkdownHeading): string[] {
  const plain = heading.text.replaceAll('`', '');
  return [heading.text, plain].flatMap((name) => [name, name.replace(/\s+\([^()]*\)$/, '')]);
}

/**
 * Whether the text after a reference (`PAGE, Section …`) starts with a heading of the page, followed by
 * something other than a letter or digit. Text starting in lower case is prose about the page
 * ("the layers of the page, checked …"), not a section reference.
 */
function sectionFound(rest: string, headings: readonly MarkdownHeading[]): boolean {
  const text = rest.replace(/^"/, '');
  if (/^\p{Ll}/u.test(text)) return true;
  return headings.some((h) =>
    namesOf(h).some((name) => text.startsWith(name) && !/[\p{L}\p{N}]/u.test(text.charAt(name.length))),
  );
}

/** What a reference to a page says after the page's name: a section, or nothing to check. */
function sectionAfter(text: string, end: number): string | undefined {
  const after = text.slice(end, end + 160);
  const comma = /^, (.*)$/s.exec(after);
  if (comma?.[1]) return comma[1];
  const quoted = /^ \("([^"]+)"\)/.exec(after);
  return quoted?.[1] ? `${quoted[1]})` : undefined;
}

test('every docs/ page and section named anywhere in the project exists', () => {
  const broken: string[] = [];
  let sections = 0;
  for (const file of projectFiles()) {
    const text = joined(readFileSync(join(ROOT, file), 'utf8'));
    for (const match of text.matchAll(/(?<![\w-])docs\/([a-z][a-z0-9-]*\.(?:md|png))(#[\w-]+)?/g)) {
      const page = `docs/${match[1]}`;
      if (!existsSync(join(ROOT, page))) {
        broken.push(`${file}: ${match[0]} (no such file)`);
        continue;
      }
      if (!page.endsWith('.md')) continue;
      const anchor = match[2]?.slice(1);
      if (anchor && !headingsOf(page).some((h) => h.slug === anchor))
        broken.push(`${file}: ${match[0]} (no such anchor)`);
      const section = sectionAfter(text, (match.index ?? 0) + match[0].length);
      if (section) sections++;
      if (section && !sectionFound(section, headingsOf(page))) {
        broken.push(`${file}: ${page}, ${section.slice(0, 60)}…`);
      }
    }
  }
  assert.ok(sections > 100, `only ${sections} section references found`);
  assert.deepEqual(broken, []);
});

test('every README section named anywhere in the project is a heading of the README', () => {
  const broken: string[] = [];
  let sections = 0;
  for (const file of projectFiles()) {
    const text = joined(readFileSync(join(ROOT, file), 'utf8'));
    for (const match of text.matchAll(/(?<![\w./-])README,\s/g)) {
      sections++;
      const section = text.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + 160);
      if (!sectionFound(section, headingsOf('README.md')))
        broken.push(`${file}: README section ${section.slice(0, 60)}…`);
    }
  }
  assert.ok(sections > 0, 'no README section reference found');
  assert.deepEqual(broken, []);
});

test('every relative link of the README and the docs/ pages reaches a file, and a heading when it has an anchor', () => {
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const broken: string[] = [];
  let links = 0;
  for (const page of pages) {
    const markdown = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const match of markdown.matchAll(/\]\(([^()\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z]+:/.test(target)) continue;
      links++;
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : relative(ROOT, resolve(ROOT, dirname(page), path));
      if (!existsSync(join(ROOT, file))) broken.push(`${page}: ${target} (no such file)`);
      else if (anchor && !(file.endsWith('.md') && headingsOf(file).some((h) => h.slug === anchor))) {
        broken.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  assert.ok(links > 50, `only ${links} links found`);
  assert.deepEqual(broken, []);
});
