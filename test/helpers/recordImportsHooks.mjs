// Module resolution hooks for recordImports.mjs: appends each resolved URL to a file, one per line.
import { appendFileSync } from 'node:fs';

let file;

/** Receives the file name from register(). */
export function initialize(data) {
  file = data?.file;
}

/** Resolves as usual, then records the result. */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (file) appendFileSync(file, `${result.url}\n`);
  return result;
}
