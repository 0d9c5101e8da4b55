/** `snmp.events.<kind>.oid` (docs/gateway.md, Newer notifications): optional, known kinds only, refused by name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigDocument } from '../../../gateway/config/gatewayConfigSchema.ts';
import { GatewayConfigError } from '../../../gateway/gatewayErrors.ts';

const minimal = { auth: { keys: [{ id: 'lambda', secretEnv: 'SECRET' }] } };

function refusedWith(snmp: unknown): string {
  try {
    parseConfigDocument({ ...minimal, snmp });
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError);
    return error.message;
  }
  assert.fail('accepted');
}

describe('snmp.events', () => {
  it('is absent by default: no kind traps', () => {
    assert.deepEqual(parseConfigDocument(minimal).snmp, {
      notificationOid: '1.3.6.1.4.1.23629.1.5.2.2.6',
      trapOnProblems: false,
    });
  });

  it('takes an OID for each known kind', () => {
    const events = {
      certificate: { oid: '1.3.6.1.4.1.99999.1.1' },
      client: { oid: '1.3.6.1.4.1.99999.1.2' },
      replaced: { oid: '1.3.6.1.4.1.99999.1.3' },
      untrusted: { oid: '1.3.6.1.4.1.99999.1.4' },
      finding: { oid: '1.3.6.1.4.1.99999.1.5' },
    };
    assert.deepEqual(parseConfigDocument({ ...minimal, snmp: { events } }).snmp.events, events);
  });

  it('refuses an unknown kind, an unknown key and a bad OID, naming the key', () => {
    assert.equal(
      refusedWith({ events: { ntls: { oid: '1.3.6.1.4.1.1' } } }),
      'invalid gateway configuration: unknown key snmp.events.ntls',
    );
    assert.equal(
      refusedWith({ events: { finding: { oid: '1.3.6.1.4.1.1', trap: true } } }),
      'invalid gateway configuration: unknown key snmp.events.finding.trap',
    );
    assert.equal(
      refusedWith({ events: { finding: { oid: 'iso.3.6' } } }),
      'invalid gateway configuration: snmp.events.finding.oid: must be a dotted numeric OID',
    );
  });
});
