import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { DEFAULT_NOTIFICATION_OID } from '../../../gateway/config/gatewayConfigSchema.ts';
import { loadGatewayConfig } from '../../../gateway/config/loadGatewayConfig.ts';
import { isValidEngineId } from '../../../gateway/config/trapHostConfig.ts';
import { GatewayConfigError } from '../../../gateway/gatewayErrors.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-gwcfg-'));
  writeFileSync(join(dir, 'gateway.secret'), '  s3cret-value\n');
  writeFileSync(join(dir, 'auth.key'), 'authpassphrase\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const minimal = () => ({ auth: { keys: [{ id: 'lambda', secretFile: './gateway.secret' }] } });

function refused(doc: unknown, pattern: RegExp, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(
    () => buildGatewayConfig(doc, dir, env),
    (e: unknown) => e instanceof GatewayConfigError && pattern.test(e.message),
  );
}

describe('gateway configuration', () => {
  it('applies defaults and reads the secret file trimmed', () => {
    const c = buildGatewayConfig(minimal(), dir, {});
    assert.equal(c.listen.host, '127.0.0.1');
    assert.equal(c.listen.port, 8443);
    assert.equal(c.auth.keys.get('lambda'), 's3cret-value');
    assert.equal(c.auth.timestampToleranceSeconds, 300);
    assert.equal(c.snmp.notificationOid, DEFAULT_NOTIFICATION_OID);
    assert.equal(c.snmp.trapOnProblems, false);
    assert.equal(c.stateDir, join(dir, 'var/gateway'));
    assert.equal(c.crashDir, c.stateDir);
    assert.equal(c.retentionDays, 7);
  });

  it('parses the documented example hosts and sinks', () => {
    const c = buildGatewayConfig(
      {
        ...minimal(),
        trapHosts: [
          { host: '127.0.0.1', port: 162, version: '2c', community: 'public', type: 'trap' },
          {
            host: '127.0.0.1',
            port: 1162,
            version: 3,
            type: 'inform',
            user: 'certmon',
            authProtocol: 'sha256',
            authKeyFile: './auth.key',
            privProtocol: 'aes256',
            privKeyEnv: 'PRIV',
            engineId: '8000000001020304',
          },
        ],
        syslog: [{ transport: 'udp', host: '127.0.0.1', port: 514 }, { file: './lunalogs' }],
      },
      dir,
      { PRIV: 'privpassphrase' },
    );
    assert.equal(c.trapHosts[0]!.label, '127.0.0.1');
    assert.equal(c.trapHosts[0]!.community, 'public');
    const v3 = c.trapHosts[1]!;
    assert.equal(v3.label, '127.0.0.1:1162');
    assert.deepEqual(v3.user, {
      name: 'certmon',
      level: 'authPriv',
      authProtocol: 'sha256',
      authKey: 'authpassphrase',
      privProtocol: 'aes256b',
      privKey: 'privpassphrase',
    });
    assert.equal(v3.problem, undefined);
    assert.deepEqual(c.syslog[1], { transport: 'file', file: join(dir, 'lunalogs'), bufferLines: 10_000 });
    assert.equal(c.syslog[0]!.transport === 'udp' && c.syslog[0]!.format, 'rfc3164');
  });

  it('serves metrics on the intake by default, on metrics.listen when set, and not at all when disabled', () => {
    assert.deepEqual(buildGatewayConfig(minimal(), dir, {}).metrics, { enabled: true });
    assert.deepEqual(buildGatewayConfig({ ...minimal(), metrics: { listen: { port: 9464 } } }, dir, {}).metrics, {
      enabled: true,
      listen: { host: '127.0.0.1', port: 9464 },
    });
    assert.equal(buildGatewayConfig({ ...minimal(), metrics: { enabled: false } }, dir, {}).metrics.enabled, false);
    refused({ ...minimal(), metrics: { path: '/m' } }, /unknown key metrics\.path/);
    refused({ ...minimal(), metrics: { listen: { port: 'x' } } }, /metrics\.listen\.port/);
  });

  it('refuses unknown keys naming their path', () => {
    refused({ ...minimal(), listn: {} }, /unknown key listn/);
    refused(
      { ...minimal(), trapHosts: [{ host: '127.0.0.1', version: '2c', community: 'x', comunity: 'y' }] },
      /unknown key trapHosts\[0\]\.comunity/,
    );
  });

  it('refuses wrong types naming the key path', () => {
    refused(
      {
        ...minimal(),
        trapHosts: [
          { host: '127.0.0.1', version: '2c', community: 'x' },
          {
            host: '127.0.0.1',
            version: 3,
            user: 'u',
            authProtocol: 'md4',
            authKey: 'xxxxxxxx',
            engineId: '8000000001',
          },
        ],
      },
      /trapHosts\[1\]\.authProtocol/,
    );
    refused({ ...minimal(), listen: { port: 'eighty' } }, /listen\.port/);
    refused({ ...minimal(), syslog: [{ transport: 'carrier-pigeon', host: 'x' }] }, /syslog\[0\]\.transport/);
  });

  it('refuses an unreadable secret file naming the key, without the secret', () => {
    refused({ auth: { keys: [{ id: 'a', secretFile: './nope.secret' }] } }, /auth\.keys\[0\]\.secretFile.*ENOENT/);
    refused(
      { ...minimal(), trapHosts: [{ host: '127.0.0.1', version: '2c', communityFile: './missing' }] },
      /trapHosts\[0\]\.communityFile/,
    );
    refused({ auth: { keys: [{ id: 'a', secretEnv: 'NOT_SET' }] } }, /auth\.keys\[0\]\.secretEnv/);
  });

  it('keeps a v3 host with a bad engine ID or address, marked not properly configured', () => {
    const c = buildGatewayConfig(
      {
        ...minimal(),
        trapHosts: [
          { host: '127.0.0.1', version: 3, user: 'u', type: 'trap', engineId: 'zz-not-hex' },
          { host: 'bad host!', version: 3, user: 'u', type: 'inform' },
          { host: '127.0.0.1', port: 2000, version: 3, user: 'u', type: 'trap' },
          { host: '127.0.0.1', port: 3000, version: '2c', community: 'public' },
          { host: '999.1.1.1', version: 3, user: 'u', type: 'inform' },
        ],
      },
      dir,
      {},
    );
    assert.equal(c.trapHosts[4]!.problem, 'invalid address', 'an impossible IPv4 is not a DNS name');
    assert.equal(c.trapHosts[0]!.problem, 'invalid engine ID');
    assert.equal(c.trapHosts[1]!.problem, 'invalid address');
    assert.equal(c.trapHosts[2]!.problem, 'engine ID required for v3 traps');
    assert.equal(c.trapHosts[3]!.problem, undefined);
    refused(
      { ...minimal(), trapHosts: [{ host: 'bad host!', version: '2c', community: 'p' }] },
      /trapHosts\[0\]\.host/,
    );
  });

  it('validates engine IDs (hex, 5 to 32 bytes)', () => {
    assert.equal(isValidEngineId('8000000001'), true);
    assert.equal(isValidEngineId('0x80000000010203'), true);
    assert.equal(isValidEngineId('80000000'), false);
    assert.equal(isValidEngineId('8000000001g'), false);
    assert.equal(isValidEngineId('80'.repeat(33)), false);
  });

  it('loads YAML and never quotes file content in a syntax error', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'auth: { keys: [ { id: a, secretFile: "supersecret\n');
    assert.throws(
      () => loadGatewayConfig(file),
      (e: unknown) => e instanceof GatewayConfigError && !e.message.includes('supersecret'),
    );
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'auth:\n  keys:\n    - { id: lambda, secretFile: ./gateway.secret }\nlisten: { port: 0 }\n');
    assert.equal(loadGatewayConfig(good).listen.port, 0);
  });

  it('gives the line and column of a YAML syntax error and the kind of error, never the text', () => {
    const cases: Array<[string, string]> = [
      ['listen: { port: 0 }\nlisten: { port: 1 }\n', 'at line 2, column 1 (DUPLICATE_KEY)'],
      ['auth:\n  keys:\n    - id: a\n   secretFile: supersecret\n', 'at line 4, column 1 (BAD_INDENT)'],
      ['listen:\n\tport: 8443 # supersecret\n', 'at line 2, column 1 (TAB_AS_INDENT)'],
      ['auth: { keys: [ { id: a, secretFile: "supersecret\n', 'at line 2, column 1 (MISSING_CHAR)'],
    ];
    for (const [text, where] of cases) {
      const file = join(dir, 'pos.yaml');
      writeFileSync(file, text);
      assert.throws(
        () => loadGatewayConfig(file),
        (e: unknown) =>
          e instanceof GatewayConfigError && e.message === `configuration file is not valid YAML ${where}`,
        JSON.stringify(text),
      );
    }
  });

  it('accepts the shipped example configuration (its secrets are systemd credentials)', () => {
    const file = fileURLToPath(new URL('../../../infra/gateway.example.yaml', import.meta.url));
    const doc = parseYaml(readFileSync(file, 'utf8'));
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials, { recursive: true });
    for (const name of ['gateway.secret', 'snmp-community', 'snmp-auth.key', 'snmp-priv.key', 'gateway-tls.key']) {
      writeFileSync(join(credentials, name), 'a-passphrase');
    }
    // Variables an example names are the operator's own: none may use certmonitor's reserved prefix.
    const names = [...readFileSync(file, 'utf8').matchAll(/(?:community|authKey|privKey|secret)Env: (\S+)/g)].map(
      (m) => m[1],
    );
    assert.ok(
      names.every((n) => !n?.startsWith('CERTMONITOR_')),
      `reserved prefix in ${names}`,
    );
    const c = buildGatewayConfig(doc, dir, { CREDENTIALS_DIRECTORY: credentials });
    assert.deepEqual(
      c.trapHosts.map((h) => [h.label, h.version, h.type, h.problem]),
      [
        ['nms-v2c', '2c', 'trap', undefined],
        ['nms-v3', '3', 'inform', undefined],
        ['nms-v3-trap', '3', 'trap', undefined],
      ],
    );
    assert.equal(c.syslog.length, 3);
  });
});
