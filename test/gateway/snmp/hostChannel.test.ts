/**
 * One trap host's channel over stand-in sessions: how it composes the limiter, the session lifecycle, the
 * gateway's inform re-sends and the v3 engine re-discovery. Interop with a real receiver is in
 * snmpTrapSender.test.ts.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import snmp, { type Session, type Varbind } from 'net-snmp';
import type { TrapHostConfig, V2cTrapHost, V3TrapHost } from '../../../gateway/config/trapHostConfig.ts';
import { HostChannel, type TrapObserver } from '../../../gateway/snmp/hostChannel.ts';
import { SS_LOG_REFERENCE_OID } from '../../../gateway/snmp/notificationVarbinds.ts';

const OID = '1.3.6.1.4.1.23629.1.5.2.2.6';

type Callback = (error: Error | null) => void;
/** What a stand-in session does with one inform or trap: answer through `done`, or not at all. */
type Answer = (done: Callback, sent: { varbinds: Varbind[]; options: Record<string, unknown> }) => void;

/** A stand-in net-snmp session that answers with the channel's script and records what it was sent. */
class ScriptedSession extends EventEmitter {
  readonly sent: Array<{ kind: 'inform' | 'trap'; varbinds: Varbind[]; options: Record<string, unknown> }> = [];
  closed = false;
  constructor(private readonly answer: Answer) {
    super();
  }
  inform(_oid: string, varbinds: Varbind[], options: Record<string, unknown>, cb: Callback): void {
    this.sent.push({ kind: 'inform', varbinds, options });
    this.answer(cb, { varbinds, options });
  }
  trap(_oid: string, varbinds: Varbind[], options: Record<string, unknown>, cb: Callback): void {
    this.sent.push({ kind: 'trap', varbinds, options });
    this.answer(cb, { varbinds, options });
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

const staleEngine = () =>
  Object.assign(new Error("Message with engineBoots '1' is outside the time window"), {
    name: 'ResponseInvalidError',
    code: snmp.ResponseInvalidCode.ENotInTimeWindow,
  });
// Answers come at once: which of an answer and an attempt's timeout comes first is then never in doubt.
const ack: Answer = (done) => done(null);
const refuseStale: Answer = (done) => done(staleEngine());
const never: Answer = () => undefined;

const common = { host: '127.0.0.1', port: 10162, retries: 2, timeoutMs: 60_000, backoff: 1, maxPerSecond: 0 };
const v2cInform: V2cTrapHost = { label: 'nms', ...common, version: '2c', type: 'inform', community: 'public' };
const v3Inform: V3TrapHost = {
  label: 'nms3',
  ...common,
  version: '3',
  type: 'inform',
  user: { name: 'informuser', level: 'noAuthNoPriv' },
};

/** A channel whose n-th session (from 0) answers with `scripts[n]` (the last script for any later one). */
function channel(host: TrapHostConfig, scripts: Answer[], maxInFlight = 256) {
  const sessions: ScriptedSession[] = [];
  const notices: string[] = [];
  const counted = { traps: [] as Array<[string, boolean]>, retries: [] as string[] };
  const observer: TrapObserver = {
    trap: (h, ok) => void counted.traps.push([h, ok]),
    informRetry: (h) => void counted.retries.push(h),
  };
  const open = () => {
    const session = new ScriptedSession(scripts[Math.min(sessions.length, scripts.length - 1)] ?? never);
    sessions.push(session);
    return session as unknown as Session;
  };
  const c = new HostChannel(host, OID, maxInFlight, { notice: (l) => notices.push(l), observer }, open);
  return { c, sessions, notices, counted };
}

describe('HostChannel', () => {
  it('sends the ssLogReference varbind as an inform and reports the acknowledgement', async () => {
    const { c, sessions, counted } = channel(v2cInform, [ack]);
    assert.deepEqual(await c.send({ reference: 'ref-1' }), { ok: true });
    assert.equal(sessions[0]?.sent[0]?.kind, 'inform');
    assert.deepEqual(sessions[0]?.sent[0]?.varbinds, [
      { oid: SS_LOG_REFERENCE_OID, type: snmp.ObjectType.OctetString, value: 'ref-1' },
    ]);
    assert.deepEqual(counted.traps, [['nms', true]]);
    assert.deepEqual(counted.retries, []);
  });

  it('re-sends an unacknowledged inform itself and counts each re-send for the host', async () => {
    let informs = 0;
    const thirdAcknowledged: Answer = (done) => {
      if (++informs === 3) done(null);
    };
    const { c, sessions, counted } = channel({ ...v2cInform, timeoutMs: 10 }, [thirdAcknowledged]);
    assert.deepEqual(await c.send({ reference: 'ref' }), { ok: true });
    assert.equal(sessions.length, 1, 'the re-sends use the same session');
    assert.equal(sessions[0]?.sent.length, 3);
    assert.deepEqual(counted.retries, ['nms', 'nms']);
    assert.deepEqual(counted.traps, [['nms', true]]);
  });

  it('reports an inform no attempt got acknowledged as timed out, after its retries', async () => {
    const { c, counted } = channel({ ...v2cInform, timeoutMs: 10 }, [never]);
    assert.deepEqual(await c.send({ reference: 'ref' }), { ok: false, error: 'Request timed out' });
    assert.equal(counted.retries.length, 2);
    assert.deepEqual(counted.traps, [['nms', false]]);
  });

  it('sends a trap with the appliance address as agent-addr when it is IPv4, else 0.0.0.0', async () => {
    const host: V2cTrapHost = { ...v2cInform, type: 'trap' };
    const { c, sessions, counted } = channel(host, [ack]);
    await c.send({ reference: 'a', agentAddr: '10.0.0.5' });
    await c.send({ reference: 'b', agentAddr: 'fe80::1' });
    await c.send({ reference: 'c' });
    assert.deepEqual(
      sessions[0]?.sent.map((s) => [s.kind, s.options.agentAddr]),
      [
        ['trap', '10.0.0.5'],
        ['trap', '0.0.0.0'],
        ['trap', '0.0.0.0'],
      ],
    );
    assert.deepEqual(counted.retries, [], 'traps are never re-sent');
  });

  it('re-discovers a v3 receiver whose engine is not the one the session knows: once, on a fresh session', async () => {
    const { c, sessions, notices } = channel(v3Inform, [refuseStale, ack]);
    assert.deepEqual(await c.send({ reference: 'ref' }), { ok: true });
    assert.equal(sessions.length, 2);
    assert.equal(sessions[0]?.closed, true, 'the stale session is closed');
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /^trap host nms3: SNMPv3 engine re-discovered \(.*time window\)$/);
    assert.deepEqual(await c.send({ reference: 'next' }), { ok: true });
    assert.equal(sessions.length, 2, 'the fresh session is kept');
  });

  it('re-discovers once per send and says when the fresh session failed too', async () => {
    const { c, sessions, notices } = channel(v3Inform, [refuseStale]);
    const out = await c.send({ reference: 'ref' });
    assert.equal(out.ok, false);
    assert.match(out.error ?? '', /outside the time window \(after re-discovery\)$/);
    assert.equal(sessions.length, 2, 'one fresh session, not more');
    assert.ok(
      sessions.every((s) => s.closed),
      'both stale sessions are closed',
    );
    assert.equal(notices.length, 1);
  });

  it('re-discovers only for v3 informs', async () => {
    const { c, sessions, notices } = channel(v2cInform, [refuseStale]);
    assert.equal((await c.send({ reference: 'ref' })).ok, false);
    assert.equal(sessions.length, 1);
    assert.deepEqual(notices, []);
  });

  it('reports a session that cannot be opened as a failed send, without throwing', async () => {
    const c = new HostChannel(v2cInform, OID, 256, {}, () => {
      throw new Error('bad options');
    });
    assert.deepEqual(await c.send({ reference: 'ref' }), { ok: false, error: 'bad options' });
  });

  it('holds a send past the cap in flight until an earlier one settled', async () => {
    const callbacks: Callback[] = [];
    const { c, sessions } = channel(v2cInform, [(done) => void callbacks.push(done)], 1);
    const first = c.send({ reference: 'one' });
    const second = c.send({ reference: 'two' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sessions[0]?.sent.length, 1, 'the second waits');
    callbacks[0]?.(null);
    assert.deepEqual(await first, { ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sessions[0]?.sent.length, 2);
    callbacks[1]?.(null);
    assert.deepEqual(await second, { ok: true });
  });

  it('closes its session on shutdown', async () => {
    const { c, sessions } = channel(v2cInform, [ack]);
    await c.send({ reference: 'ref' });
    c.close();
    assert.equal(sessions[0]?.closed, true);
  });
});
