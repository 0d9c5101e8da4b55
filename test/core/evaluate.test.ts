import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluate } from '../../core/evaluate.ts';
import type { Evaluation, Status } from '../../core/types.ts';
import { certificate, pem, time } from '../fixtures/certs/buildDer.ts';

const DAY = 86_400_000;
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2028-02-29T12:00:00Z');
const CERT = certificate({ notBefore: time(NOT_BEFORE), notAfter: time(NOT_AFTER) });
const found = (bytes: Uint8Array) => ({ kind: 'found', bytes }) as const;
const at = (ms: number): Date => new Date(ms);

function check(now: Date, days = 30, bytes = CERT): Evaluation {
  return evaluate(found(bytes), days, now);
}

describe('evaluate status boundaries (docs/design.md, Certificate evaluation)', () => {
  const end = NOT_AFTER.getTime();

  it('notAfter itself is still expiring, not expired', () => {
    const e = check(NOT_AFTER);
    assert.equal(e.status, 'expiring');
    assert.equal(e.secondsRemaining, 0);
    assert.equal(e.daysRemaining, 0);
  });

  it('one millisecond and one second after notAfter are expired, with negative remaining time', () => {
    assert.deepEqual(pick(check(at(end + 1))), { status: 'expired', secondsRemaining: -1, daysRemaining: -1 });
    assert.deepEqual(pick(check(at(end + 1000))), { status: 'expired', secondsRemaining: -1, daysRemaining: -1 });
    assert.deepEqual(pick(check(at(end + DAY + 1000))), {
      status: 'expired',
      secondsRemaining: -86_401,
      daysRemaining: -2,
    });
  });

  it('exactly D days before notAfter is expiring; D days and one second is valid', () => {
    assert.deepEqual(pick(check(at(end - 30 * DAY))), {
      status: 'expiring',
      secondsRemaining: 2_592_000,
      daysRemaining: 30,
    });
    assert.deepEqual(pick(check(at(end - 30 * DAY - 1000))), {
      status: 'valid',
      secondsRemaining: 2_592_001,
      daysRemaining: 30,
    });
    assert.equal(check(at(end - 30 * DAY - 1)).status, 'valid');
  });

  it('uses the threshold given (0 and 45 days)', () => {
    assert.equal(check(at(end - 1000), 0).status, 'valid');
    assert.equal(check(NOT_AFTER, 0).status, 'expiring');
    assert.equal(check(at(end - 45 * DAY), 45).status, 'expiring');
    assert.equal(check(at(end - 45 * DAY), 44).status, 'valid');
  });

  it('before notBefore is not_yet_valid; notBefore itself is valid', () => {
    const e = check(at(NOT_BEFORE.getTime() - 1000));
    assert.equal(e.status, 'not_yet_valid');
    assert.ok(e.certificate);
    assert.equal(check(NOT_BEFORE).status, 'valid');
  });

  it('not_yet_valid wins over expiring for a short-lived certificate', () => {
    const short = certificate({ notBefore: time(at(end - DAY)), notAfter: time(NOT_AFTER) });
    assert.equal(check(at(end - 2 * DAY), 30, short).status, 'not_yet_valid');
  });

  it('counts the leap day (notAfter on Feb 29)', () => {
    assert.equal(check(new Date('2028-02-28T12:00:00Z')).daysRemaining, 1);
    assert.equal(check(new Date('2027-02-28T12:00:00Z'), 30).daysRemaining, 366);
    assert.equal(check(new Date('2028-01-30T12:00:00Z')).status, 'expiring');
    assert.equal(check(new Date('2028-01-30T11:59:59Z')).status, 'valid');
  });

  it('floors sub-second remaining time', () => {
    assert.equal(check(at(end - 1500)).secondsRemaining, 1);
    assert.equal(check(at(end + 1500)).secondsRemaining, -2);
  });

  it('a GeneralizedTime 99991231235959Z certificate stays valid', () => {
    const forever = certificate({ notAfter: time(new Date('9999-12-31T23:59:59Z')) });
    const e = check(new Date('2026-11-24T00:00:00Z'), 30, forever);
    assert.equal(e.status, 'valid');
    assert.equal(e.daysRemaining, 2_912_115);
  });

  it('a certificate dated in year 1 follows the usual table (Go writes its zero time as notBefore)', () => {
    const now = new Date('2026-11-24T00:00:00Z');
    const goZero = new Date('0001-01-01T00:00:00Z');
    const valid = check(
      now,
      30,
      certificate({ notBefore: time(goZero), notAfter: time(new Date('9998-11-30T00:00:00Z')) }),
    );
    assert.equal(valid.status, 'valid');
    assert.equal(valid.certificate?.notBefore.toISOString(), '0001-01-01T00:00:00.000Z');
    const expired = check(now, 30, certificate({ notBefore: time(goZero), notAfter: time(goZero) }));
    // 739,943 days from 0001-01-01 to 2026-11-24 in the proleptic Gregorian calendar.
    assert.deepEqual(pick(expired), { status: 'expired', secondsRemaining: -63_931_075_200, daysRemaining: -739_943 });
    const early = certificate({
      notBefore: time(new Date('0099-06-15T12:00:00Z')),
      notAfter: time(new Date('0100-01-01T00:00:00Z')),
    });
    assert.equal(check(new Date('0099-06-15T11:59:59Z'), 30, early).status, 'not_yet_valid');
    assert.equal(check(new Date('0099-06-15T12:00:00Z'), 30, early).status, 'valid');
    assert.equal(check(new Date('0099-12-02T00:00:00Z'), 30, early).status, 'expiring');
    assert.equal(check(new Date('0100-01-01T00:00:01Z'), 30, early).status, 'expired');
  });

  it('returns the certificate and chain with every certificate status', () => {
    const e = evaluate(found(new TextEncoder().encode(pem(CERT) + pem(CERT))), 30, NOT_AFTER);
    assert.equal(e.certificate?.notAfter.getTime(), end);
    assert.equal(e.chain?.length, 1);
  });
});

