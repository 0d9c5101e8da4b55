/**
 * Interop with Debian's snmptrapd: every version and type the gateway sends, counted and read at the
 * receiver (the sender's callback is not proof: a v3 trap with the wrong engine ID "succeeds" too).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrapHostConfig } from '../../../gateway/config/trapHostConfig.ts';
import { SnmpTrapSender, SS_LOG_REFERENCE_OID } from '../../../gateway/snmp/snmpTrapSender.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../helpers/snmptrapd.ts';

const ENGINE = '8000000001020304';
const OID = '1.3.6.1.4.1.23629.1.5.2.2.6';
const common = { retries: 2, timeoutMs: 1000, backoff: 2, maxPerSecond: 0 };

let d: RunningSnmptrapd;
before(async () => {
  d = await startSnmptrapd({
    v3Users: [
      {
        name: 'trapuser',
        authProtocol: 'SHA-256',
        authKey: 'authpass123',
        privProtocol: 'AES',
        privKey: 'privpass123',
        engineId: ENGINE,
      },
      {
        name: 'informuser',
        authProtocol: 'SHA-512',
        authKey: 'authpass123',
        privProtocol: 'AES-256',
        privKey: 'privpass456',
      },
    ],
  });
});
after(() => d.stop());

function host(label: string, extra: Partial<TrapHostConfig>): TrapHostConfig {
  return {
    label,
    host: '127.0.0.1',
    port: d.port,
    version: '2c',
    type: 'trap',
    community: 'public',
    ...common,
    ...extra,
  };
}

const v3trap = (): Partial<TrapHostConfig> => ({
  version: '3',
  engineId: ENGINE,
  user: {
    name: 'trapuser',
    level: 'authPriv',
    authProtocol: 'sha256',
    authKey: 'authpass123',
    privProtocol: 'aes',
    privKey: 'privpass123',
  },
});

/** Lines received whose ssLogReference ends with `tag`. */
async function receivedWith(tag: string, n = 1): Promise<string[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const got = d.lines().filter((l) => l.includes(`${tag}"`));
    if (got.length >= n || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ref = (tag: string) => `[hsm01:10.0.0.5 / lunalogs / 2027 Jul  6 05:04:03 / certmonitord[4242] / 1] ${tag}`;

describe('SnmpTrapSender against snmptrapd', () => {
  it('sends an SNMPv1 trap: enterprise ssTraps, generic 6, specific 6, agent-addr, varbind without .0', async () => {
    const s = new SnmpTrapSender([host('v1', { version: '1' })], OID);
    assert.deepEqual(await s.send('v1', { reference: ref('v1'), agentAddr: '10.0.0.5' }), { ok: true });
    s.close();
    const [line] = await receivedWith('v1');
    assert.equal(
      line,
      `V1|0|.1.3.6.1.4.1.23629.1.5.2.2|6|.6|10.0.0.5|public|.${SS_LOG_REFERENCE_OID} = STRING: "${ref('v1')}"`,
    );
  });

  it('sends a v2c trap and a v2c inform with snmpTrapOID ntlsAttentionNotify', async () => {
    const s = new SnmpTrapSender([host('t', {}), host('i', { type: 'inform' })], OID);
    assert.deepEqual(await s.send('t', { reference: ref('v2t') }), { ok: true });
    assert.deepEqual(await s.send('i', { reference: ref('v2i') }), { ok: true });
    s.close();
    for (const tag of ['v2t', 'v2i']) {
      const [line] = await receivedWith(tag);
      assert.ok(line, `no ${tag} received`);
      const parts = line.split('|');
      assert.equal(parts[0], 'V2');
      assert.equal(parts[1], '1');
      const varbinds = parts.slice(3).join('|').split('~~');
      assert.match(varbinds[0]!, /^\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: /);
      assert.equal(varbinds[1], `.1.3.6.1.6.3.1.1.4.1.0 = OID: .${OID}`);
      assert.equal(varbinds[2], `.${SS_LOG_REFERENCE_OID} = STRING: "${ref(tag)}"`);
      assert.equal(varbinds.length, 3);
    }
  });

  it('sends a v3 authPriv SHA-256/AES trap with the configured engine ID', async () => {
    const s = new SnmpTrapSender([host('v3t', v3trap())], OID);
    assert.deepEqual(await s.send('v3t', { reference: ref('v3t') }), { ok: true });
    s.close();
    const [line] = await receivedWith('v3t');
    assert.ok(line?.startsWith('V2|3|trapuser|'), 'v3 trap not received');
  });

  it('a v3 trap from another engine ID is dropped by the receiver although the sender reports success', async () => {
    const s = new SnmpTrapSender([host('wrong', { ...v3trap(), engineId: '8000000009090909' })], OID);
    assert.deepEqual(await s.send('wrong', { reference: ref('v3wrong') }), { ok: true });
    s.close();
    // Use a correct trap as a fence: once it arrived, the wrong one would have too.
    const fence = new SnmpTrapSender([host('v3t', v3trap())], OID);
    await fence.send('v3t', { reference: ref('fence') });
    fence.close();
    await receivedWith('fence');
    assert.equal(d.lines().filter((l) => l.includes('v3wrong')).length, 0);
  });

  it('acknowledges several v3 informs (SHA-512/AES-256) over one session', async () => {
    const s = new SnmpTrapSender(
      [
        host('v3i', {
          version: '3',
          type: 'inform',
          user: {
            name: 'informuser',
            level: 'authPriv',
            authProtocol: 'sha512',
            authKey: 'authpass123',
            privProtocol: 'aes256b',
            privKey: 'privpass456',
          },
        }),
      ],
      OID,
    );
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await s.send('v3i', { reference: ref(`v3i-${i}`) }));
    s.close();
    assert.deepEqual(results, Array(5).fill({ ok: true }));
    for (let i = 0; i < 5; i++) assert.equal((await receivedWith(`v3i-${i}`)).length, 1);
  });

  it('reports an unanswered inform as failed after its retries', async () => {
    const s = new SnmpTrapSender([host('dead', { type: 'inform', port: 9, retries: 1, timeoutMs: 100 })], OID);
    const r = await s.send('dead', { reference: ref('dead') });
    s.close();
    assert.equal(r.ok, false);
    assert.ok(r.error && r.error.length > 0);
  });

  it('never contacts a host marked not properly configured', async () => {
    const s = new SnmpTrapSender([host('bad', { ...v3trap(), problem: 'invalid engine ID' })], OID);
    assert.deepEqual(s.hostLabels, []);
    assert.equal((await s.send('bad', { reference: ref('bad') })).ok, false);
    s.close();
  });
});
