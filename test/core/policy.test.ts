import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type Decision, decide, sameState, settle } from '../../core/policy.ts';
import type { ApplianceState, Certificate, Evaluation, Settings } from '../../core/types.ts';
import type { Notification } from '../../protocol/notification.ts';

const DEFAULTS: Settings = { thresholdDays: 30, repeatHours: 24 };
const ID = /^[A-Za-z0-9:._-]{1,200}$/;

function cert(fingerprintByte: string, notAfter: string, notBefore = '2026-01-01T00:00:00Z'): Certificate {
  return {
    der: new Uint8Array(0),
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    subject: 'CN=hsm01',
    issuer: 'CN=ca',
    serialNumber: '01',
    keyType: 'RSA-2048',
    fingerprintSha256: Array.from({ length: 32 }, () => fingerprintByte).join(':'),
  };
}

/** Old certificate (expires Dec 1), its replacement (a year later), and a replacement already in the window. */
const A = cert('AA', '2026-12-01T00:00:00Z');
const B = cert('BB', '2027-12-01T00:00:00Z');
const C = cert('CC', '2026-12-05T00:00:00Z');
const FUTURE = cert('FF', '2027-12-01T00:00:00Z', '2027-01-01T00:00:00Z');

type Observed = Certificate | 'missing' | 'invalid' | 'unavailable';

/** The status rule (docs/design.md, Certificate evaluation), applied by hand so policy tests need no certificate parsing. */
function evaluation(observed: Observed, now: Date, days: number): Evaluation {
  if (observed === 'missing') return { status: 'missing' };
  if (observed === 'invalid') return { status: 'invalid', error: 'no certificate found' };
  if (observed === 'unavailable') return { status: 'unavailable', error: 'throttled' };
  const remaining = observed.notAfter.getTime() - now.getTime();
  const secondsRemaining = Math.floor(remaining / 1000);
  const status =
    now < observed.notBefore
      ? 'not_yet_valid'
      : remaining < 0
        ? 'expired'
        : remaining <= days * 86_400_000
          ? 'expiring'
          : 'valid';
  return {
    status,
    certificate: observed,
    chain: [],
    secondsRemaining,
    daysRemaining: Math.floor(secondsRemaining / 86400),
  };
}

interface Step {
  readonly at: string;
  readonly observed: Observed;
  /** Events due, in order. */
  readonly events: readonly string[];
  /** Deliver every due notification (default) or none. */
  readonly deliver?: boolean;
  readonly settings?: Settings;
  readonly logs?: readonly string[];
  readonly ids?: readonly string[];
  readonly action?: string;
}

interface Scenario {
  readonly name: string;
  readonly initial?: ApplianceState;
  readonly steps: readonly Step[];
}

/** Runs decide → deliver → settle step by step, carrying the state, and returns every decision. */
function play(initial: ApplianceState | undefined, steps: readonly Step[]) {
  let state = initial;
  const decisions: Decision[] = [];
  const states: (ApplianceState | undefined)[] = [];
  for (const [index, step] of steps.entries()) {
    const now = new Date(step.at);
    const settings = step.settings ?? DEFAULTS;
    const decision = decide({
      appliance: 'hsm01',
      address: '10.0.0.5',
      previous: state,
      evaluation: evaluation(step.observed, now, settings.thresholdDays),
      settings,
      now,
    });
    const where = `step ${index} (${step.at})`;
    assert.deepEqual(
      decision.notifications.map((n) => n.event),
      step.events,
      `${where}: events`,
    );
    if (step.logs)
      assert.deepEqual(
        decision.logs.map((l) => l.key),
        step.logs,
        `${where}: logs`,
      );
    if (step.ids)
      assert.deepEqual(
        decision.notifications.map((n) => n.id),
        step.ids,
        `${where}: ids`,
      );
    if (step.action) assert.equal(decision.action, step.action, `${where}: action`);
    for (const n of decision.notifications) {
      assert.match(n.id, ID);
      assert.equal(n.appliance, 'hsm01');
      assert.equal(n.address, '10.0.0.5');
      assert.equal(n.observedAt, now.toISOString());
    }
    const delivered = new Set(step.deliver === false ? [] : decision.notifications.map((n) => n.id));
    state = settle(decision, delivered);
    decisions.push(decision);
    states.push(state);
  }
  return { decisions, states, state };
}

