/** Idempotency across hosts with real receivers: a host that failed is retried alone, successes never repeat. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrapHostConfig } from '../../../gateway/config/trapHostConfig.ts';
import { DeliveryJournal } from '../../../gateway/delivery/deliveryJournal.ts';
import { DeliveryService } from '../../../gateway/delivery/deliveryService.ts';
import { SnmpTrapSender } from '../../../gateway/snmp/snmpTrapSender.ts';
import { SyslogWriter } from '../../../gateway/syslog/syslogWriter.ts';
import type { Notification } from '../../../protocol/notification.ts';
import { informHost } from '../../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../helpers/snmptrapd.ts';

const OID = '1.3.6.1.4.1.23629.1.5.2.2.6';
let dir: string;
let a: RunningSnmptrapd;
let b: RunningSnmptrapd;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-delivery-'));
  a = await startSnmptrapd();
  b = await startSnmptrapd();
});
after(async () => {
  await a.stop();
  await b.stop();
  rmSync(dir, { recursive: true, force: true });
});

const note = (id: string, event: Notification['event'] = 'expired'): Notification => ({
  id,
  appliance: 'hsm07',
  address: '10.0.0.7',
  event,
  notAfter: '2026-01-01T00:00:00Z',
  observedAt: '2026-11-24T12:00:00Z',
});

function service(journal: DeliveryJournal, hosts: TrapHostConfig[], lines: string[], trapOnProblems = false) {
  const sender = new SnmpTrapSender(hosts, OID);
  const syslog = new SyslogWriter([], 'gw', 1, (l) => lines.push(l));
  return { svc: new DeliveryService({ journal, sender, syslog, trapOnProblems, pid: 99 }), sender };
}

describe('DeliveryService', () => {
  it('retries only the host that failed when the same id comes again', async () => {
    const journal = DeliveryJournal.open(join(dir, 'j1'), 86_400_000, Date.now());
    const first = service(journal, [informHost('A', a.port), informHost('B', 9)], []);
    const [r1] = await first.svc.handleBatch([note('n1')]);
    first.sender.close();
    assert.equal(r1!.duplicate, false);
    assert.deepEqual(r1!.traps[0], { host: 'A', ok: true });
    assert.equal(r1!.traps[1]!.host, 'B');
    assert.equal(r1!.traps[1]!.ok, false);
    assert.equal(a.lines().length, 1);

    // Host B comes back (same label, now reachable): only B receives the retry.
    const second = service(journal, [informHost('A', a.port), informHost('B', b.port)], []);
    const [r2] = await second.svc.handleBatch([note('n1')]);
    assert.deepEqual(r2, {
      id: 'n1',
      duplicate: true,
      traps: [
        { host: 'A', ok: true },
        { host: 'B', ok: true },
      ],
      syslog: 'ok',
    });
    const [r3] = await second.svc.handleBatch([note('n1')]);
    assert.equal(r3!.duplicate, true);
    second.sender.close();
    assert.equal(a.lines().length, 1);
    assert.equal((await b.waitFor(1)).length, 1);
    assert.match(
      b.lines()[0]!,
      /\[hsm07:10\.0\.0\.7 \/ lunalogs \/ 2026 Nov 24 12:00:00 \/ certmonitord\[99\] \/ 1\]"$/,
    );
    journal.close();
  });

  it('sends nothing for missing/invalid/not_yet_valid unless trapOnProblems, then flag 1', async () => {
    const journal = DeliveryJournal.open(join(dir, 'j2'), 86_400_000, Date.now());
    const before = a.lines().length;
    const off = service(journal, [informHost('A', a.port)], []);
    const results = await off.svc.handleBatch([
      note('m1', 'missing'),
      note('i1', 'invalid'),
      note('y1', 'not_yet_valid'),
    ]);
    off.sender.close();
    assert.deepEqual(
      results.map((r) => r.traps),
      [[], [], []],
    );
    assert.equal(a.lines().length, before);
    const on = service(journal, [informHost('A', a.port)], [], true);
    const [r] = await on.svc.handleBatch([note('m2', 'missing')]);
    on.sender.close();
    assert.deepEqual(r!.traps, [{ host: 'A', ok: true }]);
    const lines = await a.waitFor(before + 1);
    assert.ok(lines.at(-1)!.endsWith('/ 1]"'));
    journal.close();
  });

  it('clears with flag 0 for a renewed certificate, and handles an id twice in one batch once', async () => {
    const journal = DeliveryJournal.open(join(dir, 'j3'), 86_400_000, Date.now());
    const before = a.lines().length;
    const s = service(journal, [informHost('A', a.port)], []);
    const results = await s.svc.handleBatch([note('r1', 'renewed'), note('r1', 'renewed')]);
    s.sender.close();
    assert.equal(results.length, 2);
    assert.equal(results[0]!.duplicate, false);
    assert.equal(results[1]!.duplicate, true);
    const lines = await a.waitFor(before + 1);
    assert.equal(lines.length, before + 1);
    assert.ok(lines.at(-1)!.endsWith('/ 0]"'));
    journal.close();
  });

  it('makes every host outcome durable (fsync) before it answers', async () => {
    const journal = DeliveryJournal.open(join(dir, 'j-sync'), 86_400_000, Date.now());
    const events: string[] = [];
    const realSync = journal.sync.bind(journal);
    const realRecordHost = journal.recordHost.bind(journal);
    journal.sync = () => {
      events.push('sync');
      realSync();
    };
    journal.recordHost = (...args: Parameters<typeof journal.recordHost>) => {
      events.push('host');
      realRecordHost(...args);
    };
    const { svc, sender } = service(journal, [informHost('A', a.port)], []);
    await svc.handleBatch([note('durable-1')]);
    sender.close();
    assert.equal(events.at(-1), 'sync', `the last journal operation before the answer is an fsync: ${events}`);
    assert.ok(events.includes('host'));
  });
});
