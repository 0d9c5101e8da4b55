'use strict';
/**
 * Empties serverless-esbuild's build folder before each command that bundles (`package`, and `deploy`
 * through it, `deploy function`, `invoke local`). serverless-esbuild zips every file it finds in that folder
 * and empties it only at the end of `package`; the Lambda bundle is split into chunks whose names carry a
 * content hash (docs/aws.md, The bundle), so chunks left behind by an earlier `invoke local` or
 * an interrupted run would otherwise ship in the zip beside the current ones. Plain CommonJS: the framework
 * loads it with `require`.
 */
const { rmSync } = require('node:fs');
const { join } = require('node:path');

/** serverless-esbuild's build folder: its own defaults unless `custom.esbuild` moves it. */
function buildFolder(serviceDir, esbuild = {}) {
  return join(serviceDir, esbuild.outputWorkFolder || '.esbuild', esbuild.outputBuildFolder || '.build');
}

/** The serverless plugin: its hooks run on lifecycle events that come before serverless-esbuild bundles. */
class FreshBundle {
  constructor(serverless) {
    const empty = () => {
      rmSync(buildFolder(serverless.serviceDir, serverless.service.custom?.esbuild), { recursive: true, force: true });
    };
    this.hooks = {
      'package:cleanup': empty,
      'deploy:function:initialize': empty,
      'invoke:local:loadEnvVars': empty,
    };
  }
}

module.exports = FreshBundle;
module.exports.buildFolder = buildFolder;