const scenarios: Scenario[] = [
  {
    name: 'first sight inside the window alerts at once, with the first-seen hour in the id',
    steps: [
      {
        at: '2026-11-10T12:34:56Z',
        observed: A,
        events: ['expiring'],
        logs: ['willExpire'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-10T12:34'],
        action: 'trap',
      },
    ],
  },
  {
    name: 'a certificate seen before the window alerts when it enters it, id from the window start',
    steps: [
      { at: '2026-10-01T00:00:00Z', observed: A, events: [], action: 'none' },
      {
        at: '2026-11-01T05:30:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-01T00:00'],
      },
    ],
  },
  {
    name: 'no repeat before H, a repeat at exactly H, then H after that',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-10T13:00:00Z', observed: A, events: [] },
      { at: '2026-11-11T11:59:59Z', observed: A, events: [] },
      {
        at: '2026-11-11T12:00:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-11T12:00'],
      },
      { at: '2026-11-12T11:00:00Z', observed: A, events: [] },
      {
        at: '2026-11-12T12:00:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-12T12:00'],
      },
    ],
  },
  {
    name: 'expiry never silences: expired keeps trapping every H hours',
    steps: [
      { at: '2026-11-30T12:00:00Z', observed: A, events: ['expiring'] },
      // notAfter itself is still valid: Dec 1 00:00 is expiring, not expired.
      { at: '2026-12-01T00:00:00Z', observed: A, events: [] },
      { at: '2026-12-01T12:00:00Z', observed: A, events: ['expired'], logs: ['expired'] },
      { at: '2026-12-02T11:00:00Z', observed: A, events: [] },
      { at: '2026-12-02T12:00:00Z', observed: A, events: ['expired'] },
      { at: '2027-03-01T00:00:00Z', observed: A, events: ['expired'] },
      { at: '2027-03-02T00:00:00Z', observed: A, events: ['expired'] },
    ],
  },
  {
    name: 'first sight of an already expired certificate alerts at once',
    steps: [
      {
        at: '2027-01-01T08:00:00Z',
        observed: A,
        events: ['expired'],
        ids: ['hsm01:AAAAAAAA:expired:2027-01-01T08:00'],
      },
    ],
  },
  {
    name: 'renewal with an active alert: new-certificate line and a clearing notification for the old one',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      {
        at: '2026-11-11T06:00:00Z',
        observed: B,
        events: ['renewed'],
        logs: ['newCertificate', 'valid'],
        ids: ['hsm01:AAAAAAAA:renewed:2026-11-11T06:00'],
        action: 'clear',
      },
      { at: '2026-11-12T06:00:00Z', observed: B, events: [], logs: ['valid'] },
    ],
  },
  {
    name: 'renewal without an active alert: only the new-certificate line',
    steps: [
      { at: '2026-10-01T00:00:00Z', observed: A, events: [] },
      { at: '2026-10-02T00:00:00Z', observed: B, events: [], logs: ['newCertificate', 'valid'] },
      { at: '2026-10-03T00:00:00Z', observed: B, events: [], logs: ['valid'] },
    ],
  },
  {
    name: 'renewal straight into the window: clear the old alert and alert on the new one',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      {
        at: '2026-11-10T14:00:00Z',
        observed: C,
        events: ['renewed', 'expiring'],
        logs: ['newCertificate', 'willExpire'],
        ids: ['hsm01:AAAAAAAA:renewed:2026-11-10T14:00', 'hsm01:CCCCCCCC:expiring:2026-11-10T14:00'],
        action: 'clear+trap',
      },
      { at: '2026-11-11T13:00:00Z', observed: C, events: [] },
      { at: '2026-11-11T14:00:00Z', observed: C, events: ['expiring'] },
    ],
  },
  {
    name: 'missing: logged every run, reported once per H',
    steps: [
      {
        at: '2026-11-10T12:00:00Z',
        observed: 'missing',
        events: ['missing'],
        logs: ['missing'],
        ids: ['hsm01:missing:2026-11-10T12:00'],
        action: 'report',
      },
      { at: '2026-11-10T13:00:00Z', observed: 'missing', events: [], logs: ['missing'] },
      { at: '2026-11-11T12:00:00Z', observed: 'missing', events: ['missing'], ids: ['hsm01:missing:2026-11-11T12:00'] },
    ],
  },
  {
    name: 'missing keeps the certificate: the same file reappearing is not new and keeps its repeat clock',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-10T13:00:00Z', observed: 'missing', events: ['missing'] },
      { at: '2026-11-10T14:00:00Z', observed: A, events: [], logs: ['willExpire'] },
      { at: '2026-11-11T12:00:00Z', observed: A, events: ['expiring'] },
    ],
  },
  {
    name: 'missing then a different certificate: the old alert is cleared',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-10T13:00:00Z', observed: 'missing', events: ['missing'] },
      { at: '2026-11-10T14:00:00Z', observed: B, events: ['renewed'], logs: ['newCertificate', 'valid'] },
    ],
  },
  {
    name: 'invalid: error line every run, report once per H; a change of problem is reported at once',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: 'invalid', events: ['invalid'], logs: ['invalid'] },
      { at: '2026-11-10T18:00:00Z', observed: 'invalid', events: [], logs: ['invalid'] },
      { at: '2026-11-10T19:00:00Z', observed: 'missing', events: ['missing'] },
      { at: '2026-11-11T12:00:00Z', observed: 'invalid', events: ['invalid'] },
    ],
  },
  {
    name: 'not yet valid: warning and a report once per H, carrying the fingerprint',
    steps: [
      {
        at: '2026-11-10T12:00:00Z',
        observed: FUTURE,
        events: ['not_yet_valid'],
        logs: ['notYetValid'],
        ids: ['hsm01:FFFFFFFF:not_yet_valid:2026-11-10T12:00'],
      },
      { at: '2026-11-11T11:00:00Z', observed: FUTURE, events: [] },
      { at: '2027-02-01T00:00:00Z', observed: FUTURE, events: [], logs: ['valid'] },
    ],
  },
  {
    name: 'unavailable never reports missing and keeps the repeat clock',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-11T12:00:00Z', observed: 'unavailable', events: [], logs: ['unavailable'], action: 'none' },
      { at: '2026-11-11T13:00:00Z', observed: A, events: ['expiring'], logs: ['willExpire'] },
    ],
  },
  {
    name: 'a failed delivery does not advance: retried next run with the same id',
    steps: [
      { at: '2026-11-10T12:10:00Z', observed: A, events: ['expiring'], deliver: false },
      {
        at: '2026-11-10T13:10:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-10T12:10'],
        deliver: false,
      },
      {
        at: '2026-11-10T17:45:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-10T12:10'],
      },
      { at: '2026-11-10T18:45:00Z', observed: A, events: [] },
      // The repeat is H after the delivered one (17:45), with a new id.
      {
        at: '2026-11-11T17:45:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-11T17:45'],
      },
    ],
  },
  {
    name: 'a failed repeat keeps its id across retries',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      {
        at: '2026-11-11T12:30:00Z',
        observed: A,
        events: ['expiring'],
        deliver: false,
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-11T12:00'],
      },
      {
        at: '2026-11-11T15:30:00Z',
        observed: A,
        events: ['expiring'],
        ids: ['hsm01:AAAAAAAA:expiring:2026-11-11T12:00'],
      },
    ],
  },
  {
    name: 'a failed clear is retried with the same id, without a second new-certificate line',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      {
        at: '2026-11-11T06:00:00Z',
        observed: B,
        events: ['renewed'],
        logs: ['newCertificate', 'valid'],
        deliver: false,
      },
      {
        at: '2026-11-11T09:00:00Z',
        observed: B,
        events: ['renewed'],
        logs: ['valid'],
        ids: ['hsm01:AAAAAAAA:renewed:2026-11-11T06:00'],
      },
      { at: '2026-11-11T10:00:00Z', observed: B, events: [] },
    ],
  },
  {
    name: 'a failed problem report is retried with the same id',
    steps: [
      { at: '2026-11-10T12:00:00Z', observed: 'missing', events: ['missing'], deliver: false },
      { at: '2026-11-10T15:00:00Z', observed: 'missing', events: ['missing'], ids: ['hsm01:missing:2026-11-10T12:00'] },
      { at: '2026-11-10T16:00:00Z', observed: 'missing', events: [] },
    ],
  },
  {
    name: 'per-appliance settings: D=45 widens the window, H=6 repeats sooner',
    steps: [
      { at: '2026-10-20T00:00:00Z', observed: A, events: [], settings: DEFAULTS },
      {
        at: '2026-10-20T00:00:00Z',
        observed: A,
        events: ['expiring'],
        settings: { thresholdDays: 45, repeatHours: 6 },
      },
      { at: '2026-10-20T05:59:00Z', observed: A, events: [], settings: { thresholdDays: 45, repeatHours: 6 } },
      {
        at: '2026-10-20T06:00:00Z',
        observed: A,
        events: ['expiring'],
        settings: { thresholdDays: 45, repeatHours: 6 },
      },
    ],
  },
];

