/**
 * A trap host entry becomes a configuration narrowed by its SNMP version: v1 and v2c carry a community
 * (and v1 only traps), v3 a user; no entry carries the fields of another version. The refusals of bad
 * entries are tested with the whole configuration (gatewayConfig.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../../gateway/config/gatewayConfig.ts';
import type { TrapHostConfig } from '../../../gateway/config/trapHostConfig.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-traphost-'));
  writeFileSync(join(dir, 'gateway.secret'), 's3cret-value\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** One `trapHosts` entry as the gateway's configuration builds it. */
function build(entry: Record<string, unknown>): TrapHostConfig {
  const doc = { auth: { keys: [{ id: 'lambda', secretFile: './gateway.secret' }] }, trapHosts: [entry] };
  const [host] = buildGatewayConfig(doc, dir, {}).trapHosts;
  assert.ok(host);
  return host;
}

/** What only the version at hand can say: read without any assertion, which the union makes unneeded. */
function credentials(h: TrapHostConfig): string {
  switch (h.version) {
    case '1':
      return `v1 ${h.type} community ${h.community}`;
    case '2c':
      return `v2c ${h.type} community ${h.community}`;
    case '3':
      return `v3 ${h.type} user ${h.user.name} (${h.user.level})${h.engineId ? ` engine ${h.engineId}` : ''}`;
  }
}

describe('trap host configuration, a union by SNMP version', () => {
  it('gives v1 and v2c hosts their community and nothing of v3', () => {
    const v1 = build({ host: '10.0.0.1', version: 1, community: 'public' });
    const v2c = build({ host: '10.0.0.2', version: 'v2c', type: 'inform', community: 'private' });
    assert.equal(credentials(v1), 'v1 trap community public');
    assert.equal(credentials(v2c), 'v2c inform community private');
    for (const h of [v1, v2c]) {
      assert.equal('user' in h, false);
      assert.equal('engineId' in h, false);
      assert.equal('problem' in h, false);
    }
  });

  it('gives a v3 host its user and engine ID and no community', () => {
    const v3 = build({
      host: '10.0.0.3',
      version: 3,
      user: 'certmon',
      authProtocol: 'sha256',
      authKey: 'authpassphrase',
      engineId: '0x8000000001020304',
    });
    assert.equal(credentials(v3), 'v3 trap user certmon (authNoPriv) engine 8000000001020304');
    assert.equal('community' in v3, false);
    assert.equal(v3.problem, undefined);
  });

  it('keeps a v3 host that is not properly configured with its problem, and without the engine ID', () => {
    const v3 = build({ host: '10.0.0.3', version: '3', user: 'certmon', engineId: 'zz' });
    assert.equal(v3.version, '3');
    assert.equal(v3.problem, 'invalid engine ID');
    assert.equal(v3.engineId, undefined);
  });
});
