/**
 * Shared contracts of the runtime-neutral core. Every other layer (CLI, Lambda, gateway) speaks these
 * types; changing one is a change of the project's internal API.
 */
import type { NotificationEvent } from '../protocol/notification.ts';
import type { AlertSeverity, FindingName } from '../protocol/notificationV2.ts';
import type { Level, MessageKey, Severity } from './catalogue.ts';
import type { OwedDelivery } from './owedDelivery.ts';
import type { SubjectAltNames } from './subjectAltNames.ts';

/** Status of one appliance's certificate (docs/design.md, Certificate evaluation). */
export type Status = 'valid' | 'expiring' | 'expired' | 'not_yet_valid' | 'missing' | 'invalid' | 'unavailable';

/** Every status, in the order summaries print them. */
export const STATUSES: readonly Status[] = [
  'valid',
  'expiring',
  'expired',
  'not_yet_valid',
  'invalid',
  'missing',
  'unavailable',
];

/** The fields of one X.509 certificate that certmonitor uses. */
export interface Certificate {
  /** The certificate's DER encoding. */
  readonly der: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Distinguished names in OpenSSL's one-line form, e.g. `C=US, O=Acme, CN=hsm01`. */
  readonly subject: string;
  readonly issuer: string;
  /** Serial number, uppercase hex without separators (as `openssl x509 -serial`). */
  readonly serialNumber: string;
  /** `RSA-2048`, `EC P-256`, `EC P-384`, `EC P-521`, `Ed25519`, `Ed448`, or `unknown (OID)`. */
  readonly keyType: string;
  /** SHA-256 of the DER, uppercase hex pairs joined by `:`. */
  readonly fingerprintSha256: string;
  /** OpenSSL's name of the signature algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `rsassaPss`, `ED25519`). */
  readonly signatureAlgorithm?: string;
  /** The hash it signs with, lower case (`sha256`, `sha1`); '' for EdDSA or an unknown algorithm. */
  readonly signatureHash?: string;
  /** The subjectAltName's DNS names and IP addresses (docs/reference.md, Certificate findings). */
  readonly subjectAltNames?: SubjectAltNames;
}

/** A certificate file: the first certificate is the NTLS server certificate, the rest its chain. */
export interface CertificateFile {
  readonly certificate: Certificate;
  readonly chain: readonly Certificate[];
}

/** What a source returned for one appliance (adapters produce this; the core never does I/O). */
export type SourceResult =
  | {
      readonly kind: 'found';
      readonly bytes: Uint8Array;
      /** The object's version at the source (an S3 ETag), when the source has one. */
      readonly version?: string;
    }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The evaluation of one appliance at one instant. */
export interface Evaluation {
  readonly status: Status;
  /** Present for valid, expiring, expired and not_yet_valid. */
  readonly certificate?: Certificate;
  readonly chain?: readonly Certificate[];
  /** floor((notAfter − now) / 1000); present with a certificate. */
  readonly secondsRemaining?: number;
  /** floor(secondsRemaining / 86400), negative once expired; present with a certificate. */
  readonly daysRemaining?: number;
  /** Short, sanitized reason for invalid / unavailable. */
  readonly error?: string;
  /**
   * For expiring and expired, only when a critical level is configured (docs/reference.md, Expiry policy):
   * `critical` once expired or within the critical level, else `warning`.
   */
  readonly severity?: AlertSeverity;
}

/**
 * The optional second level (docs/reference.md, Expiry policy): within `days` or `percent` of the lifetime
 * (whichever comes first) a certificate is critical, notified at once on entering it and then every
 * `repeatHours`.
 */
export interface CriticalLevel {
  readonly days?: number;
  readonly percent?: number;
  readonly repeatHours: number;
}

/** Alert settings for one appliance (defaults D=30, H=24; the inventory may override per appliance). */
export interface Settings {
  readonly thresholdDays: number;
  readonly repeatHours: number;
  /** Also expiring within this percent of the certificate's lifetime (0 < P < 100); unset by default. */
  readonly thresholdPercent?: number;
  /** Unset by default: then nothing has a severity, as on the appliance. */
  readonly critical?: CriticalLevel;
  /**
   * The run's certificate policy flags or variables (docs/reference.md, Certificate findings); the
   * inventory's `policy` overrides them. Absent: no policy unless the inventory sets one.
   */
  readonly policy?: PolicySettings;
}

/**
 * The certificate policy (docs/reference.md, Certificate findings). Findings are always computed with it;
 * only when `set` are they logged and forwarded.
 */
