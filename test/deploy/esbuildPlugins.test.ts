/**
 * The esbuild plugins of the Lambda bundle: the output folder of an ES module build gets a package.json of
 * type module, so Lambda's runtime and `invoke local` import its `.js` files as ES modules.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const require = createRequire(import.meta.url);
const plugins = require('../../deploy/esbuildPlugins.cjs') as Plugin[];

describe('deploy/esbuildPlugins.cjs', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes package.json of type module beside a split ES module build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmonitor-esbuild-plugins-'));
    dirs.push(dir);
    await writeFile(join(dir, 'entry.ts'), "export const handler = async () => (await import('./lazy.ts')).value;\n");
    await writeFile(join(dir, 'lazy.ts'), 'export const value = 42;\n');
    const outdir = join(dir, 'out', 'handlers');
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      format: 'esm',
      splitting: true,
      platform: 'node',
      outdir,
      chunkNames: 'chunks/[name]-[hash]',
      plugins,
      logLevel: 'silent',
    });
    assert.deepEqual(JSON.parse(await readFile(join(outdir, 'package.json'), 'utf8')), { type: 'module' });
    // Node reads the folder's package.json: the .js entry imports as an ES module and its chunk loads.
    const mod = (await import(pathToFileURL(join(outdir, 'entry.js')).href)) as { handler: () => Promise<number> };
    assert.equal(await mod.handler(), 42);
  });

  it('writes nothing when the build fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmonitor-esbuild-plugins-'));
    dirs.push(dir);
    await writeFile(join(dir, 'entry.ts'), "import './missing.ts';\n");
    const outdir = join(dir, 'out');
    await assert.rejects(
      build({ entryPoints: [join(dir, 'entry.ts')], bundle: true, format: 'esm', outdir, plugins, logLevel: 'silent' }),
    );
    assert.equal(existsSync(join(outdir, 'package.json')), false);
  });
});
