/**
 * Interop with Debian's snmptrapd: every version and type the gateway sends, counted and read at the
 * receiver (the sender's callback is not proof: a v3 trap with the wrong engine ID "succeeds" too).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1TrapHost, V2cTrapHost, V3TrapHost } from '../../../gateway/config/trapHostConfig.ts';
import { SS_LOG_REFERENCE_OID } from '../../../gateway/snmp/notificationVarbinds.ts';
import { SnmpTrapSender } from '../../../gateway/snmp/snmpTrapSender.ts';
import { startLossyUdpRelay } from '../../helpers/lossyUdpRelay.ts';
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

/** What every host of these tests shares: the receiver's address and the retry settings. */
const at = (label: string) => ({ label, host: '127.0.0.1', port: d.port, ...common });

const v1 = (label: string): V1TrapHost => ({ ...at(label), version: '1', type: 'trap', community: 'public' });

const v2c = (label: string, extra: Partial<V2cTrapHost> = {}): V2cTrapHost => ({
  ...at(label),
  version: '2c',
  type: 'trap',
  community: 'public',
  ...extra,
});

const v3trap = (label: string, extra: Partial<V3TrapHost> = {}): V3TrapHost => ({
  ...at(label),
  version: '3',
  type: 'trap',
  engineId: ENGINE,
  user: {
    name: 'trapuser',
    level: 'authPriv',
    authProtocol: 'sha256',
    authKey: 'authpass123',
    privProtocol: 'aes',
    privKey: 'privpass123',
  },
  ...extra,
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
    const s = new SnmpTrapSender([v1('v1')], OID);
    assert.deepEqual(await s.send('v1', { reference: ref('v1'), agentAddr: '10.0.0.5' }), { ok: true });
    s.close();
    const [line] = await receivedWith('v1');
    assert.equal(
      line,
      `V1|0|.1.3.6.1.4.1.23629.1.5.2.2|6|.6|10.0.0.5|public|.${SS_LOG_REFERENCE_OID} = STRING: "${ref('v1')}"`,
    );
  });

  it('sends a v2c trap and a v2c inform with snmpTrapOID ntlsAttentionNotify', async () => {
    const s = new SnmpTrapSender([v2c('t'), v2c('i', { type: 'inform' })], OID);
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
    const s = new SnmpTrapSender([v3trap('v3t')], OID);
    assert.deepEqual(await s.send('v3t', { reference: ref('v3t') }), { ok: true });
    s.close();
    const [line] = await receivedWith('v3t');
    assert.ok(line?.startsWith('V2|3|trapuser|'), 'v3 trap not received');
  });

  it('a v3 trap from another engine ID is dropped by the receiver although the sender reports success', async () => {
    const s = new SnmpTrapSender([v3trap('wrong', { engineId: '8000000009090909' })], OID);
    assert.deepEqual(await s.send('wrong', { reference: ref('v3wrong') }), { ok: true });
    s.close();
    // Use a correct trap as a fence: once it arrived, the wrong one would have too.
    const fence = new SnmpTrapSender([v3trap('v3t')], OID);
    await fence.send('v3t', { reference: ref('fence') });
    fence.close();
    // The fence must have arrived, or the count below would pass with a receiver that got nothing.
    assert.equal((await receivedWith('fence')).length, 1);
    assert.equal(d.lines().filter((l) => l.includes('v3wrong')).length, 0);
  });

  it('acknowledges several v3 informs (SHA-512/AES-256) over one session', async () => {
    const s = new SnmpTrapSender(
      [
        {
          ...at('v3i'),
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
        },
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
    const s = new SnmpTrapSender([v2c('dead', { type: 'inform', port: 9, retries: 1, timeoutMs: 100 })], OID);
    const r = await s.send('dead', { reference: ref('dead') });
    s.close();
    assert.equal(r.ok, false);
    assert.ok(r.error && r.error.length > 0);
  });

  it('re-sends an inform the receiver never got, itself, and counts the re-send', async () => {
    // The first inform is lost on the way; the re-send reaches the receiver and is acknowledged.
    const relay = await startLossyUdpRelay(d.port, 1);
    const retries: string[] = [];
    const observer = { trap: () => undefined, informRetry: (h: string) => void retries.push(h) };
    const s = new SnmpTrapSender(
      [v2c('lossy', { type: 'inform', port: relay.port, retries: 2, timeoutMs: 300 })],
      OID,
      256,
      {
        observer,
      },
    );
    try {
      assert.deepEqual(await s.send('lossy', { reference: ref('lost-once') }), { ok: true });
    } finally {
      s.close();
      await relay.close();
    }
    assert.deepEqual(retries, ['lossy']);
    assert.equal(relay.fromSenders, 2, 'the first send and one re-send, nothing from the library itself');
    assert.equal((await receivedWith('lost-once')).length, 1);
  });

  it('sends an unanswered inform 1 + retries times, all of them the gateway’s: the library re-sends nothing', async () => {
    const relay = await startLossyUdpRelay(d.port, Number.POSITIVE_INFINITY);
    let retries = 0;
    const observer = { trap: () => undefined, informRetry: () => void retries++ };
    const host = v2c('lost', { type: 'inform', port: relay.port, retries: 1, timeoutMs: 100, backoff: 2 });
    const s = new SnmpTrapSender([host], OID, 256, { observer });
    try {
      assert.deepEqual(await s.send('lost', { reference: ref('lost') }), { ok: false, error: 'Request timed out' });
      // The session stays open for longer than its requests wait: a re-send by the library would show now.
      await new Promise((resolve) => setTimeout(resolve, 600));
    } finally {
      s.close();
      await relay.close();
    }
    assert.equal(relay.fromSenders, 2);
    assert.equal(retries, 1);
  });

  it('never contacts a host marked not properly configured', async () => {
    const s = new SnmpTrapSender([v3trap('bad', { problem: 'invalid engine ID' })], OID);
    assert.deepEqual(s.hostLabels, []);
    assert.equal((await s.send('bad', { reference: ref('bad') })).ok, false);
    s.close();
  });
});

