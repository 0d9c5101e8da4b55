'use strict';
/**
 * `--param extraCaCerts=FILE` (docs/aws.md, Deploying to AWS): the CA bundle that issued an HTTPS gateway's
 * certificate. The function's environment names it in `NODE_EXTRA_CA_CERTS`, which Node reads at start,
 * relative to the working directory: the task root on Lambda, the service folder under `invoke local`. So
 * the file must ship in each zip at that same relative path, and it is checked at package time: a missing
 * or unreadable file would otherwise be packaged as nothing, and every run would distrust the gateway.
 * Plain CommonJS: the framework loads it with `require`.
 */
const { readFileSync } = require('node:fs');
const { isAbsolute, normalize, resolve, sep } = require('node:path');

/** A bundle that cannot ship; the message names the parameter and the value, never the file's content. */
class ExtraCaCertsError extends Error {
  constructor(message, options) {
    super(`--param extraCaCerts: ${message}`, options);
    this.name = 'ExtraCaCertsError';
  }
}

/**
 * The path to package for `value` (as the environment names it), after checking that it is a relative path
 * inside `serviceDir` to a readable file holding at least one PEM certificate; undefined when `value` is empty.
 */
function extraCaCertsFile(value, serviceDir) {
  if (value === undefined || value === null || value === '') return undefined;
  const file = String(value);
  const inside = normalize(file);
  if (isAbsolute(file) || inside === '..' || inside.startsWith(`..${sep}`)) {
    throw new ExtraCaCertsError(
      `'${file}' must be a path inside the service folder (it is packaged with the function at that path)`,
    );
  }
  let text;
  try {
    text = readFileSync(resolve(serviceDir, inside), 'utf8');
  } catch (error) {
    throw new ExtraCaCertsError(`'${file}' cannot be read (${error.code ?? 'error'})`, { cause: error });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ExtraCaCertsError(`'${file}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return inside.split(sep).join('/');
}

/**
 * Adds the bundle to what serverless-esbuild copies into every function's zip (`package.patterns`), at the
 * path the environment names. Runs before packaging, when every parameter is resolved.
 */
function packageExtraCaCerts(serverless) {
  const service = serverless.service;
  const file = extraCaCertsFile(service.provider?.environment?.NODE_EXTRA_CA_CERTS, serverless.serviceDir);
  if (file === undefined) return;
  service.package ??= {};
  const patterns = service.package.patterns ?? [];
  if (!patterns.includes(file)) service.package.patterns = [...patterns, file];
}

module.exports = { extraCaCertsFile, packageExtraCaCerts, ExtraCaCertsError };