function pick(e: Evaluation) {
  return { status: e.status, secondsRemaining: e.secondsRemaining, daysRemaining: e.daysRemaining };
}

describe('evaluate without a certificate', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('missing and unavailable come from the source', () => {
    assert.deepEqual(evaluate({ kind: 'missing' }, 30, now), { status: 'missing' });
    assert.deepEqual(evaluate({ kind: 'unavailable', reason: 'throttled\r\nFAKE LINE' }, 30, now), {
      status: 'unavailable',
      error: 'throttled  FAKE LINE',
    });
  });

  it('unreadable bytes are invalid with the reason, never a throw', () => {
    assert.deepEqual(evaluate(found(new Uint8Array(0)), 30, now), { status: 'invalid', error: 'empty input' });
    assert.deepEqual(evaluate(found(new Uint8Array(1024 * 1024 + 1)), 30, now), {
      status: 'invalid',
      error: 'input over 1 MiB',
    });
  });

  it('refuses a non-finite now or a bad threshold as programming errors', () => {
    assert.throws(() => evaluate({ kind: 'missing' }, 30, new Date(Number.NaN)), RangeError);
    assert.throws(() => evaluate({ kind: 'missing' }, -1, now), RangeError);
    assert.throws(() => evaluate({ kind: 'missing' }, Number.NaN, now), RangeError);
  });
});

const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'not_yet_valid', 'invalid'];
const REAL_DER = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/certs/leaf.der')));
const REAL_PEM = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/certs/chain.pem')));

