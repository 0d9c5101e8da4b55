/**
 * Everything the gateway does to reach one trap host: a cap on sends in flight, pacing, the host's
 * session, the gateway's own inform re-sends, and one re-discovery of a v3 receiver's engine when the
 * session's notion of it is stale (docs/gateway.md, Failure handling).
 */
import { isIPv4 } from 'node:net';
import type { Session, Varbind } from 'net-snmp';
import { sanitizeLogValue } from '../../core/catalogue.ts';
import type { TrapHostConfig } from '../config/trapHostConfig.ts';
import { HostSession, type SessionLease } from './hostSession.ts';
import { InFlightLimiter } from './inFlightLimiter.ts';
import { notificationVarbinds } from './notificationVarbinds.ts';
import { openNetSnmpSession } from './openNetSnmpSession.ts';
import { sendInform } from './sendInform.ts';
import { SendPacer } from './sendPacer.ts';
import { isStaleEngineError } from './staleEngine.ts';

/** Outcome of one send to one host. */
export interface SendOutcome {
  readonly ok: boolean;
  readonly error?: string;
}

/** One notification's content as the sender needs it. */
export interface TrapMessage {
  /** The ssLogReference text. */
  readonly reference: string;
  /** The appliance's IPv4 address for the SNMPv1 agent-addr field, when it has one. */
  readonly agentAddr?: string;
  /**
   * A trap of a newer kind (docs/gateway.md, Newer notifications): its own notification OID and varbinds
   * instead of the configured one with `ssLogReference`.
   */
  readonly event?: { readonly oid: string; readonly varbinds: Varbind[] };
}

/** Told about every send and every inform re-send (the gateway's metrics). */
export interface TrapObserver {
  trap(host: string, ok: boolean): void;
  informRetry(host: string): void;
}

/** Who hears about what the sender does besides the outcomes it returns. */
export interface TrapSenderHooks {
  /** Receives a line when a host's session had to be replaced (never secrets). */
  readonly notice?: (line: string) => void;
  /** Counts sends and inform re-sends (the gateway's metrics). */
  readonly observer?: TrapObserver;
}

/** One send's outcome, whether it failed on a stale engine notion, and whether it retired the session. */
interface Attempt {
  readonly outcome: SendOutcome;
  readonly staleEngine: boolean;
  readonly retired: boolean;
}

/** How a channel opens sessions; net-snmp's by default, a stand-in in tests. */
export type OpenSession = (host: TrapHostConfig) => Session;

/** One trap host's sends. */
export class HostChannel {
  private readonly session: HostSession;
  private readonly limiter: InFlightLimiter;
  private readonly pacer: SendPacer;

  constructor(
    readonly host: TrapHostConfig,
    private readonly notificationOid: string,
    maxInFlight: number,
    private readonly hooks: TrapSenderHooks,
    open: OpenSession = openNetSnmpSession,
  ) {
    this.session = new HostSession(() => open(host));
    this.limiter = new InFlightLimiter(maxInFlight);
    this.pacer = new SendPacer(host.maxPerSecond);
  }

  /** Sends one notification; never throws. */
  async send(message: TrapMessage): Promise<SendOutcome> {
    await this.limiter.acquire();
    let outcome: SendOutcome;
    try {
      await this.pacer.wait();
      outcome = await this.sendRediscovering(message);
    } finally {
      this.limiter.release();
    }
    this.hooks.observer?.trap(this.host.label, outcome.ok);
    return outcome;
  }

  /** Closes the host's sessions (pending informs fail). */
  close(): void {
    this.session.close();
  }

  /**
   * One send, and once more on a fresh session when the receiver is not the engine the session knows.
   * The receiver discarded the refused inform (RFC 3414 section 3.2), so sending it again cannot
   * duplicate it. Sends in flight on the same session fail alike; only the one that retired it says so.
   */
  private async sendRediscovering(message: TrapMessage): Promise<SendOutcome> {
    const first = await this.attempt(message);
    if (!first.staleEngine) return first.outcome;
    if (first.retired) {
      this.hooks.notice?.(`trap host ${this.host.label}: SNMPv3 engine re-discovered (${first.outcome.error})`);
    }
    const second = await this.attempt(message);
    if (second.outcome.ok) return second.outcome;
    return { ok: false, error: `${second.outcome.error} (after re-discovery)` };
  }

  /** One send on the current session; a stale engine notion retires that session. */
  private async attempt(message: TrapMessage): Promise<Attempt> {
    let lease: SessionLease;
    try {
      lease = this.session.lease();
    } catch (thrown) {
      // The session could not be opened.
      return { outcome: outcomeOf(asError(thrown)), staleEngine: false, retired: false };
    }
    const error = await this.transmit(lease.session, message).catch(asError);
    const staleEngine = error !== null && this.informsV3() && isStaleEngineError(error);
    return { outcome: outcomeOf(error), staleEngine, retired: lease.end(staleEngine) };
  }

  private informsV3(): boolean {
    return this.host.version === '3' && this.host.type === 'inform';
  }

  /** Sends the notification as the host takes it: an inform (re-sent until acknowledged) or a trap. */
  private transmit(session: Session, message: TrapMessage): Promise<Error | null> {
    const varbinds = message.event?.varbinds ?? notificationVarbinds(message.reference);
    const oid = message.event?.oid ?? this.notificationOid;
    const h = this.host;
    if (h.type === 'inform') {
      const observer = this.hooks.observer;
      return sendInform(
        (done) => session.inform(oid, varbinds, {}, (e) => done(e)),
        h,
        () => observer?.informRetry(h.label),
      );
    }
    const agentAddr = message.agentAddr && isIPv4(message.agentAddr) ? message.agentAddr : '0.0.0.0';
    return new Promise((resolve) => session.trap(oid, varbinds, { agentAddr }, resolve));
  }
}

/** What was thrown, as an error. */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error('send failed');
}

/** A send's result as the sender reports it (error texts are made safe for log lines). */
function outcomeOf(error: Error | null): SendOutcome {
  return error ? { ok: false, error: sanitizeLogValue(error.message, 100) } : { ok: true };
}