describe('alert policy transitions', () => {
  for (const scenario of scenarios) {
    test(scenario.name, () => {
      play(scenario.initial, scenario.steps);
    });
  }
});

describe('alert policy details', () => {
  test('unavailable returns the previous state untouched', () => {
    const { state } = play(undefined, [{ at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] }]);
    const decision = decide({
      appliance: 'hsm01',
      address: '0.0.0.0',
      previous: state,
      evaluation: { status: 'unavailable', error: 'timeout' },
      settings: DEFAULTS,
      now: new Date('2026-11-12T00:00:00Z'),
    });
    assert.equal(decision.base, state);
    assert.deepEqual(settle(decision, new Set()), state);
    assert.equal(decision.logs[0]?.text, 'NTLS certificate could not be read: timeout');
  });

  test('state records evaluation instants and undelivered traps leave it as if not sent', () => {
    const { states } = play(undefined, [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'], deliver: false },
      { at: '2026-11-10T13:00:00Z', observed: A, events: ['expiring'] },
    ]);
    assert.equal(states[0]?.alertActive, false);
    assert.equal(states[0]?.lastAlertAt, undefined);
    assert.equal(states[0]?.fingerprint, A.fingerprintSha256);
    assert.equal(states[1]?.alertActive, true);
    assert.equal(states[1]?.lastAlertAt, '2026-11-10T13:00:00.000Z');
  });

  test('a corrupt state logs stateReset first and is treated as first sight', () => {
    const now = new Date('2026-11-10T12:00:00Z');
    const decision = decide({
      appliance: 'hsm01',
      address: '0.0.0.0',
      previous: undefined,
      evaluation: evaluation(A, now, 30),
      settings: DEFAULTS,
      now,
      stateCorrupt: 'not JSON',
    });
    assert.deepEqual(
      decision.logs.map((l) => [l.key, l.level, l.appliance]),
      [
        ['stateReset', 'warning', 'hsm01'],
        ['willExpire', 'info', 'hsm01'],
      ],
    );
    assert.deepEqual(
      decision.notifications.map((n) => n.event),
      ['expiring'],
    );
  });

  test('log texts are the catalogue lines with OpenSSL dates', () => {
    const { decisions } = play(undefined, [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-11T00:00:00Z', observed: B, events: ['renewed'] },
      { at: '2026-11-11T01:00:00Z', observed: 'missing', events: ['missing'] },
    ]);
    assert.deepEqual(
      decisions.flatMap((d) => d.logs.map((l) => l.text)),
      [
        'NTLS certificate will be expire on Dec  1 00:00:00 2026 GMT',
        'New NTLS certificate detected and the expiry date of this new certificate is Dec  1 00:00:00 2027 GMT',
        'NTLS certificate is valid until Dec  1 00:00:00 2027 GMT',
        'NTLS certificate is missing',
      ],
    );
  });

  test('notifications carry the certificate; the clear carries the new certificate', () => {
    const { decisions } = play(undefined, [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-11T00:00:00Z', observed: B, events: ['renewed'] },
      { at: '2026-11-11T01:00:00Z', observed: 'invalid', events: ['invalid'] },
    ]);
    const [alert, clear, invalid] = decisions.map((d) => d.notifications[0]);
    assert.deepEqual(alert, {
      id: 'hsm01:AAAAAAAA:expiring:2026-11-10T12:00',
      appliance: 'hsm01',
      address: '10.0.0.5',
      event: 'expiring',
      observedAt: '2026-11-10T12:00:00.000Z',
      notAfter: '2026-12-01T00:00:00.000Z',
      notBefore: '2026-01-01T00:00:00.000Z',
      fingerprintSha256: A.fingerprintSha256,
      daysRemaining: 20,
    });
    assert.equal(clear?.notAfter, '2027-12-01T00:00:00.000Z');
    assert.equal(clear?.fingerprintSha256, B.fingerprintSha256);
    assert.equal(invalid?.reason, 'no certificate found');
  });

  test('an old certificate coming back after a renewal alerts again under a new id', () => {
    const { decisions } = play(undefined, [
      { at: '2026-11-10T12:00:00Z', observed: A, events: ['expiring'] },
      { at: '2026-11-10T13:00:00Z', observed: B, events: ['renewed'] },
      { at: '2026-11-10T14:00:00Z', observed: A, events: ['expiring'], logs: ['newCertificate', 'willExpire'] },
    ]);
    assert.notEqual(decisions[0]?.notifications[0]?.id, decisions[2]?.notifications[0]?.id);
  });

  test('ids stay within the wire format for the longest appliance name', () => {
    const appliance = `a${'b'.repeat(62)}`;
    const now = new Date('2026-11-10T12:00:00Z');
    const decision = decide({
      appliance,
      address: '0.0.0.0',
      previous: undefined,
      evaluation: evaluation(FUTURE, now, 30),
      settings: DEFAULTS,
      now,
    });
    assert.match(decision.notifications[0]?.id ?? '', ID);
  });

  test('sameState ignores key order and undefined fields', () => {
    const a: ApplianceState = { version: 1, alertActive: false, fingerprint: 'X', lastAlertAt: undefined };
    const b = JSON.parse('{"fingerprint":"X","alertActive":false,"version":1}') as ApplianceState;
    assert.ok(sameState(a, b));
    assert.ok(!sameState(a, { ...b, alertActive: true }));
    assert.ok(!sameState(a, undefined));
    assert.ok(sameState(undefined, undefined));
  });
});

