import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientForwarding } from '../../app/clientForwarding.ts';
import { GatewayTooOldTally } from '../../app/gatewayTooOldTally.ts';
import type { DeliveryResult, NotificationForwarder } from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';

const untrusted = (id: string): NotificationV2 => ({
  id,
  client: 'app01',
  appliance: 'hsm01',
  address: '0.0.0.0',
  event: 'untrusted',
  observedAt: '2026-11-24T12:00:00Z',
});

describe('ClientForwarding', () => {
  it('says once per run that a gateway without /v2 is too old, and never counts those as delivered', async () => {
    const lines: LogEntry[] = [];
    const forwarder: NotificationForwarder = {
      description: 'https://gw.example/',
      forward: async (batch): Promise<DeliveryResult[]> =>
        batch.map((n) => ({
          id: n.id,
          delivered: false,
          traps: [],
          gateway: 'https://gw.example/',
          gatewayTooOld: true,
          error: 'HTTP 404',
        })),
    };
    const log = { write: (e: LogEntry) => void lines.push(e) };
    const tooOld = new GatewayTooOldTally();
    const forwarding = new ClientForwarding(forwarder, log, false, tooOld);
    assert.equal((await forwarding.send([untrusted('a')], 'app01')).size, 0);
    assert.equal((await forwarding.send([untrusted('b')], 'app02')).size, 0);
    tooOld.flush(log);
    assert.deepEqual(
      lines.map((l) => l.key),
      ['gatewayTooOld'],
    );
    assert.match(lines[0]?.text ?? '', /does not accept 2 certificate notification\(s\)/);
  });

  it('only says what is due in a what-if run', async () => {
    const lines: LogEntry[] = [];
    const forwarding = new ClientForwarding(
      undefined,
      { write: (e) => void lines.push(e) },
      true,
      new GatewayTooOldTally(),
    );
    assert.equal((await forwarding.send([untrusted('c')], 'app01')).size, 0);
    assert.deepEqual(
      lines.map((l) => l.key),
      ['notificationDue'],
    );
  });
});
