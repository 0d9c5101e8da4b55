/**
 * The lifecycle of one trap host's SNMP session: opened on first use and reused; dropped after a socket
 * error (the next send opens a fresh one); retired when the receiver's engine is no longer the one it
 * knows, so the next send discovers the engine again (docs/gateway.md, Failure handling). A retired
 * session closes once the sends still using it have settled, and every session closes on shutdown.
 */
import type { Session } from 'net-snmp';

/** One send's use of the current session. */
export interface SessionLease {
  readonly session: Session;
  /**
   * Ends this use. `staleEngine`: the send failed because the session's notion of the receiver's engine
   * is stale; the session is retired. True when this call retired it (not an earlier one that failed the
   * same way).
   */
  end(staleEngine: boolean): boolean;
}

/** A session and how many sends use it. */
interface Slot {
  readonly session: Session;
  active: number;
  retired: boolean;
  closed: boolean;
}

/** Hands out the host's current session, opening one with `open` when there is none. */
export class HostSession {
  private current: Slot | undefined;
  /** Retired sessions that still have sends in flight. */
  private readonly draining = new Set<Slot>();

  constructor(private readonly open: () => Session) {}

  /** The current session for one send; throws when a session cannot be opened. */
  lease(): SessionLease {
    const slot = this.current ?? this.openSlot();
    slot.active++;
    let ended = false;
    return {
      session: slot.session,
      end: (staleEngine) => {
        if (ended) return false;
        ended = true;
        slot.active--;
        const retiredNow = staleEngine && this.retire(slot);
        if (slot.retired && slot.active === 0) this.closeSlot(slot);
        return retiredNow;
      },
    };
  }

  /** Sessions open now: the current one and those draining. */
  get openSessions(): number {
    return this.draining.size + (this.current ? 1 : 0);
  }

  /** Closes every session now (their pending requests fail). */
  close(): void {
    for (const slot of [...this.draining]) this.closeSlot(slot);
    if (this.current) this.closeSlot(this.current);
  }

  private openSlot(): Slot {
    const slot: Slot = { session: this.open(), active: 0, retired: false, closed: false };
    // A socket error must not crash the process; drop the session so the next send opens a fresh one.
    slot.session.on('error', () => this.closeSlot(slot));
    slot.session.on('close', () => {
      slot.closed = true;
      this.forget(slot);
    });
    this.current = slot;
    return slot;
  }

  /** Stops handing the session out; it drains until its last send settled. False when already retired. */
  private retire(slot: Slot): boolean {
    if (this.current === slot) this.current = undefined;
    if (slot.retired) return false;
    slot.retired = true;
    this.draining.add(slot);
    return true;
  }

  private forget(slot: Slot): void {
    if (this.current === slot) this.current = undefined;
    this.draining.delete(slot);
  }

  private closeSlot(slot: Slot): void {
    this.forget(slot);
    if (slot.closed) return;
    slot.closed = true;
    try {
      slot.session.close();
    } catch {
      // already closed
    }
  }
}
