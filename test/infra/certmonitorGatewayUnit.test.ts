/**
 * The shipped systemd unit and example configuration agree (docs/gateway.md, Secrets and systemd
 * credentials): every secret the example names as `credential:NAME` is loaded by a `LoadCredential=` line
 * and every such line is used; the example loads with nothing but those credentials (the unit's transient
 * user can read no other secret); the unit runs the installed, built command. And a gateway started with
 * its TLS key as a credential serves HTTPS.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { GatewayConfigError } from '../../gateway/gatewayErrors.ts';
import { startGateway } from '../../gateway/gatewayRuntime.ts';
import { rawRequest } from '../helpers/gatewayClient.ts';
import { makeSelfSignedCert } from '../helpers/selfSignedCert.ts';

const INFRA = fileURLToPath(new URL('../../infra/', import.meta.url));
const unit = readFileSync(join(INFRA, 'certmonitor-gateway.service'), 'utf8');
const exampleText = readFileSync(join(INFRA, 'gateway.example.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The values of `Key=` lines of the unit (comments skipped). */
function directives(key: string): string[] {
  return unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

/** Every `credential:NAME` value anywhere in a parsed YAML document. */
function credentialNames(node: unknown): string[] {
  if (typeof node === 'string') return node.startsWith('credential:') ? [node.slice('credential:'.length)] : [];
  if (node && typeof node === 'object') return Object.values(node).flatMap(credentialNames);
  return [];
}

/** A directory holding one file per credential the unit loads, as systemd would lay it out. */
function credentialsDirectory(): string {
  const credentials = mkdtempSync(join(dir, 'credentials-'));
  for (const line of directives('LoadCredential')) {
    const name = line.split(':', 1)[0]!;
    writeFileSync(join(credentials, name), `${name}-passphrase\n`);
  }
  return credentials;
}

describe('infra/certmonitor-gateway.service', () => {
  it('loads exactly the credentials the example configuration names', () => {
    const loaded = directives('LoadCredential').map((line) => {
      const [name, source] = line.split(':', 2);
      assert.match(source ?? '', /^\/etc\/certmonitor\/credentials\//, `${line}: loaded from the credentials folder`);
      return name!;
    });
    const named = [...new Set(credentialNames(parseYaml(exampleText)))];
    assert.deepEqual([...loaded].sort(), [...named].sort());
    assert.ok(named.includes('gateway.secret') && named.includes('snmp-auth.key') && named.includes('gateway-tls.key'));
  });

  it('the example loads with the unit credentials alone: no secret comes from a file the service user cannot read', () => {
    const credentials = credentialsDirectory();
    // Only CREDENTIALS_DIRECTORY: no *Env secret may be needed, since the unit sets no environment.
    const config = buildGatewayConfig(parseYaml(exampleText), INFRA, { CREDENTIALS_DIRECTORY: credentials });
    assert.equal(config.auth.keys.get('lambda-2026'), 'gateway.secret-passphrase');
    assert.equal(config.listen.tls?.key, join(credentials, 'gateway-tls.key'));
    const v3 = config.trapHosts.find((h) => h.label === 'nms-v3');
    assert.equal(v3?.user?.authKey, 'snmp-auth.key-passphrase');
    assert.equal(v3?.user?.privKey, 'snmp-priv.key-passphrase');
    assert.equal(config.trapHosts.find((h) => h.label === 'nms-v2c')?.community, 'snmp-community-passphrase');
    assert.equal(config.accessLog, 'requests');
  });

  it('outside systemd, a credential is refused naming the key and the LoadCredential it needs', () => {
    assert.throws(
      () => buildGatewayConfig(parseYaml(exampleText), INFRA, {}),
      (error: unknown) =>
        error instanceof GatewayConfigError &&
        error.message ===
          'auth.keys[0].secretFile: credential:gateway.secret needs the systemd credential (LoadCredential=gateway.secret:FILE in the unit); CREDENTIALS_DIRECTORY is not set',
    );
  });

  it('runs the installed, built command as a transient user', () => {
    const [execStart] = directives('ExecStart');
    assert.match(
      execStart ?? '',
      /^\/usr\/local\/bin\/certmonitor gateway --config \/etc\/certmonitor\/gateway\.yaml$/,
    );
    assert.doesNotMatch(unit, /tsx|\.ts\b/);
    assert.deepEqual(directives('DynamicUser'), ['yes']);
  });

  it('a gateway whose TLS key is a credential serves HTTPS', async () => {
    const tls = makeSelfSignedCert();
    const credentials = mkdtempSync(join(dir, 'tls-credentials-'));
    writeFileSync(join(credentials, 'gateway-tls.key'), tls.keyPem);
    writeFileSync(join(credentials, 'gateway.secret'), 'a-secret-value');
    try {
      const config = buildGatewayConfig(
        {
          listen: { host: '127.0.0.1', port: 0, tls: { cert: tls.certFile, key: 'credential:gateway-tls.key' } },
          auth: { keys: [{ id: 'lambda', secretFile: 'credential:gateway.secret' }] },
          stateDir: join(dir, 'tls-state'),
        },
        dir,
        { CREDENTIALS_DIRECTORY: credentials },
      );
      const gw = await startGateway(config, { stderr: undefined });
      try {
        assert.match(gw.url, /^https:/);
        const answer = await rawRequest(gw.url, { method: 'GET', path: '/healthz', ca: tls.certPem });
        assert.equal(answer.status, 200);
      } finally {
        await gw.stop();
      }
    } finally {
      tls.remove();
    }
  });
});
