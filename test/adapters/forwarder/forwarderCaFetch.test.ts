/**
 * A gateway served over HTTPS with a certificate of a private CA (here a self-signed one, its own CA):
 * with the CA file the forwarder delivers, without it TLS refuses the gateway, and a CA file that cannot
 * serve is a configuration error naming the setting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createForwarder } from '../../../adapters/forwarder/createForwarder.ts';
import { ConfigError } from '../../../app/errors.ts';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import type { Notification } from '../../../protocol/notification.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../../helpers/selfSignedCert.ts';

const SECRET = 'private-ca-test-secret';
const notification: Notification = {
  id: 'hsm01:8B3B5CD9:expiring:2026-11-24T12:00',
  appliance: 'hsm01',
  address: '10.0.0.5',
  event: 'expiring',
  notAfter: '2026-11-27T09:30:00Z',
  observedAt: '2026-11-24T12:00:00Z',
};

let dir: string;
let tls: SelfSignedCert;
let gw: RunningGateway;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-cafile-'));
  tls = makeSelfSignedCert();
  writeFileSync(join(dir, 'gw.secret'), SECRET);
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0, tls: { cert: tls.certFile, key: tls.keyFile } },
      auth: { keys: [{ id: 'lambda', secretFile: 'gw.secret' }] },
      syslog: [{ file: './lunalogs' }],
      stateDir: './state',
    },
    dir,
    {},
  );
  gw = await startGateway(config, { stderr: undefined });
});
after(async () => {
  await gw?.stop();
  tls?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The forwarder for the running gateway, trusting `caFile` when given; one attempt, so a refusal is quick. */
function forwarder(caFile?: string) {
  return createForwarder(
    { url: gw.url, keyId: 'lambda', secretFile: join(dir, 'gw.secret'), ...(caFile ? { caFile } : {}) },
    { forwarder: { maxAttempts: 1 } },
  );
}

describe('CERTMONITOR_GATEWAY_CA_FILE: HTTPS to a gateway of a private CA', () => {
  it('delivers when the CA file holds the CA that issued the gateway certificate', async () => {
    assert.match(gw.url, /^https:\/\/127\.0\.0\.1:/);
    const [result] = await (await forwarder(tls.certFile)).forward([notification]);
    assert.equal(result?.delivered, true, String(result?.error));
  });

  it('without it the gateway is not trusted, and the reason says why', async () => {
    const [result] = await (await forwarder()).forward([notification]);
    assert.equal(result?.delivered, false);
    assert.match(
      result?.error ?? '',
      /^gateway unreachable \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)$/,
    );
  });

  it('trusts the CA file instead of the public CAs: another CA does not let the gateway in', async () => {
    const other = makeSelfSignedCert();
    try {
      const [result] = await (await forwarder(other.certFile)).forward([notification]);
      assert.equal(result?.delivered, false);
      assert.match(result?.error ?? '', /^gateway unreachable/);
    } finally {
      other.remove();
    }
  });

  it('a CA file that cannot serve is a configuration error naming the setting', async () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    for (const [file, message] of [
      [join(dir, 'absent.pem'), 'CERTMONITOR_GATEWAY_CA_FILE (--ca-file): the file cannot be read (ENOENT)'],
      [notPem, 'CERTMONITOR_GATEWAY_CA_FILE (--ca-file): the file holds no PEM certificate'],
      [broken, 'CERTMONITOR_GATEWAY_CA_FILE (--ca-file): the file holds a certificate TLS cannot use'],
    ] as const) {
      await assert.rejects(forwarder(file), (e: unknown) => e instanceof ConfigError && e.message === message, file);
    }
  });
});
