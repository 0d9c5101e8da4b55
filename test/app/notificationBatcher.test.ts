import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotificationBatcher } from '../../app/notificationBatcher.ts';
import type { DeliveryResult, NotificationForwarder } from '../../app/ports.ts';
import type { Notification } from '../../protocol/notification.ts';

const note = (id: string): Notification => ({ id, appliance: 'hsm01', event: 'expiring' }) as unknown as Notification;

describe('NotificationBatcher', () => {
  test("each appliance gets its own notifications' results by id, whatever order the answer has", async () => {
    const forwarder: NotificationForwarder = {
      description: 'reversed, one missing',
      forward: async (batch) =>
        batch
          .filter((n) => n.id !== 'b2')
          .map((n): DeliveryResult => ({ id: n.id, delivered: true, traps: [] }))
          .reverse(),
    };
    const batcher = new NotificationBatcher(forwarder, { maxBatch: 10 });
    const seen = new Map<string, ReadonlyMap<string, DeliveryResult>>();
    await batcher.add([note('a1')], async (results) => void seen.set('a', results));
    await batcher.add([note('b1'), note('b2')], async (results) => void seen.set('b', results));
    await batcher.drain();
    assert.deepEqual([...(seen.get('a')?.keys() ?? [])], ['a1']);
    assert.deepEqual([...(seen.get('b')?.keys() ?? [])], ['b1', 'b2']);
    assert.equal(seen.get('b')?.get('b1')?.delivered, true);
    // A notification the answer left out is not delivered, and says why.
    assert.deepEqual(seen.get('b')?.get('b2'), {
      id: 'b2',
      delivered: false,
      traps: [],
      error: 'no result from the gateway',
    });
  });

  test('a coded gateway failure reaches the failure listener with its code, once per reason', async () => {
    const reason =
      'gateway certificate not trusted: use --ca-file (…) for the CA of https://gw (DEPTH_ZERO_SELF_SIGNED_CERT)';
    const forwarder: NotificationForwarder = {
      description: 'untrusted',
      forward: async (batch) =>
        batch.map(
          (n): DeliveryResult => ({
            id: n.id,
            delivered: false,
            traps: [],
            error: reason,
            errorCode: 'CM_ERR_GATEWAY_UNTRUSTED',
            gateway: 'https://gw',
          }),
        ),
    };
    const failures: unknown[][] = [];
    const batcher = new NotificationBatcher(forwarder, { onGatewayFailure: (...args) => void failures.push(args) });
    await batcher.add([note('a1'), note('a2')], async () => {});
    await batcher.drain();
    assert.deepEqual(failures, [[reason, 2, 'https://gw', 'CM_ERR_GATEWAY_UNTRUSTED']]);
  });

  test('an appliance with nothing to send completes at once, with no results', async () => {
    const batcher = new NotificationBatcher({ description: 'unused', forward: async () => [] });
    let size = -1;
    await batcher.add([], async (results) => {
      size = results.size;
    });
    assert.equal(size, 0);
  });
});
