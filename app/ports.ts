/**
 * The narrow interfaces between the check pipeline and the outside world. One adapter per backend
 * implements each (directory, S3, SSM sources; directory or S3 records; HTTP gateway forwarder), as AWS
 * Powertools does with its providers; the state a run keeps is read and written through one repository
 * over the records (`app/stateRepository.ts`). The pipeline itself stays runtime-neutral.
 */
import type { ActionKind } from '../core/actionKind.ts';
import type { ClientState } from '../core/clientState.ts';
import type { InventoryReport } from '../core/inventoryReport.ts';
import type { PolicySettings } from '../core/policySettings.ts';
import type { TrapHostReport } from '../core/trapHostReport.ts';
import type { ApplianceState, LogEntry, SourceResult, Status } from '../core/types.ts';
import type { TrapResult } from '../protocol/notification.ts';
import type { AnyNotification } from '../protocol/notificationV2.ts';
import type { LoadedClientState } from './clientRecord.ts';

/** One appliance's entry in the `fleet.json` inventory (docs/reference.md, Configuration). */
export interface InventoryEntry {
  readonly address?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly thresholdDays?: number;
  readonly repeatHours?: number;
  /** Also expiring within this percent of the certificate's lifetime (docs/reference.md, Expiry policy). */
  readonly thresholdPercent?: number;
  /** The appliance's critical level; replaces the run's (docs/reference.md, Expiry policy). */
  readonly critical?: {
    readonly days?: number;
    readonly percent?: number;
    /** Default: the appliance's repeat interval. */
    readonly repeatHours?: number;
  };
  /** The appliance's NTLS port for the collector and `tls:` sources (default 1792). */
  readonly ntlsPort?: number;
  /** The host name sent as SNI in the NTLS handshake; none by default. */
  readonly serverName?: string;
  /** The appliance's own certificate policy, over the fleet's (docs/reference.md, Certificate findings). */
  readonly policy?: PolicySettings;
  /**
   * The appliance's other certificates by name (docs/reference.md, Named certificates), each read from its
   * own port by the collector and evaluated from `APPLIANCE/NAME.pem`.
   */
  readonly certificates?: Readonly<Record<string, { readonly port: number }>>;
}

/** A Luna client's entry in the inventory (docs/clients.md, The inventory). */
export interface ClientEntry {
  /** The appliances the client connects to, whose certificates it must trust. */
  readonly appliances: readonly string[];
  readonly thresholdDays?: number;
  readonly thresholdPercent?: number;
  readonly repeatHours?: number;
  readonly critical?: { readonly days?: number; readonly percent?: number; readonly repeatHours?: number };
}

/** A Luna client's files at the fleet location: its own certificate and its trust bundle. */
export type ClientFile = 'client.pem' | 'trust.pem';

/**
 * The parsed `fleet.json` inventory: what can be trusted of it, and what could not (docs/monitoring.md, Failure
 * handling). An entry with a bad value is kept by name only (default settings, no address); an entry
 * whose name is not valid, or a file that is not JSON, contributes nothing.
 */
export interface Inventory {
  readonly appliances: Readonly<Record<string, InventoryEntry>>;
  /** The fleet-wide certificate policy (docs/reference.md, Certificate findings), when the file has one. */
  readonly policy?: PolicySettings;
  /** Luna clients, by name (docs/clients.md, The inventory); absent when the inventory has none. */
  readonly clients?: Readonly<Record<string, ClientEntry>>;
  /** The inventory's `policy.replaced` (docs/reference.md, Replaced certificates); absent means off. */
  readonly replaced?: boolean;
  /** What is wrong with the file, each naming the key path, the entry or the JSON position; safe to log. */
  readonly problems?: readonly string[];
}

/** Keys at a source that look like certificates but do not fit the fleet layout (docs/monitoring.md, Failure handling). */
export interface SkippedKeys {
  /** How many were seen by the last listing. */
  readonly count: number;
  /** The first few, relative to the location, sanitized and bounded. */
  readonly examples: readonly string[];
}

/** A listed appliance, with the version of its certificate object when the listing reports one. */
export interface ListedAppliance {
  readonly name: string;
  /** An S3 ETag: equal versions mean equal bytes, so a certificate cached at this version need not be fetched. */
  readonly version?: string;
}

