/** The message catalogue of docs/reference.md, Message catalogue, against the code's. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CATALOGUE } from '../../core/catalogue.ts';

test('docs/reference.md lists every catalogue message byte-exact, with its severity and level', () => {
  const reference = readFileSync(new URL('../../docs/reference.md', import.meta.url), 'utf8');
  // Table cells, trimmed, so the formatter may align columns freely.
  const rows = reference
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  for (const [key, entry] of Object.entries(CATALOGUE)) {
    const row = rows.find((cells) => cells[0] === key);
    assert.ok(row, `docs/reference.md has no catalogue row for ${key}`);
    assert.deepEqual(
      row,
      [key, entry.sev, entry.level, `\`${entry.template}\``],
      `docs/reference.md row for ${key} differs`,
    );
  }
});
