import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientPolicyInput } from '../../core/clientDecision.ts';
import { decideClient, settleClient } from '../../core/clientPolicy.ts';
import type { Certificate, Evaluation } from '../../core/types.ts';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-24T12:00:00Z');
const fp = (c: string) => Array.from({ length: 32 }, () => c.repeat(2)).join(':');

function certificate(fingerprint: string, daysLeft: number): Certificate {
  return {
    der: new Uint8Array(),
    notBefore: new Date(T0.getTime() - 300 * 24 * HOUR),
    notAfter: new Date(T0.getTime() + daysLeft * 24 * HOUR),
    subject: 'CN=app01',
    issuer: 'CN=app01',
    serialNumber: '01',
    keyType: 'EC P-256',
    fingerprintSha256: fingerprint,
  };
}

function input(evaluation: Evaluation, at: Date, previous?: ClientPolicyInput['previous']): ClientPolicyInput {
  return {
    client: 'app01',
    previous,
    evaluation,
    bundle: { kind: 'ok' },
    trust: [],
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: at,
  };
}

describe('decideClient: the client certificate', () => {
  const expiring: Evaluation = { status: 'expiring', certificate: certificate(fp('A'), 10), daysRemaining: 10 };

  it('notifies an expiring client certificate once per H, naming the client', () => {
    const first = decideClient(input(expiring, T0));
    assert.deepEqual(
      first.logs.map((l) => l.key),
      ['clientWillExpire'],
    );
    assert.equal(first.notifications.length, 1);
    assert.equal(first.notifications[0]?.client, 'app01');
    assert.equal(first.notifications[0]?.appliance, undefined);
    const state = settleClient(first, new Set(first.notifications.map((n) => n.id)));
    assert.equal(decideClient(input(expiring, new Date(T0.getTime() + HOUR), state)).notifications.length, 0);
    const again = decideClient(input(expiring, new Date(T0.getTime() + 24 * HOUR), state));
    assert.equal(again.notifications.length, 1);
    assert.notEqual(again.notifications[0]?.id, first.notifications[0]?.id);
    // Undelivered: due again next run under the same id.
    const undelivered = settleClient(first, new Set());
    assert.equal(
      decideClient(input(expiring, new Date(T0.getTime() + HOUR), undelivered)).notifications[0]?.id,
      first.notifications[0]?.id,
    );
  });

  it('clears the alert of a replaced client certificate (renewed) and says it is new', () => {
    const first = decideClient(input(expiring, T0));
    const state = settleClient(first, new Set(first.notifications.map((n) => n.id)));
    const renewed: Evaluation = { status: 'valid', certificate: certificate(fp('B'), 300), daysRemaining: 300 };
    const next = decideClient(input(renewed, new Date(T0.getTime() + HOUR), state));
    assert.deepEqual(
      next.logs.map((l) => l.key),
      ['clientNew', 'clientValid'],
    );
    assert.deepEqual(
      next.notifications.map((n) => n.event),
      ['renewed'],
    );
  });

  it('keeps everything while the trust bundle cannot be read: a line, no notification', () => {
    const valid: Evaluation = { status: 'valid', certificate: certificate(fp('A'), 300), daysRemaining: 300 };
    const previous = {
      version: 1 as const,
      alertActive: false,
      untrusted: { hsm01: { fingerprint: fp('C'), since: T0.toISOString() } },
    };
    const decision = decideClient({
      ...input(valid, T0, previous),
      bundle: { kind: 'unavailable', reason: 'trust bundle could not be read: throttled' },
    });
    assert.deepEqual(
      decision.logs.map((l) => l.key),
      ['clientValid', 'clientUnavailable'],
    );
    assert.deepEqual(decision.notifications, []);
    assert.deepEqual(decision.base.untrusted, previous.untrusted);
  });
});

describe('decideClient: problem notifications keep their id until delivered', () => {
  const missing: Evaluation = { status: 'missing' };

  it('a missing client certificate: the same id run after run while undelivered, a new one once delivered and H old', () => {
    const first = decideClient(input(missing, T0));
    const id = first.notifications[0]?.id;
    assert.ok(id);
    let state = settleClient(first, new Set());
    for (const hours of [1, 2, 30]) {
      const later = decideClient(input(missing, new Date(T0.getTime() + hours * HOUR), state));
      assert.equal(later.notifications[0]?.id, id, `undelivered, ${hours} h later`);
      state = settleClient(later, new Set());
    }
    const delivered = decideClient(input(missing, new Date(T0.getTime() + 31 * HOUR), state));
    state = settleClient(delivered, new Set([id]));
    const repeat = decideClient(input(missing, new Date(T0.getTime() + 56 * HOUR), state));
    assert.equal(repeat.notifications.length, 1);
    assert.notEqual(repeat.notifications[0]?.id, id);
  });

  it('an invalid trust bundle: the same id run after run while undelivered; a new problem after it is fixed', () => {
    const valid: Evaluation = { status: 'valid', certificate: certificate(fp('A'), 200), daysRemaining: 200 };
    const broken = (at: Date, previous?: ClientPolicyInput['previous']): ClientPolicyInput => ({
      ...input(valid, at, previous),
      bundle: { kind: 'invalid', reason: 'trust bundle is not PEM' },
    });
    const first = decideClient(broken(T0));
    const id = first.notifications[0]?.id;
    assert.ok(id);
    let state = settleClient(first, new Set());
    const later = decideClient(broken(new Date(T0.getTime() + 2 * HOUR), state));
    assert.equal(later.notifications[0]?.id, id);
    state = settleClient(later, new Set());
    // Fixed, then broken again: a new problem, a new id.
    state = settleClient(decideClient(input(valid, new Date(T0.getTime() + 3 * HOUR), state)), new Set());
    const again = decideClient(broken(new Date(T0.getTime() + 4 * HOUR), state));
    assert.notEqual(again.notifications[0]?.id, id);
  });
});