export interface FindingPolicy {
  /** True when the inventory has a `policy` or a policy flag was given. */
  readonly set: boolean;
  readonly maxValidityDays?: number;
  readonly minRsaBits: number;
  readonly minEcBits: number;
  /** Hash names, lower case: `md5`, `sha1`. */
  readonly weakSignatures: readonly string[];
  /** Unplanned replacements are notified (docs/reference.md, Replaced certificates). */
  readonly replaced: boolean;
}

/** One layer of policy settings (docs/reference.md, Certificate findings): only what it sets. */
export interface PolicySettings {
  readonly maxValidityDays?: number;
  readonly minRsaBits?: number;
  readonly minEcBits?: number;
  readonly weakSignatures?: readonly string[];
  readonly replaced?: boolean;
}

/** One finding as the JSON outputs, the state's view and the report show it. */
export interface FindingEntry {
  readonly finding: FindingName;
  readonly detail: string;
}

/** What the state remembers of one finding of the NTLS certificate (core/findingAlerts.ts). */
export interface FindingRecord {
  /** The evaluation instant it was first seen (or, while clearing, seen gone): its ids derive from it. */
  readonly since: string;
  /** When its line was last logged. */
  readonly loggedAt?: string;
  /** When its notification was last delivered. */
  readonly forwardedAt?: string;
  /** Gone, and its clearing notification not delivered yet. */
  readonly clearing?: true;
}

/** The records by finding name. */
export type FindingRecords = Readonly<Partial<Record<FindingName, FindingRecord>>>;

/** The policy findings are computed with when none is configured. */
export const DEFAULT_FINDING_POLICY: FindingPolicy = {
  set: false,
  minRsaBits: 2048,
  minEcBits: 256,
  weakSignatures: ['md5', 'sha1'],
  replaced: false,
};

/** Default alert settings (docs/design.md, Alert policy). */
export const DEFAULT_SETTINGS: Settings = { thresholdDays: 30, repeatHours: 24 };

/**
 * What the state remembers of the certificate last read, keyed by the source's version of the object
 * (an S3 ETag). When a listing reports the same version again the certificate is not fetched: the
 * evaluation is rebuilt from these fields, which saves one request per appliance on every steady run.
 */
export interface CachedCertificate extends CachedChainCertificate {
  /** Cache format; entries of another format are ignored (see `CACHE_FORMAT`). */
  readonly format: number;
  readonly sourceVersion: string;
  /** What the findings read (docs/reference.md, Certificate findings); absent when the certificate had none. */
  readonly signatureAlgorithm?: string;
  readonly signatureHash?: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** The chain certificates of the file, for `chain_expires_first`; absent when the file had none. */
  readonly chain?: readonly CachedChainCertificate[];
}

/** A chain certificate as the cache keeps it: what `chain_expires_first` and a deciding chain certificate need. */
export interface CachedChainCertificate {
  readonly notBefore: string;
  readonly notAfter: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly keyType: string;
  readonly fingerprintSha256: string;
}

/**
 * What a stored state keeps of the certificate seen last and its expiry alert, for an appliance's
 * certificates and a Luna client's alike; core/followFingerprint.ts moves it on to a new certificate.
 */
export interface CertificateHistory {
  /** Fingerprint of the certificate seen last run. */
  readonly fingerprint?: string;
  /**
   * The evaluation instant `fingerprint` was first seen. A first alert's id derives from it, so the id
   * survives retries yet differs when an old certificate comes back after a renewal.
   */
  readonly fingerprintSince?: string;
  /** True while a raising notification was delivered for `fingerprint` and not cleared. */
  readonly alertActive: boolean;
  /** When the last raising notification for `fingerprint` was delivered (evaluation instant, ISO 8601). */
  readonly lastAlertAt?: string;
  /**
   * The severity that raise carried, when a critical level was configured (docs/reference.md, Expiry
   * policy): entering `critical` after a `warning` (or an alert without severity) is an escalation, due at once.
   */
  readonly lastAlertSeverity?: AlertSeverity;
  /**
   * After a renewal, the replaced certificate whose active alert still needs its clearing notification
   * (kept until one is delivered) and the evaluation instant the renewal was detected.
   */
  readonly pendingClear?: { readonly fingerprint: string; readonly detectedAt: string };
}

/**
 * Per-appliance state kept between runs. Times are evaluation instants (`now` of the run), never the
 * wall clock, so a replay with the same `now` is exact.
 */
