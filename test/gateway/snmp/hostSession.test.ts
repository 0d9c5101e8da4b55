import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Session } from 'net-snmp';
import { HostSession } from '../../../gateway/snmp/hostSession.ts';

/** A stand-in session: counts closes, emits `close` when closed as net-snmp's does. */
class FakeSession extends EventEmitter {
  closes = 0;
  constructor(readonly n: number) {
    super();
  }
  close(): void {
    this.closes++;
    this.emit('close');
  }
  trap(): void {}
  inform(): void {}
}

function sessions() {
  const opened: FakeSession[] = [];
  const host = new HostSession(() => {
    const session = new FakeSession(opened.length + 1);
    opened.push(session);
    return session as unknown as Session;
  });
  return { host, opened };
}

describe('HostSession (one trap host’s session lifecycle)', () => {
  it('opens a session on first use and reuses it', () => {
    const { host, opened } = sessions();
    const a = host.lease();
    a.end(false);
    const b = host.lease();
    b.end(false);
    assert.equal(opened.length, 1);
    assert.equal(a.session, b.session);
    assert.equal(host.openSessions, 1);
  });

  it('drops a session after a socket error: it is closed and the next send opens a fresh one', () => {
    const { host, opened } = sessions();
    host.lease().end(false);
    opened[0]?.emit('error', new Error('EHOSTUNREACH'));
    assert.equal(opened[0]?.closes, 1);
    const next = host.lease();
    assert.equal(opened.length, 2);
    assert.equal(next.session, opened[1]);
  });

  it('forgets a session that closed by itself', () => {
    const { host, opened } = sessions();
    host.lease().end(false);
    opened[0]?.close();
    host.lease();
    assert.equal(opened.length, 2);
  });

  it('retires a session on a stale engine: the next send gets a fresh one, the old one closes once drained', () => {
    const { host, opened } = sessions();
    const [first, second, third] = [host.lease(), host.lease(), host.lease()];
    assert.equal(first.end(true), true, 'the first stale failure retires it');
    const fresh = host.lease();
    assert.equal(fresh.session, opened[1], 'a fresh session, which discovers the engine again');
    assert.equal(opened[0]?.closes, 0, 'two sends still use the retired one');
    assert.equal(second.end(true), false, 'retired already: only the first says so');
    assert.equal(opened[0]?.closes, 0);
    assert.equal(third.end(false), false);
    assert.equal(opened[0]?.closes, 1, 'closed once its last send settled');
    assert.equal(host.openSessions, 1);
    fresh.end(false);
  });

  it('closes a retired session whose last sends all failed stale', () => {
    const { host, opened } = sessions();
    const [first, second] = [host.lease(), host.lease()];
    first.end(true);
    second.end(true);
    assert.equal(opened[0]?.closes, 1);
    assert.equal(host.openSessions, 0);
  });

  it('counts each lease once, however often it is ended', () => {
    const { host, opened } = sessions();
    const a = host.lease();
    const b = host.lease();
    a.end(true);
    a.end(false);
    assert.equal(opened[0]?.closes, 0, 'b still uses it');
    b.end(false);
    assert.equal(opened[0]?.closes, 1);
  });

  it('closes the current and the draining sessions on shutdown, each once', () => {
    const { host, opened } = sessions();
    const old = host.lease();
    old.end(true);
    host.lease();
    // `old` ended, so the retired session closed already; lease again on the fresh one and retire it busy.
    const busy = host.lease();
    const other = host.lease();
    busy.end(true);
    host.lease();
    host.close();
    assert.deepEqual(
      opened.map((s) => s.closes),
      [1, 1, 1],
    );
    assert.equal(host.openSessions, 0);
    other.end(false);
    assert.deepEqual(
      opened.map((s) => s.closes),
      [1, 1, 1],
    );
  });
});
