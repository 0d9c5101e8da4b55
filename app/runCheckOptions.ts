/** The inputs of one check run over a fleet (app/runCheck.ts). */
import type { ClientView } from '../core/clientState.ts';
import type { SignatureVerifier } from '../core/signatureVerifier.ts';
import type { ApplianceView, Settings } from '../core/types.ts';
import type { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import type { ApplianceOutcome, CertificateSource, LogSink, NotificationForwarder, StateStore } from './ports.ts';

/** Inputs of one run. */
export interface RunCheckOptions {
  readonly source: CertificateSource;
  readonly state: StateStore;
  /** Absent: evaluate, log and record state only (no notification is recorded as sent). */
  readonly forwarder?: NotificationForwarder;
  readonly log: LogSink;
  /** Fleet-wide defaults; the inventory may override them per appliance. */
  readonly settings: Settings;
  /** The evaluation instant of the whole run. */
  readonly now: Date;
  readonly concurrency?: number;
  /** Receives one object per appliance (the `--json` output). */
  readonly onOutcome?: (outcome: ApplianceOutcome) => void;
  /**
   * Receives each appliance's view once its outcome is final (the fleet report and the metrics are built
   * from these, so a run's report needs no second read of the state). Not called in a what-if run, which
   * saves nothing.
   */
  readonly onView?: (appliance: string, view: ApplianceView) => void;
  /** Asked before each appliance is started; true stops the run early (e.g. the Lambda's time is short). */
  readonly shouldStop?: () => boolean;
  /** Largest gateway request and most requests in flight (defaults 1000 and 4). */
  readonly batch?: { readonly maxBatch?: number; readonly maxInFlight?: number };
  /**
   * A what-if run (docs/reference.md, What-if runs): evaluate and decide as usual, log each due notification as
   * `notificationDue`, forward nothing and write no state. The forwarder, if given, is not used.
   */
  readonly dryRun?: boolean;
  /** Whether the inventory's clients are checked after the appliances (default true; not in a shard). */
  readonly clients?: boolean;
  /** Verifies signatures for the clients' trust check (docs/clients.md, How trust is decided). */
  readonly verify?: SignatureVerifier;
  /** Receives each Luna client's view once its outcome is final (none without clients in the inventory). */
  readonly onClient?: (client: string, view: ClientView) => void;
  /**
   * The run's tally of gateways too old for `/v2`, when the caller logs it (a sharded run's, after its
   * clients' step); absent, the run logs it once its clients are done (docs/gateway.md, Newer notifications).
   */
  readonly tooOld?: GatewayTooOldTally;
  /**
   * Unplanned replacements are notified for every appliance (`--replaced`, `CERTMONITOR_REPLACED`;
   * docs/reference.md, Replaced certificates). The inventory's `policy.replaced` turns it on too.
   */
  readonly replaced?: boolean;
}