export interface ApplianceState extends CertificateHistory {
  readonly version: 1;
  /** notAfter of that certificate, ISO 8601. */
  readonly notAfter?: string;
  /** The last missing / invalid / not_yet_valid report forwarded, to rate-limit them to once per H. */
  readonly lastProblem?: { readonly event: NotificationEvent; readonly at: string };
  /**
   * The problem (missing / invalid / not_yet_valid) observed now and the evaluation instant it was first
   * observed, recorded whether or not its report was delivered: the report's id derives from it, so a
   * retried report keeps its id.
   */
  readonly problem?: { readonly event: NotificationEvent; readonly since: string };
  /**
   * An unplanned replacement still to be notified (docs/reference.md, Replaced certificates): kept until its
   * `replaced` notification is delivered, so a failed one is retried under the same id.
   */
  readonly pendingReplaced?: PendingReplaced;
  /**
   * The state of each named certificate of the appliance (docs/reference.md, Named certificates), by name,
   * each of the same shape as the NTLS certificate's own (without further nesting). Absent until an
   * appliance has one; a malformed entry is dropped where the record is read, never the whole record.
   */
  readonly certificates?: Readonly<Record<string, ApplianceState>>;
  /**
   * Notifications delivered to some trap hosts and still owed to others (docs/design.md, Alert policy):
   * each as sent, with the hosts that lack it and since when; at most one per kind. Every run sends them
   * again, and the gateway then reaches only the hosts that lack them. Like the cache, a malformed entry
   * is ignored (`usableOwed`): it never makes the rest of the state unreadable.
   */
  readonly owed?: readonly OwedDelivery[];
  /**
   * The certificate last read and its source version, so an unchanged object need not be fetched. A
   * malformed entry only disables the cache for one run: it never makes the rest of the state unreadable.
   */
  readonly certificate?: CachedCertificate;
  /**
   * What the fleet report shows of this appliance (docs/monitoring.md, Fleet report), as of the run that last changed
   * it. Only slowly changing fields (no evaluation instant, no days remaining), so a steady run writes
   * nothing. Like the cache, a malformed entry is ignored where it is used (`usableView`).
   */
  readonly view?: ApplianceView;
  /**
   * With a policy: what was logged and forwarded of each finding of the NTLS certificate
   * (docs/reference.md, Certificate findings). Malformed entries are dropped where read.
   */
  readonly findings?: FindingRecords;
  /**
   * With a policy, while a chain certificate decides the status (its fingerprint is `fingerprint`): the
   * NTLS certificate's own, so that a change of the deciding certificate alone is no new NTLS certificate.
   */
  readonly leafFingerprint?: string;
  /**
   * With `leafFingerprint`: the NTLS certificate's own validity (ISO 8601), so that its replacement is
   * judged against its own threshold (docs/reference.md, Replaced certificates), not the chain certificate's.
   */
  readonly leafNotBefore?: string;
  readonly leafNotAfter?: string;
}

/** An unplanned replacement waiting for its `replaced` notification to be delivered. */
export interface PendingReplaced {
  /** The new certificate's fingerprint. */
  readonly fingerprint: string;
  /** The replaced certificate's fingerprint. */
  readonly previous: string;
  /** Whole days between the replacement and the replaced certificate's threshold. */
  readonly daysEarly: number;
  /** The evaluation instant the replacement was detected. */
  readonly detectedAt: string;
}

/** The last notification delivered for an appliance: its event and the evaluation instant it was delivered at. */
export interface LastNotification {
  readonly event: NotificationEvent;
  readonly at: string;
}

/**
 * One appliance as the fleet report and the metrics show it: its status, the certificate fields of the
 * evaluation (absent for `missing` / `invalid`; the last ones read for `unavailable`), the inventory's
 * labels and threshold, and the last notification delivered.
 */
export interface ApplianceView {
  readonly status: Status;
  /** The threshold in days this appliance is evaluated with (the inventory's, else the run's). */
  readonly thresholdDays: number;
  /**
   * Only when set for this appliance (docs/reference.md, Expiry policy): the threshold percent and the
   * critical level's days and percent, so a report rebuilt later applies the same status rule.
   */
  readonly thresholdPercent?: number;
  readonly criticalDays?: number;
  readonly criticalPercent?: number;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly subject?: string;
  /** Uppercase hex, as `openssl x509 -serial`. */
  readonly serialNumber?: string;
  readonly fingerprintSha256?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly lastNotification?: LastNotification;
  /** The certificate's policy findings (docs/reference.md, Certificate findings); absent when none. */
  readonly findings?: readonly FindingEntry[];
  /**
   * The named certificates' views by name (docs/monitoring.md, Fleet report), handed to the run's report;
   * never stored here (each is stored in its certificate's own nested state).
   */
  readonly certificates?: Readonly<Record<string, ApplianceView>>;
}

/** One log line the core asks its host to write (console, CloudWatch, syslog). */
export interface LogEntry {
  readonly key: MessageKey;
  readonly sev: Severity;
  readonly level: Level;
  /** The rendered catalogue text. */
  readonly text: string;
  /** The appliance the line is about; absent for process lifecycle lines. */
  readonly appliance?: string;
}