/** Checks the invariants every evaluation of found bytes must keep. */
function assertWellFormed(e: Evaluation): void {
  assert.ok(STATUSES.includes(e.status), e.status);
  if (e.status === 'invalid') {
    assert.equal(typeof e.error, 'string');
    assert.ok((e.error ?? '').length > 0 && (e.error ?? '').length <= 160);
    assert.doesNotMatch(e.error ?? '', /[\u0000-\u001f]/);
    assert.equal(e.certificate, undefined);
  } else {
    const cert = e.certificate;
    assert.ok(cert);
    const hex = createHash('sha256').update(cert.der).digest('hex').toUpperCase();
    assert.equal(cert.fingerprintSha256.replaceAll(':', ''), hex);
    assert.ok(Number.isFinite(cert.notAfter.getTime()) && Number.isFinite(cert.notBefore.getTime()));
    assert.doesNotMatch(cert.subject + cert.issuer, /[\u0000-\u001f\u007f-\u009f]/);
  }
}

/** A valid input with some bytes overwritten, cut or inserted. */
function mutated(base: Uint8Array) {
  return fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((edits) => {
      let bytes = Uint8Array.from(base);
      for (const edit of edits) {
        const at = edit.at % (bytes.length + 1);
        if (edit.kind === 'set' && at < bytes.length) bytes[at] = edit.value;
        else if (edit.kind === 'cut') bytes = bytes.slice(0, at);
        else if (edit.kind === 'insert') {
          const next = new Uint8Array(bytes.length + 1);
          next.set(bytes.subarray(0, at));
          next[at] = edit.value;
          next.set(bytes.subarray(at), at + 1);
          bytes = next;
        }
      }
      return bytes;
    });
}

describe('evaluate never throws for any bytes (fast-check)', () => {
  const now = fc.date({
    min: new Date('0000-01-01T00:00:00Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });

  it('arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), now, (bytes, when) => {
        assertWellFormed(evaluate(found(bytes), 30, when));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary bytes that start like DER', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        const bytes = new Uint8Array(tail.length + 1);
        bytes[0] = 0x30;
        bytes.set(tail, 1);
        assertWellFormed(evaluate(found(bytes), 30, NOT_AFTER));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutations of a valid DER certificate', () => {
    fc.assert(
      fc.property(mutated(REAL_DER), now, (bytes, when) => {
        assertWellFormed(evaluate(found(bytes), 30, when));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutations of a valid PEM chain', () => {
    fc.assert(
      fc.property(mutated(REAL_PEM), (bytes) => {
        assertWellFormed(evaluate(found(bytes), 30, NOT_AFTER));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('evaluate applies the status table to certificates of any year 0000-9999 (fast-check)', () => {
  const instant = (min: string, max: string) =>
    fc.integer({ min: Date.parse(min) / 1000, max: Date.parse(max) / 1000 }).map((s) => s * 1000);
  const anyYear = instant('0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z');
  // Half the instants in years 0000-0199, where a reader mapping 0-99 to 1900-1999 goes wrong.
  const when = fc.oneof(anyYear, instant('0000-01-01T00:00:00Z', '0199-12-31T23:59:59Z'));

  it('status, secondsRemaining and daysRemaining follow from the encoded dates', () => {
    fc.assert(
      fc.property(when, when, when, fc.constantFrom(0, 30, 45, 36_500), (a, b, nowMs, days) => {
        const [notBefore, notAfter] = a <= b ? [a, b] : [b, a];
        const der = certificate({ notBefore: time(new Date(notBefore)), notAfter: time(new Date(notAfter)) });
        const e = evaluate(found(der), days, new Date(nowMs));
        const expected: Status =
          nowMs < notBefore
            ? 'not_yet_valid'
            : nowMs > notAfter
              ? 'expired'
              : notAfter - nowMs <= days * DAY
                ? 'expiring'
                : 'valid';
        const secondsRemaining = Math.floor((notAfter - nowMs) / 1000);
        assert.deepEqual(pick(e), {
          status: expected,
          secondsRemaining,
          daysRemaining: Math.floor(secondsRemaining / 86400),
        });
        assert.equal(e.certificate?.notBefore.getTime(), notBefore);
      }),
      { numRuns: 3000 },
    );
  });
});
