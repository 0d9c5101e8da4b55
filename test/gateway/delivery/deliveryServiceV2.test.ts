/**
 * The delivery service with notifications of the newer kinds and real receivers: each host is sent the
 * kind's own trap once, a host that failed is retried alone with `eventTrapFailed` / `eventTrapSent`
 * lines, and an accepted one resumes from the journal after a restart with every field it came with.
 */
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
import type { NotificationV2 } from '../../../protocol/notificationV2.ts';
import { informHost } from '../../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../helpers/snmptrapd.ts';

const NTLS_OID = '1.3.6.1.4.1.23629.1.5.2.2.6';
const UNTRUSTED_OID = '1.3.6.1.4.1.99999.3.4';
const FP = Array.from({ length: 32 }, () => '5A').join(':');
let dir: string;
let a: RunningSnmptrapd;
let b: RunningSnmptrapd;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-delivery-v2-'));
  a = await startSnmptrapd();
  b = await startSnmptrapd();
});
after(async () => {
  await a.stop();
  await b.stop();
  rmSync(dir, { recursive: true, force: true });
});

const untrusted = (id: string, assertion = true): NotificationV2 => ({
  id,
  appliance: 'hsm07',
  address: '10.0.0.7',
  client: 'app01',
  event: 'untrusted',
  assert: assertion,
  fingerprintSha256: FP,
  observedAt: '2026-11-24T12:00:00Z',
});

function service(journal: DeliveryJournal, hosts: TrapHostConfig[], lines: string[]) {
  const sender = new SnmpTrapSender(hosts, NTLS_OID);
  const syslog = new SyslogWriter([], 'gw', 1, (l) => lines.push(l));
  // Lines about appliances and clients go to the sinks only: capture each as it is handed to them.
  const appliance = syslog.appliance.bind(syslog);
  syslog.appliance = (host, key, params, sev) => {
    lines.push(`${host} ${key}${sev ? ` ${sev}` : ''} ${JSON.stringify(params)}`);
    return appliance(host, key, params, sev);
  };
  const events = { untrusted: { oid: UNTRUSTED_OID } };
  return { svc: new DeliveryService({ journal, sender, syslog, trapOnProblems: false, events, pid: 99 }), sender };
}

describe('DeliveryService with the newer kinds', () => {
  it("sends the kind's own trap, retries only the host that failed, and never writes the event line twice", async () => {
    const journal = DeliveryJournal.open(join(dir, 'j1'), 86_400_000, Date.now());
    const lines: string[] = [];
    const first = service(journal, [informHost('A', a.port), informHost('B', 9)], lines);
    const [r1] = await first.svc.handleBatch([untrusted('u1')]);
    first.sender.close();
    assert.deepEqual(r1!.traps[0], { host: 'A', ok: true });
    assert.equal(r1!.traps[1]!.ok, false);
    const second = service(journal, [informHost('A', a.port), informHost('B', b.port)], lines);
    const [r2] = await second.svc.handleBatch([untrusted('u1')]);
    second.sender.close();
    assert.deepEqual(r2!.traps, [
      { host: 'A', ok: true },
      { host: 'B', ok: true },
    ]);
    assert.deepEqual(lines, [
      `app01 untrusted {"client":"app01","appliance":"hsm07","fingerprint":"${FP}"}`,
      'app01 eventTrapSent {"kind":"untrusted","host":"A"}',
      'app01 eventTrapFailed {"kind":"untrusted","host":"B"}',
      'app01 eventTrapSent {"kind":"untrusted","host":"B"}',
    ]);
    const [trapA] = await a.waitFor(1);
    const [trapB] = await b.waitFor(1);
    for (const trap of [trapA!, trapB!]) {
      assert.ok(trap.includes(`.1.3.6.1.6.3.1.1.4.1.0 = OID: .${UNTRUSTED_OID}~~`), trap);
      assert.ok(trap.includes(`.${UNTRUSTED_OID}.1 = STRING: "hsm07"`), trap);
      assert.ok(trap.includes(`.${UNTRUSTED_OID}.6 = INTEGER: 1`), trap);
      assert.ok(
        trap.includes(
          `.${UNTRUSTED_OID}.7 = STRING: "[hsm07:10.0.0.7 / lunalogs / 2026 Nov 24 12:00:00 / certmonitord[99] / 1]"`,
        ),
        trap,
      );
      assert.ok(trap.includes(`.${UNTRUSTED_OID}.8 = STRING: "app01"`), trap);
    }
    journal.close();
  });

  it('resumes an accepted /v2 notification after a restart, clearing with flag 0', async () => {
    const path = join(dir, 'j2');
    const crashed = DeliveryJournal.open(path, 86_400_000, Date.now());
    crashed.accept([untrusted('u2', false)], Date.now());
    crashed.close();
    const journal = DeliveryJournal.open(path, 86_400_000, Date.now());
    const before = a.lines().length;
    const lines: string[] = [];
    const restarted = service(journal, [informHost('A', a.port)], lines);
    const [r] = await restarted.svc.resumePending();
    restarted.sender.close();
    assert.deepEqual(r!.traps, [{ host: 'A', ok: true }]);
    assert.equal(lines[0], `app01 trusted {"client":"app01","appliance":"hsm07","fingerprint":"${FP}"}`);
    const traps = await a.waitFor(before + 1);
    assert.ok(traps.at(-1)!.includes(`.${UNTRUSTED_OID}.6 = INTEGER: 0`), traps.at(-1)!);
    journal.close();
  });
});
