/**
 * What certmonitor keeps of one Luna client between runs (`_clients/NAME.json` at the state location;
 * docs/clients.md, State) and what the report shows of it. Times are evaluation instants, never the wall
 * clock, as for appliances.
 */
import type { CertificateHistory, Status } from './types.ts';

/** A listed appliance whose certificate the client does not trust, as notified. */
export interface ClientTrustAlert {
  /** The certificate the appliance presented when it was found untrusted. */
  readonly fingerprint: string;
  /** When an `untrusted` notification for it was last delivered; absent while none was. */
  readonly lastAlertAt?: string;
  /** The evaluation instant it was first found untrusted (the first notification's id derives from it). */
  readonly since: string;
}

/** The problem events a client's own certificate or bundle is reported with, once per H. */
export type ClientProblem = 'missing' | 'invalid' | 'not_yet_valid';

/** The state of one client: its own certificate's history as an appliance's (`client.pem`), and more. */
export interface ClientState extends CertificateHistory {
  readonly version: 1;
  /** The last problem with the client certificate delivered, to report it once per H. */
  readonly lastProblem?: { readonly event: ClientProblem; readonly at: string };
  /**
   * The problem the client certificate has now, and the evaluation instant it was first seen: its first
   * notification's id derives from it, so an undelivered one keeps its id run after run.
   */
  readonly problemSince?: { readonly event: ClientProblem; readonly since: string };
  /** The last problem with the trust bundle delivered, to report it once per H. */
  readonly lastBundleProblem?: { readonly at: string };
  /** When the trust bundle's problem (missing or invalid) was first seen, for the same reason. */
  readonly bundleProblemSince?: string;
  /** The listed appliances the client does not trust now, by appliance name. */
  readonly untrusted?: Readonly<Record<string, ClientTrustAlert>>;
  /** What the report shows of the client, as of the run that last changed it. */
  readonly view?: ClientView;
}

/** One client as the fleet report and the metrics show it. */
export interface ClientView {
  readonly status: Status;
  readonly thresholdDays: number;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly subject?: string;
  readonly serialNumber?: string;
  readonly fingerprintSha256?: string;
  /** The trust bundle: read, absent, not a bundle, or not readable from the source this run. */
  readonly bundle: 'ok' | 'missing' | 'invalid' | 'unavailable';
  /** Per listed appliance: `trusted`, `untrusted`, `unverifiable` or `unknown` (its certificate could not be read). */
  readonly trust: Readonly<Record<string, ClientTrustWord>>;
}

/** How a client stands to one appliance's certificate. */
export type ClientTrustWord = 'trusted' | 'untrusted' | 'unverifiable' | 'unknown';
