/**
 * The serverless plugin that empties serverless-esbuild's build folder before a command bundles: chunks an
 * earlier `invoke local` left there must not reach the next zip.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
type Hooks = Record<string, () => void>;
const FreshBundle = require('../../deploy/freshBundle.cjs') as new (serverless: unknown) => { hooks: Hooks };

/** A service folder holding a stale chunk in the build folder `work/build`. */
async function serviceWithStaleChunk(dir: string, work: string, build: string): Promise<string> {
  const chunks = join(dir, work, build, 'handlers', 'chunks');
  await mkdir(chunks, { recursive: true });
  const stale = join(chunks, 'chunk-STALE.js');
  await writeFile(stale, 'export {};\n');
  return stale;
}

describe('deploy/freshBundle.cjs', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('empties the build folder on the events before package, deploy function and invoke local bundle', async () => {
    for (const event of ['package:cleanup', 'deploy:function:initialize', 'invoke:local:loadEnvVars']) {
      const dir = await mkdtemp(join(tmpdir(), 'certmonitor-fresh-'));
      dirs.push(dir);
      const stale = await serviceWithStaleChunk(dir, '.esbuild', '.build');
      const keep = join(dir, 'serverless.yml');
      await writeFile(keep, 'service: x\n');
      const plugin = new FreshBundle({ serviceDir: dir, service: { custom: { esbuild: { bundle: true } } } });
      assert.equal(typeof plugin.hooks[event], 'function', event);
      plugin.hooks[event]?.();
      assert.equal(existsSync(stale), false, `${event}: the stale chunk is gone`);
      assert.equal(existsSync(keep), true, `${event}: nothing outside the build folder is touched`);
    }
  });

  it('follows serverless-esbuild when custom.esbuild moves its folders, and runs without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmonitor-fresh-'));
    dirs.push(dir);
    const stale = await serviceWithStaleChunk(dir, 'work', 'out');
    const esbuild = { outputWorkFolder: 'work', outputBuildFolder: 'out' };
    new FreshBundle({ serviceDir: dir, service: { custom: { esbuild } } }).hooks['package:cleanup']?.();
    assert.equal(existsSync(stale), false);
    // Nothing built yet: nothing to remove, no error.
    new FreshBundle({ serviceDir: dir, service: {} }).hooks['package:cleanup']?.();
  });
});
