/**
 * Where a JSON text goes wrong, told as a line and column and a few words, never with the text itself
 * (docs/monitoring.md, Failure handling). JSON.parse's own message is no help: depending on the error it has no
 * position, and V8 quotes the text ("Unexpected token 'x', "…" is not valid JSON"). jsonc-parser
 * (VS Code's JSON scanner) reports every error with its offset. It is loaded only on this error path, so
 * a run whose inventory parses never loads it.
 */
import type { ParseError } from 'jsonc-parser';

/** Line and column (both from 1) of the UTF-16 offset `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  return { line, column: before.length - lineStart + 1 };
}

/** `line L, column C` of an offset. */
export function describeOffset(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}`;
}

/** jsonc-parser's error codes in words (its names are PascalCase identifiers). */
const WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name expected',
  ValueExpected: 'value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'nothing may follow the value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

/**
 * Why `text` (which JSON.parse refused with `error`) is not JSON: `line L, column C: what`. Falls back to
 * the position V8 names when jsonc-parser finds nothing (it is a little more lenient in corners).
 */
export async function locateJsonError(text: string, error: unknown): Promise<string> {
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const name = printParseErrorCode(first.error);
    return `${describeOffset(text, first.offset)}: ${WORDS[name] ?? 'not valid here'}`;
  }
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 'position unknown' : describeOffset(text, Number(position));
}

/**
 * The position of each of `keys` as a property name of the object at `path` in `text` (valid JSON), for
 * naming an entry that cannot be named by its key. The first occurrence of a key wins.
 */
export async function locateKeys(
  text: string,
  path: readonly string[],
  keys: readonly string[],
): Promise<Map<string, string>> {
  const { findNodeAtLocation, parseTree } = await import('jsonc-parser');
  const found = new Map<string, string>();
  const tree = parseTree(text);
  const object = tree ? findNodeAtLocation(tree, [...path]) : undefined;
  const wanted = new Set(keys);
  for (const property of object?.type === 'object' ? (object.children ?? []) : []) {
    const key = property.children?.[0];
    if (key?.type !== 'string' || typeof key.value !== 'string') continue;
    if (wanted.has(key.value) && !found.has(key.value)) found.set(key.value, describeOffset(text, key.offset));
  }
  return found;
}
