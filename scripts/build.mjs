#!/usr/bin/env node
/**
 * `npm run build`: bundles the `certmonitor` command (CLI, gateway, demo) into plain JavaScript under
 * dist/, so nothing compiles TypeScript at run time. Each subcommand is its own chunk, loaded only when
 * that subcommand runs: `--help` and `inspect` load neither the AWS SDK, fastify nor net-snmp.
 *
 * Heavy or native-ish packages stay external (installed as dependencies, loaded from node_modules when a
 * subcommand needs them); small pure ones are bundled so a start reads a few files, not hundreds.
 * The Lambda functions are bundled separately by serverless-esbuild (serverless.yml).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Packages loaded from node_modules at run time (see "dependencies" in package.json). */
export const EXTERNAL = [
  'fastify',
  'net-snmp',
  'node-forge',
  'prom-client',
  'undici',
  '@aws-sdk/*',
  '@aws-lambda-powertools/*',
];

/**
 * The esbuild options of the product: ES modules for Node 22 and later, heavy packages external, names kept. The
 * benchmarks bundle their own entry points with the same options, so they measure what ships.
 */
export const PRODUCT_OPTIONS = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: EXTERNAL,
  // jsonc-parser's "main" is a UMD build whose require() calls a bundler cannot follow; its ES module build
  // bundles (serverless-esbuild reaches the same file through mainFields: [module, main]).
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  // Readable stacks in crash dumps: names kept, nothing minified.
  keepNames: true,
  legalComments: 'none',
  // CommonJS packages bundled into an ES module may call require(); give them one.
  banner: {
    js: "import { createRequire as __cmCreateRequire } from 'node:module';\nconst require = __cmCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

/** Builds dist/: the CLI, one chunk per subcommand. */
export async function buildProduct() {
  rmSync(`${root}dist`, { recursive: true, force: true });
  const result = await build({
    ...PRODUCT_OPTIONS,
    entryPoints: { certmonitor: 'cli/main.ts' },
    outdir: 'dist',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs);
  const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  process.stderr.write(`build: dist/ ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildProduct();
