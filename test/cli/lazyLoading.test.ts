/**
 * `--help` and `inspect` are what monitoring agents and newcomers run most: they must start on the built
 * JavaScript without loading the AWS SDK, fastify or net-snmp (each costs hundreds of milliseconds). Every
 * module the process resolves is recorded by a preload hook; `check` and `gateway` are the controls that
 * prove the recording sees those packages when they are loaded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/certmonitor.js');
const HOOK = join(ROOT, 'test/helpers/recordImports.mjs');
const HEAVY = ['/node_modules/@aws-sdk/', '/node_modules/fastify/', '/node_modules/net-snmp/'];
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with the preload and returns the status, stderr and every module URL resolved. */
function run(args: readonly string[], name: string, extraEnv: Record<string, string> = {}) {
  const file = join(dir, `${name}.imports`);
  writeFileSync(file, '');
  const child = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv, RECORD_IMPORTS_FILE: file, NODE_OPTIONS: '' },
    timeout: 60_000,
  });
  return {
    status: child.status,
    stderr: child.stderr,
    modules: readFileSync(file, 'utf8').split('\n').filter(Boolean),
  };
}

function heavyIn(modules: readonly string[]): string[] {
  return modules.filter((m) => HEAVY.some((h) => m.includes(h)));
}

describe('the built CLI loads only what a subcommand needs', () => {
  it('runs the built JavaScript, not TypeScript', () => {
    assert.ok(
      existsSync(join(ROOT, 'dist/certmonitor.js')),
      'dist/ is built by npm test (pretest) and npm ci (prepare)',
    );
    const { modules } = run(['--help'], 'help-ts');
    assert.deepEqual(
      modules.filter((m) => m.endsWith('.ts') || m.includes('/node_modules/tsx/')),
      [],
      'no TypeScript source and no tsx is loaded',
    );
  });

  it('--help loads no AWS SDK, fastify or net-snmp', () => {
    const { status, modules } = run(['--help'], 'help');
    assert.equal(status, 0);
    assert.deepEqual(heavyIn(modules), []);
  });

  it('inspect loads no AWS SDK, fastify or net-snmp', () => {
    const { status, modules } = run(['inspect', join(ROOT, 'test/fixtures/certs/rsa2048.pem'), '--json'], 'inspect');
    assert.ok(status !== null && status <= 3, `inspect exits with a plugin status, got ${status}`);
    assert.deepEqual(heavyIn(modules), []);
  });

  it('collect into a directory loads no AWS SDK, fastify or net-snmp (an all-on-prem host needs none)', () => {
    const inventory = join(dir, 'fleet.json');
    // A closed loopback port: the appliance refuses at once.
    writeFileSync(inventory, JSON.stringify({ appliances: { hsm01: { address: '127.0.0.1', ntlsPort: 9 } } }));
    const { status, modules } = run(
      ['collect', '--inventory', inventory, '--to', `dir:${join(dir, 'fleet')}`],
      'collect',
    );
    assert.equal(status, 1, 'the refused appliance makes the run exit 1');
    assert.deepEqual(heavyIn(modules), []);
  });

  it('a check against S3 does load the AWS SDK (the recording sees lazy loads)', () => {
    const { modules } = run(
      ['check', '--source', 's3://certmonitor-lazy-test/certs/', '--state', `dir:${join(dir, 'state')}`, '--json'],
      'check',
      // A closed loopback port: the run fails at once, offline, after the SDK was loaded.
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    );
    assert.ok(
      modules.some((m) => m.includes('/node_modules/@aws-sdk/client-s3/')),
      'the S3 client is loaded when an s3:// source is used',
    );
  });
});
