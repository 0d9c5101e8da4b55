import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { actionKind, type Decision, decide, sameState, settle } from '../../core/policy.ts';
import type { ApplianceState, Certificate, Evaluation, Settings } from '../../core/types.ts';
import type { AnyNotification as Notification } from '../../protocol/notificationV2.ts';

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

/** Outcomes for {@link settle}: every notification given reached every trap host. */
function toEveryHost(notifications: readonly Notification[]) {
  return new Map(notifications.map((n) => [n.id, { failedHosts: [] }]));
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
    state = settle(decision, toEveryHost(step.deliver === false ? [] : decision.notifications));
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
    assert.deepEqual(settle(decision, new Map()), state);
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
          state = settle(decision, toEveryHost(delivered));
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

describe('trap hosts are independent (owed deliveries)', () => {
  const HOUR = 3_600_000;
  const T = Date.parse('2026-11-20T00:00:00Z');
  const when = (hours: number) => new Date(T + hours * HOUR);
  const step = (previous: ApplianceState | undefined, observed: Observed, hours: number, settings = DEFAULTS) => {
    const now = when(hours);
    const evaluated = observed === 'missing' ? evaluation('missing', now, 30) : evaluation(observed, now, 30);
    return decide({ appliance: 'hsm01', address: '10.0.0.5', previous, evaluation: evaluated, settings, now });
  };
  /** Outcomes: each notification given reached some hosts and failed `failed`. */
  const partly = (notifications: readonly Notification[], failed: readonly string[]) =>
    new Map(notifications.map((n) => [n.id, { failedHosts: failed }]));

  test('a notification some hosts acknowledged is delivered; the others are owed it, exactly as sent', () => {
    const first = step(undefined, A, 0);
    const raise = first.notifications[0]!;
    const state = settle(first, partly(first.notifications, ['nms3', 'nms3']));
    assert.equal(state?.alertActive, true);
    assert.equal(state?.lastAlertAt, when(0).toISOString());
    assert.deepEqual(state?.owed, [{ notification: raise, hosts: ['nms3'], since: when(0).toISOString() }]);
    // Every host failed: not delivered, nothing owed, the state as if it had not been sent.
    const none = settle(first, new Map());
    assert.equal(none?.alertActive, false);
    assert.equal(none?.owed, undefined);
  });

  test('later runs resend the owed notification under its id, alongside what is due, until every host has it', () => {
    const first = step(undefined, A, 0);
    const raise = first.notifications[0]!;
    let state = settle(first, partly(first.notifications, ['nms3']));
    const hourLater = step(state, A, 1);
    assert.deepEqual(hourLater.notifications, [], 'the healthy hosts are not sent anything before H');
    assert.deepEqual(hourLater.retries, [raise]);
    assert.equal(hourLater.action, 'none');
    // Still failing: kept with the hosts that still lack it, and its first instant.
    state = settle(hourLater, partly(hourLater.retries, ['nms3']));
    assert.deepEqual(state?.owed, [{ notification: raise, hosts: ['nms3'], since: when(0).toISOString() }]);
    // Not answered at all (gateway down): kept as it was.
    assert.ok(sameState(settle(hourLater, new Map()), state));
    // Every host has it now: the debt is gone, nothing else changed.
    const paid = settle(hourLater, partly(hourLater.retries, []));
    assert.equal(paid?.owed, undefined);
    assert.equal(paid?.lastAlertAt, when(0).toISOString());
  });

  test('owed retries never delay the repeat: at H the new repeat goes out and replaces the owed one', () => {
    const first = step(undefined, A, 0);
    let state = settle(first, partly(first.notifications, ['nms3']));
    const repeat = step(state, A, 24);
    assert.deepEqual(
      repeat.notifications.map((n) => n.event),
      ['expiring'],
    );
    assert.notEqual(repeat.notifications[0]?.id, first.notifications[0]?.id);
    assert.deepEqual(repeat.retries, [], 'a host that was down gets the latest repeat, not a backlog');
    state = settle(repeat, partly(repeat.notifications, ['nms3']));
    assert.deepEqual(
      state?.owed?.map((o) => o.notification.id),
      [repeat.notifications[0]?.id],
    );
    assert.equal(state?.owed?.[0]?.since, when(24).toISOString());
    assert.equal(state?.lastAlertAt, when(24).toISOString());
    // The repeat reaching nobody leaves no owed raise behind either: it is itself due again, to every host.
    const lost = settle(repeat, new Map());
    assert.equal(lost?.owed, undefined);
    assert.equal(lost?.lastAlertAt, when(0).toISOString());
  });

  test('a renewal drops the owed raise of the replaced certificate; the clear goes out at once', () => {
    const first = step(undefined, A, 0);
    let state = settle(first, partly(first.notifications, ['nms3']));
    const renewal = step(state, B, 2);
    assert.deepEqual(
      renewal.notifications.map((n) => n.event),
      ['renewed'],
    );
    assert.deepEqual(renewal.retries, []);
    assert.equal(renewal.base?.owed, undefined);
    // The clear itself reaches only some hosts: it is owed to the others, and pendingClear is done.
    state = settle(renewal, partly(renewal.notifications, ['nms3']));
    assert.equal(state?.pendingClear, undefined);
    assert.deepEqual(
      state?.owed?.map((o) => o.notification.event),
      ['renewed'],
    );
    assert.deepEqual(step(state, B, 3).retries, [renewal.notifications[0]]);
  });

  test('at most one owed delivery per kind; each kind settles on its own', () => {
    const first = step(undefined, A, 0);
    const withRaise = settle(first, partly(first.notifications, ['nms3']));
    const missing = step(withRaise, 'missing', 1);
    assert.deepEqual(
      missing.notifications.map((n) => n.event),
      ['missing'],
    );
    assert.equal(missing.retries.length, 1, 'the owed raise (same certificate) is still retried');
    const both = settle(missing, new Map([[missing.notifications[0]!.id, { failedHosts: ['nms2'] }]]));
    assert.deepEqual(
      both?.owed?.map((o) => [o.notification.event, o.hosts]),
      [
        ['expiring', ['nms3']],
        ['missing', ['nms2']],
      ],
    );
    assert.deepEqual(both?.lastProblem, { event: 'missing', at: when(1).toISOString() });
  });

  test('an owed delivery older than 6 days is given up and logged per host', () => {
    // H of 10 days, so no repeat supersedes it first.
    const slow = { thresholdDays: 30, repeatHours: 240 };
    const first = step(undefined, A, 0, slow);
    const state = settle(first, partly(first.notifications, ['nms2', 'nms3']));
    assert.equal(step(state, A, 144, slow).retries.length, 1, 'exactly 6 days old: still retried');
    const late = step(state, A, 145, slow);
    assert.deepEqual(late.retries, []);
    assert.equal(late.base?.owed, undefined);
    const given = late.logs.filter((l) => l.key === 'trapGivenUp');
    assert.deepEqual(
      given.map((l) => l.text),
      ['nms2', 'nms3'].map(
        (host) =>
          `Gave up sending NTLS certificate expiry SNMP trap to trap host ${host} after 6 day(s) of failures: ${first.notifications[0]?.id}`,
      ),
    );
    assert.ok(given.every((l) => l.appliance === 'hsm01' && l.sev === 'err'));
  });

  test('while the source is unavailable the owed delivery is still retried and the rest is kept', () => {
    const first = step(undefined, A, 0);
    const state = settle(first, partly(first.notifications, ['nms3']));
    const outage = step(state, 'unavailable', 1);
    assert.deepEqual(outage.retries, [first.notifications[0]]);
    assert.ok(sameState(outage.base, state));
    const paid = settle(outage, partly(outage.retries, []));
    assert.equal(paid?.owed, undefined);
    assert.equal(paid?.fingerprint, state?.fingerprint);
  });

  test('canonical: settling twice gives the same record, and key order does not matter', () => {
    const first = step(undefined, A, 0);
    const state = settle(first, partly(first.notifications, ['nms3', 'nms1']));
    const reordered = JSON.parse(JSON.stringify(state), (_key, value) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as ApplianceState;
    assert.ok(sameState(state, reordered));
    assert.equal(
      JSON.stringify(settle({ ...first, base: reordered, notifications: [] }, new Map())),
      JSON.stringify(state),
    );
    assert.deepEqual(state?.owed?.[0]?.hosts, ['nms1', 'nms3']);
  });
});

describe('trap hosts are independent (random histories against a journal per id and host)', () => {
  const observations: Observed[] = [A, B, C, 'missing', 'invalid', 'unavailable'];
  const HOSTS = ['nms1', 'nms2', 'nms3'] as const;
  const history = fc.record({
    repeatHours: fc.constantFrom(1, 6, 24),
    steps: fc.array(
      fc.record({
        gapMinutes: fc.oneof(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 60, max: 3000 })),
        observed: fc.integer({ min: 0, max: observations.length - 1 }),
        // nms1 is always up; nms2 and nms3 come and go.
        up2: fc.boolean(),
        up3: fc.boolean(),
      }),
      { minLength: 1, maxLength: 50 },
    ),
  });
  type Steps = ReturnType<typeof history.generate>['value']['steps'];

  /**
   * Plays a history through decide → a gateway stand-in that remembers per id which hosts have it and sends
   * only to the others → settle. Returns what each host received, in order, and checks the owed deliveries.
   */
  function playAgainstJournal(repeatHours: number, steps: Steps, everyHostUp: boolean) {
    const settings = { thresholdDays: 30, repeatHours };
    const journal = new Map<string, Set<string>>();
    const firstSent = new Map<string, Notification>();
    const received: Record<string, string[]> = { nms1: [], nms2: [], nms3: [] };
    let state: ApplianceState | undefined;
    let now = Date.parse('2026-10-20T00:00:00Z');
    for (const step of steps) {
      now += step.gapMinutes * 60_000;
      const at = new Date(now);
      const observed = observations[step.observed]!;
      const evaluated = evaluation(observed, at, 30);
      const decision = decide({
        appliance: 'hsm01',
        address: '0.0.0.0',
        previous: state,
        evaluation: evaluated,
        settings,
        now: at,
      });
      const up = new Set(everyHostUp ? HOSTS : ['nms1', ...(step.up2 ? ['nms2'] : []), ...(step.up3 ? ['nms3'] : [])]);
      const outcomes = new Map<string, { failedHosts: string[] }>();
      for (const n of [...decision.notifications, ...decision.retries]) {
        const previous = firstSent.get(n.id);
        if (previous) assert.deepEqual(n, previous, 'a retry carries the same id and content');
        else firstSent.set(n.id, n);
        const has = journal.get(n.id) ?? new Set<string>();
        journal.set(n.id, has);
        for (const host of HOSTS) {
          if (has.has(host) || !up.has(host)) continue;
          has.add(host);
          received[host]!.push(n.id);
        }
        outcomes.set(n.id, { failedHosts: HOSTS.filter((h) => !has.has(h)) });
      }
      state = settle(decision, outcomes);
      const owed = state?.owed ?? [];
      assert.equal(new Set(owed.map((o) => actionKind(o.notification.event))).size, owed.length, 'one per kind');
      for (const o of owed)
        assert.deepEqual(
          o.hosts,
          HOSTS.filter((h) => !journal.get(o.notification.id)?.has(h)),
        );
      if (up.size === HOSTS.length) assert.deepEqual(owed, [], 'every host up: nothing stays owed');
    }
    return received;
  }

  test('the healthy host gets exactly what it would with every host up; none gets an id twice', () => {
    fc.assert(
      fc.property(history, ({ repeatHours, steps }) => {
        const flaky = playAgainstJournal(repeatHours, steps, false);
        const healthy = playAgainstJournal(repeatHours, steps, true);
        assert.deepEqual(flaky.nms1, healthy.nms1, 'owed retries never delay or add to the healthy host');
        for (const ids of Object.values(flaky)) assert.equal(new Set(ids).size, ids.length);
      }),
      { numRuns: 500 },
    );
  });
});