/** Where certificates come from: a directory, an S3 prefix or an SSM path. */
export interface CertificateSource {
  /** Human-readable location, safe to log (no credentials). */
  readonly description: string;
  /**
   * The inventory at the prefix, or undefined when there is none. A file that says something wrong is
   * returned with its `problems`; one that cannot be read at all throws `InventoryError`.
   */
  readInventory(): Promise<Inventory | undefined>;
  /**
   * Every appliance that has a certificate, discovered by listing (paginated to the end), streamed; each
   * with its object's version when the listing carries one (S3). Without versions every certificate is
   * fetched on every run.
   */
  list(): AsyncIterable<ListedAppliance>;
  /**
   * The bytes of one appliance's `server.pem`, or of its named `certificate`'s `NAME.pem` (docs/reference.md,
   * Named certificates); never throws (failures become `unavailable`).
   */
  fetch(appliance: string, certificate?: string): Promise<SourceResult>;
  /** What the last completed (or abandoned) listing skipped because it does not fit the layout. */
  skippedKeys?(): SkippedKeys;
  /**
   * A Luna client's file (`_clients/{client}/{file}`); never throws. Absent for a source that holds no
   * clients (`tls:`).
   */
  fetchClientFile?(client: string, file: ClientFile): Promise<SourceResult>;
}

/** One stored record: its bytes and the version a conditional write names to replace exactly these bytes. */
export interface VersionedRecord {
  /** The record's bytes; longer than the read's `limit` (and then not its content) when it is too large. */
  readonly bytes: Uint8Array;
  /** Opaque (an ETag for S3); changes whenever the bytes change. */
  readonly version: string | undefined;
}

/**
 * Where a run keeps its records (docs/design.md, State): a directory or an S3 prefix, holding keys such as
 * `hsm01.json` or `_report/parts/2-0.json` (`/`-separated segments of letters, digits, `.`, `-`, `_`, none
 * starting with `.`). What the keys mean and how their bytes decode is the state repository's
 * (`app/stateRepository.ts`); a backend stores bytes. Failures throw `StateStoreError`
 * (`app/errors.ts`) worded as what happened to the record ("could not be read (EACCES)"), for the
 * repository to name the record.
 */
