import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InformTimeoutError,
  type InformTransmit,
  informBudgetMs,
  sendInform,
} from '../../../gateway/snmp/sendInform.ts';

/** net-snmp's own timeout of one request. */
function netSnmpTimeout(): Error {
  const error = new Error('Request timed out');
  error.name = 'RequestTimedOutError';
  return error;
}

/** A transmit that records each send's callback and answers none of them by itself. */
function silentReceiver() {
  const sends: Array<(error: Error | null) => void> = [];
  const transmit: InformTransmit = (done) => void sends.push(done);
  return { sends, transmit };
}

describe('sendInform (the gateway re-sends an unacknowledged inform)', () => {
  it('re-sends up to `retries` times, counting each re-send, then fails as timed out', async () => {
    const { sends, transmit } = silentReceiver();
    let retries = 0;
    const error = await sendInform(transmit, { retries: 2, timeoutMs: 10, backoff: 1 }, () => retries++);
    assert.equal(sends.length, 3, 'the first send and two re-sends');
    assert.equal(retries, 2);
    assert.ok(error instanceof InformTimeoutError);
    assert.equal(error.message, 'Request timed out');
  });

  it('sends once and counts nothing with retries 0', async () => {
    const { sends, transmit } = silentReceiver();
    let retries = 0;
    const error = await sendInform(transmit, { retries: 0, timeoutMs: 10, backoff: 2 }, () => retries++);
    assert.equal(sends.length, 1);
    assert.equal(retries, 0);
    assert.ok(error instanceof InformTimeoutError);
  });

  it('settles at the first acknowledgement, of whichever attempt, and sends no more', async () => {
    const { sends, transmit } = silentReceiver();
    let retries = 0;
    const pending = sendInform(
      (done) => {
        transmit(done);
        // The second send is acknowledged; then the first one's late acknowledgement arrives too.
        if (sends.length === 2) {
          setImmediate(() => {
            sends[1]?.(null);
            sends[0]?.(null);
          });
        }
      },
      { retries: 5, timeoutMs: 10, backoff: 1 },
      () => retries++,
    );
    assert.equal(await pending, null);
    assert.equal(sends.length, 2);
    assert.equal(retries, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sends.length, 2, 'no re-send after the acknowledgement');
  });

  it('takes a late acknowledgement of an earlier attempt as the answer', async () => {
    const { sends, transmit } = silentReceiver();
    const pending = sendInform(
      (done) => {
        transmit(done);
        if (sends.length === 2) setImmediate(() => sends[0]?.(null));
      },
      { retries: 3, timeoutMs: 10, backoff: 1 },
      () => undefined,
    );
    assert.equal(await pending, null);
  });

  it('ends at an answer that is an error (a refusal, a socket error) without re-sending', async () => {
    const refused = new Error('Not In Time Window');
    refused.name = 'ResponseInvalidError';
    let sends = 0;
    let retries = 0;
    const error = await sendInform(
      (done) => {
        sends++;
        setImmediate(() => done(refused));
      },
      { retries: 3, timeoutMs: 1000, backoff: 2 },
      () => retries++,
    );
    assert.equal(error, refused);
    assert.equal(sends, 1);
    assert.equal(retries, 0);
  });

  it("leaves the schedule to its own timers: net-snmp's timeout of one attempt is no answer", async () => {
    let sends = 0;
    let retries = 0;
    const error = await sendInform(
      (done) => {
        sends++;
        setImmediate(() => done(netSnmpTimeout()));
      },
      { retries: 1, timeoutMs: 10, backoff: 1 },
      () => retries++,
    );
    assert.equal(sends, 2);
    assert.equal(retries, 1);
    assert.ok(error instanceof InformTimeoutError);
  });

  it('turns a send that throws into its error', async () => {
    const error = await sendInform(
      () => {
        throw new Error('socket closed');
      },
      { retries: 2, timeoutMs: 10, backoff: 1 },
      () => undefined,
    );
    assert.equal(error?.message, 'socket closed');
  });

  it('budgets the whole schedule: timeoutMs, then each re-send waiting backoff times longer', () => {
    assert.equal(informBudgetMs({ retries: 0, timeoutMs: 2000, backoff: 2 }), 2000);
    assert.equal(informBudgetMs({ retries: 3, timeoutMs: 2000, backoff: 2 }), 2000 + 4000 + 8000 + 16000);
    assert.equal(informBudgetMs({ retries: 2, timeoutMs: 1000, backoff: 1 }), 3000);
    // The longest schedule the configuration allows stays a delay a timer can take.
    assert.equal(informBudgetMs({ retries: 20, timeoutMs: 120_000, backoff: 10 }), 2_147_483_647);
  });
});
