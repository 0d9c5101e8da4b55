'use strict';
/**
 * The esbuild plugins of the Lambda bundle (serverless.yml, `custom.esbuild.plugins`; serverless-esbuild
 * loads this file with `require`). The bundle is ES modules split into chunks (docs/aws.md, The
 * bundle), written as `.js` files; `moduleFolder` puts a `package.json` of `{"type":"module"}` beside
 * them. With it, Lambda's Node.js runtime imports `handlers/check.js` as an ES module, and so does
 * `serverless invoke local` (osls falls back to import() for an ES module; it never looks for a `.mjs`
 * handler), so both load the same files the same way.
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** What the folder's `package.json` says: every `.js` file under it is an ES module. */
const MODULE_PACKAGE_JSON = `${JSON.stringify({ type: 'module' })}\n`;

/** Writes `package.json` (`type: module`) into the build's output folder after a successful build. */
const moduleFolder = {
  name: 'certmonitor-module-folder',
  setup(build) {
    build.onEnd((result) => {
      const dir = build.initialOptions.outdir;
      if (result.errors.length > 0 || !dir) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), MODULE_PACKAGE_JSON);
    });
  },
};

module.exports = [moduleFolder];
module.exports.MODULE_PACKAGE_JSON = MODULE_PACKAGE_JSON;