export interface RecordStore {
  /** Human-readable location, safe to log (no credentials). */
  readonly description: string;
  /** How `key` is named to an operator (`dir:state/_report/`, `s3://bucket/prefix/_report/`). */
  describe(key: string): string;
  /** The record and its version, or undefined when there is none; at most `limit` bytes are read. */
  read(key: string, limit: number): Promise<VersionedRecord | undefined>;
  /**
   * Replaces the record whole if it is still at `expectedVersion` (undefined: only if absent); a reader
   * sees the old or the new bytes, never a part. Throws `StateConflictError` (`app/errors.ts`) when another
   * writer came first.
   */
  writeIf(key: string, bytes: Uint8Array, expectedVersion: string | undefined, contentType: string): Promise<void>;
  /** Replaces the record whole whatever it holds, readable by anyone who may read the location (a report page). */
  publish(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The keys directly in `folder` (`''` or ending with `/`), streamed, paginated to the end; none when it is absent. */
  list(folder: string): AsyncIterable<string>;
  /** The local file of `key`, for the messages that tell an operator what to open; only a directory has one. */
  localPath?(key: string): string;
}

/** A loaded state record, with the version token needed for a conditional write. */
export interface LoadedState {
  readonly state?: ApplianceState;
  /** Opaque version (an ETag for S3); undefined when no record exists yet. */
  readonly version?: string;
  /** Set when a record existed but could not be read; the pipeline treats it as first sight and warns. */
  readonly corrupt?: string;
}

/** Per-appliance state between runs. */
export interface StateStore {
  readonly description: string;
  load(appliance: string): Promise<LoadedState>;
  /**
   * Writes the state only if the stored version is still `expectedVersion` (undefined: only if absent).
   * Throws `StateConflictError` (`app/errors.ts`) when another run wrote first.
   */
  save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void>;
  /**
   * The name of every appliance that has a record, streamed (paginated to the end); `_report/`, `_inventory.json`,
   * `_trapHosts.json` and anything that is not a record of a valid appliance name are skipped. Used to
   * rebuild the fleet report.
   */
  list(): AsyncIterable<string>;
  /**
   * The fleet-level record of the inventory problem last logged (`_inventory.json`), with its version.
   */
  loadInventoryReport(): Promise<LoadedInventoryReport>;
  /** Writes the record conditionally, like `save` (undefined `report`: nothing is reported any more). */
  saveInventoryReport(report: InventoryReport | undefined, expectedVersion: string | undefined): Promise<void>;
  /**
   * The fleet-level record of failing trap hosts (`_trapHosts.json`), with its version.
   */
  loadTrapHostReport(): Promise<LoadedTrapHostReport>;
  /** Writes the record conditionally, like `save`. */
  saveTrapHostReport(report: TrapHostReport, expectedVersion: string | undefined): Promise<void>;
  /** A Luna client's record (`_clients/{client}.json`); absent in stores that keep no clients. */
  loadClient?(client: string): Promise<LoadedClientState>;
  /** Every client with a record, streamed; for rebuilding the report. */
  listClients?(): AsyncIterable<string>;
  /** Writes a client's record conditionally, like `save`. */
  saveClient?(client: string, state: ClientState, expectedVersion: string | undefined): Promise<void>;
}

/** The fleet-level trap host record as loaded: absent or unreadable records read as empty. */
export interface LoadedTrapHostReport {
  readonly report: TrapHostReport;
  /** Opaque version for the conditional write; undefined when no record exists. */
  readonly version?: string;
}

/** The fleet-level inventory record as loaded: absent, empty or unreadable records have no `report`. */
export interface LoadedInventoryReport {
  readonly report?: InventoryReport;
  /** Opaque version for the conditional write; undefined when no record exists. */
  readonly version?: string;
}

/**
 * The fleet report's files under the state location's `_report/` folder (docs/monitoring.md, Fleet report): the
 * report itself and the parts a sharded run assembles it from. Names are plain file names or
 * `parts/NAME` (letters, digits, `.`, `-`, `_`); the stores refuse anything else.
 */
export interface ReportStore {
  /** Human-readable location of the `_report/` folder, safe to log. */
  readonly reportDescription: string;
  /** Writes one file whole (a reader sees the old or the new content, never half). */
  writeReportFile(name: string, body: string, contentType: string): Promise<void>;
  /** The file's content, or undefined when there is none; throws `StateStoreError` (app/errors.ts) when it cannot be read. */
  readReportFile(name: string): Promise<string | undefined>;
}

/** The outcome of forwarding one notification. */
export interface DeliveryResult {
  readonly id: string;
  /** True when the gateway accepted it and every trap host it had to reach was reached (or it was a duplicate). */
  readonly delivered: boolean;
  readonly duplicate?: boolean;
  readonly traps: readonly TrapResult[];
  readonly syslog?: 'ok' | 'failed';
  /** Why it was not delivered (gateway unreachable, HTTP status, …), safe to log. */
  readonly error?: string;
  /** The `CM_ERR_…` code of a coded failure (docs/reference.md, Error codes), e.g. an untrusted gateway certificate. */
  readonly errorCode?: string;
  /**
   * The gateway this result comes from, named by its URL's origin and path (docs/gateway.md, Standby gateways): the
   * one that answered for it, or, when no gateway accepted it, the last one tried.
   */
  readonly gateway?: string;
  /**
   * The gateway has no `/v2/notifications` (it answered 404 there): a notification of a newer kind it
   * cannot take until it is upgraded (docs/gateway.md, Newer notifications).
   */
  readonly gatewayTooOld?: boolean;
  /**
   * The gateways passed over for it because they have no `/v2/notifications`, whether another gateway took
   * it or not: each is told once per run to be upgraded (docs/gateway.md, Newer notifications).
   */
  readonly gatewaysWithoutV2?: readonly string[];
}

/** A request one gateway did not accept, going on to the next one in the list (docs/gateway.md, Standby gateways). */
export interface GatewayFailover {
  /** The gateway that did not accept it, and the one tried next (names as in {@link DeliveryResult.gateway}). */
  readonly from: string;
  readonly to: string;
  /** Why `from` did not accept it, safe to log. */
  readonly reason: string;
  /** Notifications in the request. */
  readonly count: number;
}

/** Sends notifications to the gateway. Never throws: failures are per-notification results. */
export interface NotificationForwarder {
  readonly description: string;
  /** `onFailover` hears of each request that goes on to a standby gateway, when it does. */
  forward(
    batch: readonly AnyNotification[],
    onFailover?: (failover: GatewayFailover) => void,
  ): Promise<DeliveryResult[]>;
}

/** Where the pipeline writes catalogue lines (console, structured JSON, …). */
export interface LogSink {
  write(entry: LogEntry, context?: Readonly<Record<string, unknown>>): void;
}

/**
 * What became of one due notification: delivered (`trap`), to some trap hosts only (`-partial`, they are
 * owed it), to none (`-failed`), not forwarded for want of a gateway (`-skipped`), or only said (`-dry-run`).
 */
export type DueStep = ActionKind | `${ActionKind}-${'partial' | 'failed' | 'skipped' | 'dry-run'}`;

/** What became of one owed delivery sent again: every owed host has it, some still lack it, or only said. */
export type RetryStep = `${ActionKind}-${'retried' | 'owed' | 'retry-dry-run'}`;

/** One step of an appliance's action. */
export type ActionStep = DueStep | RetryStep;

/**
 * The action an outcome reports (README, Command line): nothing due, the appliance could not be
 * processed, or its steps joined by `+`, due notifications first, then owed deliveries sent again.
 */
export type ApplianceAction = 'none' | 'error' | ActionStep | `${ActionStep}+${string}`;

/** What the pipeline did for one appliance: the inspect fields plus the action taken. */
export interface ApplianceOutcome {
  readonly appliance: string;
  readonly status: Status;
  readonly action: ApplianceAction;
  readonly [field: string]: unknown;
}

/** Where an appliance's NTLS service listens (docs/collector.md, Collecting certificates). */
export interface NtlsTarget {
  /** An IP literal from the inventory. */
  readonly address: string;
  readonly port: number;
  /** SNI host name, when the inventory sets one. */
  readonly serverName?: string;
}

/** What one NTLS handshake yielded: the certificates the appliance presented, or why there are none. */
export type CaptureResult =
  | {
      readonly kind: 'captured';
      /** PEM, the appliance's own certificate first, then the chain it sent, in the order sent. */
      readonly pem: Uint8Array;
      readonly certificates: number;
    }
  /** `reason` is written by certmonitor (never the peer's bytes) and safe to log. */
  | { readonly kind: 'failed'; readonly reason: string };

/** Reads the certificate an appliance presents in its NTLS handshake. */
export interface CertificateCapture {
  /**
   * Never throws. Once `signal` aborts, the connection is torn down and the promise settles at once
   * (with the certificate when the appliance had already presented it).
   */
  capture(target: NtlsTarget, signal: AbortSignal): Promise<CaptureResult>;
}

/** What a destination holds for one appliance before the collector writes. */
export interface StoredCertificate {
  /** The stored bytes; undefined when nothing is stored. Over the read limit: a placeholder one byte too long. */
  readonly bytes?: Uint8Array;
  /**
   * Opaque to the collector, handed back to `write`: what the destination needs to replace exactly what
   * was read (an S3 ETag for a conditional write, an SSM parameter's type and tier).
   */
  readonly token?: string;
}

/** Where the collector publishes certificates: a directory, an S3 prefix or an SSM path, in the fleet layout. */
export interface CertificateDestination {
  /** Human-readable location, safe to log. */
  readonly description: string;
  /**
   * The certificate stored for `appliance` (its `server.pem`, or a named `certificate`'s `NAME.pem`;
   * docs/reference.md, Named certificates). Throws `DestinationError` (`app/errors.ts`) when it cannot be read.
   */
  read(appliance: string, signal: AbortSignal, certificate?: string): Promise<StoredCertificate>;
  /**
   * Replaces what `read` returned with `bytes`, atomically: a reader sees the old or the new certificate,
   * never a part. Throws `DestinationConflictError` when the stored certificate changed since it was read,
   * `DestinationError` for anything else; nothing stored is deleted or truncated either way.
   */
  write(
    appliance: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
    certificate?: string,
  ): Promise<void>;
  /**
   * The `fleet.json` stored where the check's source reads its inventory (over its size limit: a
   * placeholder one byte too long). Throws `DestinationError` when it cannot be read.
   */
  readInventory(signal: AbortSignal): Promise<StoredCertificate>;
  /** Replaces what `readInventory` returned with `bytes`, with the same guarantees and errors as `write`. */
  writeInventory(bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void>;
  /** Largest file it stores (an SSM parameter's 8 KB); none below the check's own 1 MiB when absent. */
  readonly maxFileBytes?: number;
  /** A Luna client's file (`_clients/{client}/{file}`; docs/clients.md), read as `read` reads a certificate. */
  readClientFile?(client: string, file: ClientFile, signal: AbortSignal): Promise<StoredCertificate>;
  /** Replaces a client's file as `write` replaces a certificate. */
  writeClientFile?(
    client: string,
    file: ClientFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void>;
}
