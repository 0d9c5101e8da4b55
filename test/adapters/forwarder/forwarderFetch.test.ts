/**
 * A gateway served over HTTPS with a certificate of a private CA (here a self-signed one, its own CA):
 * with the CA file the forwarder delivers, without it TLS refuses the gateway (a coded failure naming
 * `--ca-file`, not retried), and a CA file that cannot serve is a configuration error naming the setting.
 * Connections that never come up end at the client's connect timeout and are retried.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createForwarder } from '../../../adapters/forwarder/createForwarder.ts';
import { ConfigError } from '../../../app/errors.ts';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../../gateway/gatewayRuntime.ts';
import type { Notification } from '../../../protocol/notification.ts';
import { countingRelay } from '../../helpers/countingRelay.ts';
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

/** The forwarder for `url` (the running gateway), trusting `caFile` when given; one attempt unless told. */
function forwarder(caFile?: string, options: { url?: string; maxAttempts?: number; connectTimeoutMs?: number } = {}) {
  const { url = gw.url, maxAttempts = 1, connectTimeoutMs } = options;
  return createForwarder(
    { url, keyId: 'lambda', secretFile: join(dir, 'gw.secret'), ...(caFile ? { caFile } : {}) },
    { forwarder: { maxAttempts, baseDelayMs: 1, ...(connectTimeoutMs ? { connectTimeoutMs } : {}) } },
  );
}

describe('CERTMONITOR_GATEWAY_CA_FILE: HTTPS to a gateway of a private CA', () => {
  it('delivers when the CA file holds the CA that issued the gateway certificate', async () => {
    assert.match(gw.url, /^https:\/\/127\.0\.0\.1:/);
    const [result] = await (await forwarder(tls.certFile)).forward([notification]);
    assert.equal(result?.delivered, true, String(result?.error));
  });

  it('without it the gateway is not trusted: a coded failure naming --ca-file, the gateway and the TLS code, tried once', async () => {
    const relay = await countingRelay(Number(new URL(gw.url).port));
    try {
      const [result] = await (await forwarder(undefined, { url: relay.url, maxAttempts: 5 })).forward([notification]);
      assert.equal(result?.delivered, false);
      assert.equal(result?.errorCode, 'CM_ERR_GATEWAY_UNTRUSTED');
      assert.match(
        result?.error ?? '',
        /^gateway certificate not trusted: use --ca-file \(CERTMONITOR_GATEWAY_CA_FILE; Lambda: extraCaCerts\) for the CA of https:\/\/127\.0\.0\.1:\d+ \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)$/,
      );
      assert.ok(result?.error?.includes(relay.url));
      // Retrying cannot make the certificate trusted: one handshake, not one per attempt.
      assert.equal(relay.connections(), 1);
    } finally {
      await relay.close();
    }
  });

  it('a certificate for another name is not trusted either (the hostname is part of the trust)', async () => {
    // The right CA, the wrong name: the certificate carries 127.0.0.1 and localhost, reached as 127.0.0.2.
    const relay = await countingRelay(Number(new URL(gw.url).port), '127.0.0.2');
    try {
      const [result] = await (await forwarder(tls.certFile, { url: relay.url })).forward([notification]);
      assert.equal(result?.errorCode, 'CM_ERR_GATEWAY_UNTRUSTED');
      assert.match(result?.error ?? '', /\(ERR_TLS_CERT_ALTNAME_INVALID\)$/);
    } finally {
      await relay.close();
    }
  });

  it('trusts the CA file instead of the public CAs: another CA does not let the gateway in', async () => {
    const other = makeSelfSignedCert();
    try {
      const [result] = await (await forwarder(other.certFile)).forward([notification]);
      assert.equal(result?.delivered, false);
      assert.match(result?.error ?? '', /^gateway certificate not trusted: /);
    } finally {
      other.remove();
    }
  });

  it('a connection that does not come up ends at the connect timeout and is retried', async () => {
    // Accepts TCP and never answers the TLS handshake: the connection is never up.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const url = `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      const [result] = await (await forwarder(tls.certFile, { url, maxAttempts: 3, connectTimeoutMs: 200 })).forward([
        notification,
      ]);
      assert.equal(result?.error, 'gateway unreachable (UND_ERR_CONNECT_TIMEOUT)');
      // Nothing reached the gateway, so each attempt connects again: the answer timeout was not spent.
      assert.equal(sockets.size, 3);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => silent.close(() => done()));
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
