import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDelivery } from '../../../gateway/delivery/deliveryPlan.ts';
import { planNotification } from '../../../gateway/delivery/notificationPlan.ts';
import { NOTIFICATION_EVENTS, type Notification } from '../../../protocol/notification.ts';
import type { NotificationV2 } from '../../../protocol/notificationV2.ts';

const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const ntls = (event: Notification['event']): Notification => ({
  id: `hsm01:${event}`,
  appliance: 'hsm01',
  address: '10.0.0.5',
  event,
  notAfter: '2027-07-06T05:04:03Z',
  observedAt: '2026-11-24T12:00:00Z',
});
const OIDS = {
  certificate: { oid: '1.3.6.1.4.1.9.1' },
  client: { oid: '1.3.6.1.4.1.9.2' },
  replaced: { oid: '1.3.6.1.4.1.9.3' },
  untrusted: { oid: '1.3.6.1.4.1.9.4' },
  finding: { oid: '1.3.6.1.4.1.9.5' },
};

describe('planDelivery', () => {
  it('plans a /v1 notification exactly as /v1 does, whatever snmp.events says', () => {
    for (const event of NOTIFICATION_EVENTS) {
      for (const trapOnProblems of [false, true]) {
        const v1 = planNotification(ntls(event), trapOnProblems);
        const plan = planDelivery(ntls(event), { trapOnProblems, events: OIDS });
        assert.equal(plan.host, 'hsm01');
        assert.deepEqual(plan.lines, v1.lines);
        assert.equal(plan.severity, undefined);
        assert.deepEqual(plan.trap, v1.trap ? { ...v1.trap, failKey: 'trapFailed', params: {} } : undefined);
      }
    }
  });

  it('a critical NTLS notification: the same lines and ntlsAttentionNotify, at crit', () => {
    const plan = planDelivery({ ...ntls('expiring'), severity: 'critical' }, { trapOnProblems: false, events: OIDS });
    assert.deepEqual(plan, {
      host: 'hsm01',
      lines: [{ key: 'willExpire', params: { notAfter: 'Jul  6 05:04:03 2027 GMT' } }],
      severity: 'crit',
      trap: { assert: true, okKey: 'trapSent', failKey: 'trapFailed', params: {} },
    });
    assert.equal(
      planDelivery({ ...ntls('expiring'), severity: 'warning' }, { trapOnProblems: false }).severity,
      undefined,
    );
  });

  it('newer kinds: their own lines, syslog only without an OID, their own trap with one', () => {
    const web: NotificationV2 = { ...ntls('expiring'), certificate: 'web' };
    assert.deepEqual(planDelivery(web, { trapOnProblems: false }), {
      host: 'hsm01',
      lines: [
        {
          key: 'certificateWillExpire',
          params: { certificate: 'web', appliance: 'hsm01', notAfter: 'Jul  6 05:04:03 2027 GMT' },
        },
      ],
    });
    assert.deepEqual(planDelivery(web, { trapOnProblems: false, events: OIDS }).trap, {
      assert: true,
      okKey: 'eventTrapSent',
      failKey: 'eventTrapFailed',
      params: { kind: 'certificate' },
      event: { kind: 'certificate', oid: '1.3.6.1.4.1.9.1' },
    });
    const renewed = planDelivery({ ...web, event: 'renewed' }, { trapOnProblems: false, events: OIDS });
    assert.equal(renewed.lines[0]!.key, 'certificateNew');
    assert.equal(renewed.trap?.assert, false);
    // Problems trap only with trapOnProblems, as on /v1.
    assert.equal(planDelivery({ ...web, event: 'missing' }, { trapOnProblems: false, events: OIDS }).trap, undefined);
    assert.equal(planDelivery({ ...web, event: 'missing' }, { trapOnProblems: true, events: OIDS }).trap?.assert, true);
  });

  it('a client certificate is filed under the client', () => {
    const plan = planDelivery(
      {
        id: 'c',
        client: 'app01',
        event: 'expired',
        notAfter: '2026-01-01T00:00:00Z',
        observedAt: '2026-11-24T12:00:00Z',
        severity: 'critical',
      },
      { trapOnProblems: false, events: OIDS },
    );
    assert.equal(plan.host, 'app01');
    assert.equal(plan.severity, 'crit');
    assert.deepEqual(plan.lines, [
      { key: 'clientExpired', params: { client: 'app01', notAfter: 'Jan  1 00:00:00 2026 GMT' } },
    ]);
    assert.equal(plan.trap?.event?.kind, 'client');
  });

  it('trust: untrusted raises, trusted again clears, unverifiable is a line and never a trap', () => {
    const trust: NotificationV2 = { ...ntls('expiring'), client: 'app01', event: 'untrusted', fingerprintSha256: FP };
    const raised = planDelivery(trust, { trapOnProblems: true, events: OIDS });
    assert.equal(raised.host, 'app01');
    assert.deepEqual(raised.lines, [
      { key: 'untrusted', params: { client: 'app01', appliance: 'hsm01', fingerprint: FP } },
    ]);
    assert.equal(raised.trap?.assert, true);
    const cleared = planDelivery({ ...trust, assert: false }, { trapOnProblems: true, events: OIDS });
    assert.equal(cleared.lines[0]!.key, 'trusted');
    assert.equal(cleared.trap?.assert, false);
    const unverifiable = planDelivery(
      { ...trust, event: 'unverifiable', reason: 'Ed448' },
      { trapOnProblems: true, events: OIDS },
    );
    assert.equal(unverifiable.lines[0]!.key, 'trustUnverifiable');
    assert.equal(unverifiable.trap, undefined);
  });

  it('replaced and findings name the certificate, NTLS for the NTLS one', () => {
    const replaced = planDelivery(
      { ...ntls('expiring'), event: 'replaced', previousFingerprintSha256: FP, fingerprintSha256: FP, daysEarly: 40 },
      { trapOnProblems: false, events: OIDS },
    );
    assert.deepEqual(replaced.lines[0], {
      key: 'replaced',
      params: { certificate: 'NTLS', appliance: 'hsm01', days: 40, previous: FP, fingerprint: FP },
    });
    assert.equal(replaced.trap?.event?.kind, 'replaced');
    const finding: NotificationV2 = {
      ...ntls('expiring'),
      certificate: 'web',
      event: 'finding',
      finding: 'weak_key',
      detail: 'RSA-1024',
    };
    assert.deepEqual(planDelivery(finding, { trapOnProblems: false }).lines[0], {
      key: 'finding',
      params: { certificate: 'web', appliance: 'hsm01', finding: 'weak_key', detail: 'RSA-1024' },
    });
    const gone = planDelivery({ ...finding, assert: false }, { trapOnProblems: false, events: OIDS });
    assert.equal(gone.lines[0]!.key, 'findingCleared');
    assert.equal(gone.trap?.assert, false);
    assert.equal(gone.trap?.event?.kind, 'finding');
  });
});