describe('alert policy properties (random histories)', () => {
  const observations: Observed[] = [A, B, C, FUTURE, 'missing', 'invalid', 'unavailable'];
  const history = fc.record({
    repeatHours: fc.constantFrom(1, 6, 24),
    thresholdDays: fc.constantFrom(0, 30, 45),
    steps: fc.array(
      fc.record({
        // Runs minutes apart as well as days apart: flapping within an hour must not reuse an id.
        gapMinutes: fc.oneof(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 60, max: 3000 })),
        observed: fc.integer({ min: 0, max: observations.length - 1 }),
        deliver: fc.boolean(),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  });

  test('delivered ids never repeat, retries keep their id, raising traps for one certificate are H apart', () => {
    fc.assert(
      fc.property(history, ({ repeatHours, thresholdDays, steps }) => {
        const settings = { thresholdDays, repeatHours };
        let state: ApplianceState | undefined;
        let now = Date.parse('2026-10-20T00:00:00Z');
        const deliveredIds = new Set<string>();
        const lastTrapAt = new Map<string, number>();
        let previous: { observed: Observed; failed: Notification[] } | undefined;
        for (const step of steps) {
          now += step.gapMinutes * 60_000;
          const observed = observations[step.observed]!;
          const at = new Date(now);
          const decision = decide({
            appliance: 'hsm01',
            address: '0.0.0.0',
            previous: state,
            evaluation: evaluation(observed, at, thresholdDays),
            settings,
            now: at,
          });
          for (const n of decision.notifications) assert.match(n.id, ID);
          if (previous && previous.observed === observed && observed !== 'unavailable') {
            for (const failed of previous.failed) {
              const again = decision.notifications.find((n) => n.event === failed.event);
              if (again) assert.equal(again.id, failed.id, 'a retry keeps its id');
            }
          }
          const delivered = step.deliver ? decision.notifications : [];
          for (const n of delivered) {
            assert.ok(!deliveredIds.has(n.id), `id ${n.id} delivered twice`);
            deliveredIds.add(n.id);
            if (n.event === 'expiring' || n.event === 'expired') {
              const fp = n.fingerprintSha256 ?? '';
              const last = lastTrapAt.get(fp);
              if (last !== undefined) assert.ok(now - last >= repeatHours * 3_600_000, 'raising traps H apart');
              lastTrapAt.set(fp, now);
            }
          }
          // A different certificate resets the repeat clock of the others (they may come back as new).
          const cert = typeof observed === 'string' ? undefined : observed;
          if (cert) for (const fp of [...lastTrapAt.keys()]) if (fp !== cert.fingerprintSha256) lastTrapAt.delete(fp);
          state = settle(decision, new Set(delivered.map((n) => n.id)));
          previous = { observed, failed: step.deliver ? [] : [...decision.notifications] };
        }
      }),
      { numRuns: 1000 },
    );
  });
});

test('a notification about a certificate carries its notBefore (the gateway writes it in the not-yet-valid line)', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const decision = decide({
    appliance: 'hsm01',
    address: '10.0.0.5',
    previous: undefined,
    evaluation: evaluation(FUTURE, now, 30),
    settings: DEFAULTS,
    now,
  });
  const report = decision.notifications.find((n) => n.event === 'not_yet_valid');
  assert.equal(report?.notBefore, '2027-01-01T00:00:00.000Z');
  assert.equal(report?.notAfter, '2027-12-01T00:00:00.000Z');
});
