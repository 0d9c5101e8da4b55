/**
 * The shapes of a Luna client's decision (core/clientPolicy.ts): what the policy looks at, what it
 * decides, and what a delivered notification changes in the client's state.
 */
import type { AlertSeverity, NotificationV2 } from '../protocol/notificationV2.ts';
import type { ClientProblem, ClientState } from './clientState.ts';
import type { TrustVerdict } from './clientTrust.ts';
import type { Evaluation, LogEntry, Settings } from './types.ts';

/** One listed appliance and how the client stands to what it presents now. */
export interface ClientTrustInput {
  readonly appliance: string;
  /** The appliance's inventory address, else `0.0.0.0`. */
  readonly address: string;
  /** The certificate the appliance presents; absent when it could not be read (then nothing changes). */
  readonly fingerprint?: string;
  readonly verdict?: TrustVerdict;
}

/** Everything {@link decideClient} looks at. */
export interface ClientPolicyInput {
  readonly client: string;
  readonly previous: ClientState | undefined;
  /** The client certificate's evaluation (`client.pem`). */
  readonly evaluation: Evaluation;
  /** The trust bundle (`trust.pem`): read, absent, not a bundle, or not readable from the source now, and why. */
  readonly bundle:
    | { readonly kind: 'ok' }
    | { readonly kind: 'missing' }
    | { readonly kind: 'invalid'; readonly reason: string }
    | { readonly kind: 'unavailable'; readonly reason: string };
  readonly trust: readonly ClientTrustInput[];
  readonly settings: Settings;
  readonly now: Date;
}

/** What a delivered notification changes in the state. */
export interface ClientEffect {
  readonly id: string;
  readonly kind: 'raise' | 'clear' | 'problem' | 'bundle' | 'untrusted' | 'trusted';
  readonly appliance?: string;
  readonly problem?: ClientProblem;
  /** A raise's severity, remembered once delivered (only with a critical level). */
  readonly severity?: AlertSeverity;
}

/** What the policy decided for one client. */
export interface ClientDecision {
  readonly logs: readonly LogEntry[];
  readonly notifications: readonly NotificationV2[];
  readonly effects: readonly ClientEffect[];
  /** The next state if nothing is delivered. */
  readonly base: ClientState;
  readonly observedAt: string;
}

/** The notifications and effects a part of the decision adds. */
export interface ClientDue {
  readonly logs: LogEntry[];
  readonly notifications: NotificationV2[];
  readonly effects: ClientEffect[];
}
