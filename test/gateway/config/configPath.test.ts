import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfigPath } from '../../../gateway/config/configPath.ts';
import { GatewayConfigError } from '../../../gateway/gatewayErrors.ts';

const ENV = { CREDENTIALS_DIRECTORY: '/run/credentials/certmonitor-gateway.service' };

describe('resolveConfigPath', () => {
  it('resolves a path against the configuration folder, an absolute path as it is', () => {
    assert.equal(
      resolveConfigPath('./gateway.secret', '/etc/certmonitor', ENV, 'k'),
      '/etc/certmonitor/gateway.secret',
    );
    assert.equal(resolveConfigPath('/srv/x.key', '/etc/certmonitor', ENV, 'k'), '/srv/x.key');
  });

  it('finds credential:NAME in $CREDENTIALS_DIRECTORY', () => {
    assert.equal(
      resolveConfigPath('credential:snmp-auth.key', '/etc/certmonitor', ENV, 'k'),
      '/run/credentials/certmonitor-gateway.service/snmp-auth.key',
    );
  });

  it('refuses a credential name that could leave the directory, naming the key', () => {
    for (const name of ['', '.', '..', '../etc/shadow', 'a/b', 'x y']) {
      assert.throws(
        () => resolveConfigPath(`credential:${name}`, '/etc', ENV, 'trapHosts[0].authKeyFile'),
        (e: unknown) =>
          e instanceof GatewayConfigError && e.message.startsWith('trapHosts[0].authKeyFile: credential name must be'),
        name,
      );
    }
  });

  it('refuses a credential when the gateway was not started with credentials', () => {
    assert.throws(
      () => resolveConfigPath('credential:gateway.secret', '/etc', {}, 'auth.keys[0].secretFile'),
      /auth\.keys\[0\]\.secretFile: credential:gateway\.secret needs the systemd credential .*CREDENTIALS_DIRECTORY is not set/,
    );
  });
});
