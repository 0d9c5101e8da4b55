#!/usr/bin/env node
// The `certmonitor` command runs the built JavaScript in dist/ (`npm run build`; `npm ci` builds it through
// the `prepare` script). In a development checkout where dist/ has not been built, it falls back to the
// TypeScript sources through tsx (a development dependency), and says so on stderr.
import { existsSync } from 'node:fs';

const built = new URL('../dist/certmonitor.js', import.meta.url);
let main;
if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('certmonitor: dist/ is missing and tsx is not installed: run `npm run build` first\n');
    process.exit(70);
  }
  process.stderr.write('certmonitor: dist/ is not built; running from the TypeScript sources (npm run build)\n');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