/**
 * Long-lived sessions against a receiver that restarts. For informs the receiver is the authoritative
 * engine and a session caches its engine ID, engineBoots and engineTime; for traps the gateway is.
 */
describe('SnmpTrapSender when the receiver or the gateway restarts', () => {
  const RECEIVER_ENGINE = '80001f88801122334455667788';
  let r: RunningSnmptrapd;
  before(async () => {
    // As after four earlier starts: a session learns engineBoots 5.
    r = await startSnmptrapd({
      v3Users: [
        {
          name: 'informuser',
          authProtocol: 'SHA-256',
          authKey: 'authpass123',
          privProtocol: 'AES',
          privKey: 'privpass456',
        },
        {
          name: 'trapuser',
          authProtocol: 'SHA-256',
          authKey: 'authpass123',
          privProtocol: 'AES',
          privKey: 'privpass123',
          engineId: ENGINE,
        },
      ],
      persistentEngine: { engineId: RECEIVER_ENGINE, engineBoots: 4 },
    });
  });
  after(() => r.stop());

  const informHost = (extra: Partial<V3TrapHost> = {}): V3TrapHost => ({
    label: 'rcv',
    host: '127.0.0.1',
    port: r.port,
    version: '3',
    type: 'inform',
    user: {
      name: 'informuser',
      level: 'authPriv',
      authProtocol: 'sha256',
      authKey: 'authpass123',
      privProtocol: 'aes',
      privKey: 'privpass456',
    },
    ...common,
    ...extra,
  });
  /** How many notifications ending with `tag` the receiver logged (waiting up to 5 s for the first). */
  const countAt = async (tag: string): Promise<number> => {
    const count = () => r.lines().filter((l) => l.includes(`${tag}"`)).length;
    const until = Date.now() + 5000;
    while (count() === 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 25));
    return count();
  };

  it('follows a v3 inform receiver that restarted keeping its engine (engineBoots + 1)', async () => {
    const s = new SnmpTrapSender([informHost()], OID);
    try {
      assert.deepEqual(await s.send('rcv', { reference: ref('kept-1') }), { ok: true });
      await r.restart();
      assert.deepEqual(await s.send('rcv', { reference: ref('kept-2') }), { ok: true });
    } finally {
      s.close();
    }
    assert.equal(await countAt('kept-1'), 1);
    assert.equal(await countAt('kept-2'), 1);
  });

  it('re-discovers a v3 inform receiver that came back as a new engine, within the same send', async () => {
    const notices: string[] = [];
    const s = new SnmpTrapSender([informHost()], OID, 256, { notice: (line) => notices.push(line) });
    try {
      assert.deepEqual(await s.send('rcv', { reference: ref('new-1') }), { ok: true });
      // Reinstalled, or its persistent state lost: a new engine ID and engineBoots 1, below the boots the
      // session learned (as is an engineTime more than 150 s behind the session's notion, after a restart
      // of a receiver that keeps no state). Without re-discovery every later inform fails "outside the
      // time window" until the gateway restarts.
      await r.restart({ forgetEngine: true });
      assert.deepEqual(await s.send('rcv', { reference: ref('new-2') }), { ok: true });
      assert.deepEqual(await s.send('rcv', { reference: ref('new-3') }), { ok: true });
    } finally {
      s.close();
    }
    for (const tag of ['new-1', 'new-2', 'new-3']) assert.equal(await countAt(tag), 1, `${tag} must arrive once`);
    assert.equal(notices.length, 1, notices.join('\n'));
    assert.match(notices[0]!, /^trap host rcv: SNMPv3 engine re-discovered \(.*time window.*\)$/);
  });

  it('re-discovers once for a burst of informs in flight when the receiver came back as a new engine', async () => {
    const notices: string[] = [];
    const s = new SnmpTrapSender([informHost()], OID, 256, { notice: (line) => notices.push(line) });
    const tags = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    try {
      assert.deepEqual(await s.send('rcv', { reference: ref('burst-first') }), { ok: true });
      // The session learns engineBoots 2 of the receiver (whatever engine the tests before left), then
      // the receiver loses its state: a new engine with engineBoots 1.
      await r.restart();
      assert.deepEqual(await s.send('rcv', { reference: ref('burst-second') }), { ok: true });
      await r.restart({ forgetEngine: true });
      const results = await Promise.all(tags.map((tag) => s.send('rcv', { reference: ref(tag) })));
      assert.deepEqual(results, Array(20).fill({ ok: true }));
    } finally {
      s.close();
    }
    for (const tag of tags) assert.equal(await countAt(tag), 1, `${tag} must arrive once`);
    assert.equal(notices.length, 1, notices.join('\n'));
  });

  it('v3 traps reach the receiver after a gateway restart and after a receiver restart', async () => {
    const trapHost: V3TrapHost = {
      label: 'rcvtrap',
      host: '127.0.0.1',
      port: r.port,
      version: '3',
      type: 'trap',
      engineId: ENGINE,
      user: {
        name: 'trapuser',
        level: 'authPriv',
        authProtocol: 'sha256',
        authKey: 'authpass123',
        privProtocol: 'aes',
        privKey: 'privpass123',
      },
      ...common,
    };
    // The gateway is the authoritative engine here; net-snmp sends engineBoots 0 / engineTime 0 in every
    // trap, which a receiver accepts again after the gateway restarts (a fresh session, the same engine ID).
    const first = new SnmpTrapSender([trapHost], OID);
    assert.deepEqual(await first.send('rcvtrap', { reference: ref('gwtrap-1') }), { ok: true });
    assert.equal(await countAt('gwtrap-1'), 1);
    first.close();
    const second = new SnmpTrapSender([trapHost], OID);
    try {
      assert.deepEqual(await second.send('rcvtrap', { reference: ref('gwtrap-2') }), { ok: true });
      assert.equal(await countAt('gwtrap-2'), 1);
      await r.restart({ forgetEngine: true });
      assert.deepEqual(await second.send('rcvtrap', { reference: ref('gwtrap-3') }), { ok: true });
      assert.equal(await countAt('gwtrap-3'), 1);
    } finally {
      second.close();
    }
  });

  it('re-discovers at most once per send and reports the final error', async () => {
    // A receiver whose engineBoots latched at its maximum answers every authenticated message "not in
    // time window" (RFC 3414 section 2.2.2), so a fresh session fails the same way.
    const latched = await startSnmptrapd({
      v3Users: [
        {
          name: 'informuser',
          authProtocol: 'SHA-256',
          authKey: 'authpass123',
          privProtocol: 'AES',
          privKey: 'privpass456',
        },
      ],
      persistentEngine: { engineId: RECEIVER_ENGINE, engineBoots: 2147483646 },
    });
    const notices: string[] = [];
    const s = new SnmpTrapSender([informHost({ port: latched.port, retries: 0 })], OID, 256, {
      notice: (l) => notices.push(l),
    });
    try {
      const out = await s.send('rcv', { reference: ref('latched') });
      assert.equal(out.ok, false);
      assert.match(out.error ?? '', /time window.*\(after re-discovery\)$/);
      assert.equal(notices.length, 1);
      assert.equal(latched.lines().length, 0);
    } finally {
      s.close();
      await latched.stop();
    }
  });
});
