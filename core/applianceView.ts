/**
 * The fleet report's view of one appliance (docs/monitoring.md, Fleet report; docs/design.md, Fleet report), built by
 * the run from its evaluation and kept in the appliance's state record, so `certmonitor report` can rebuild
 * the report from the state alone. It holds only fields that change when the appliance changes (status,
 * certificate, labels, last notification), never the run's instant, so a steady run writes nothing.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import { FINGERPRINT_SHA256, NOTIFICATION_EVENTS, type NotificationEvent } from '../protocol/notification.ts';
import {
  type ApplianceState,
  type ApplianceView,
  type LastNotification,
  type Settings,
  STATUSES,
  type Status,
} from './types.ts';

/** Longest text field kept (a subject is bounded to 1024 characters where it is read). */
const MAX_TEXT = 1024;
/** Most labels and longest label name or value kept from a record (the inventory allows far less). */
const MAX_LABELS = 64;
const MAX_LABEL_TEXT = 256;

const EVENTS: ReadonlySet<string> = new Set(NOTIFICATION_EVENTS);
const STATUS_SET: ReadonlySet<string> = new Set(STATUSES);

/** The certificate fields of an evaluation as `inspect --json` prints them (ISO 8601 dates). */
export interface ViewFields {
  readonly status: Status;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly subject?: string;
  readonly serialNumber?: string;
  readonly fingerprintSha256?: string;
}

/** The expiry policy's levels a view keeps, only those set (docs/reference.md, Expiry policy). */
export interface ViewLevels {
  readonly thresholdPercent?: number;
  readonly criticalDays?: number;
  readonly criticalPercent?: number;
}

const LEVEL_FIELDS = ['thresholdPercent', 'criticalDays', 'criticalPercent'] as const;

/** The levels of a view as the settings of an appliance give them. */
export function viewLevels(settings: Settings): ViewLevels {
  const levels: Record<string, number> = {};
  if (settings.thresholdPercent !== undefined) levels.thresholdPercent = settings.thresholdPercent;
  if (settings.critical?.days !== undefined) levels.criticalDays = settings.critical.days;
  if (settings.critical?.percent !== undefined) levels.criticalPercent = settings.critical.percent;
  return levels;
}

/** What besides the evaluation goes into a view. */
export interface ViewContext {
  readonly thresholdDays: number;
  /** Absent (or empty) without a percent or critical days / percent: the view is as it always was. */
  readonly levels?: ViewLevels;
  readonly labels?: Readonly<Record<string, string>>;
  /** The view stored before this run: its certificate stands in while the source is `unavailable`. */
  readonly previous?: ApplianceView;
  readonly lastNotification?: LastNotification;
}

const CERTIFICATE_FIELDS = ['notBefore', 'notAfter', 'subject', 'serialNumber', 'fingerprintSha256'] as const;

/**
 * The view of an appliance after this run's evaluation. A `missing` or `invalid` appliance shows no
 * certificate; an `unavailable` one keeps the certificate last read, since its source says nothing new. Pure.
 */
export function applianceView(fields: ViewFields, context: ViewContext): ApplianceView {
  const certificate: Partial<ViewFields> = fields.status === 'unavailable' ? (context.previous ?? {}) : fields;
  const out: Record<string, unknown> = { status: fields.status, thresholdDays: context.thresholdDays };
  for (const key of LEVEL_FIELDS) {
    const value = context.levels?.[key];
    if (value !== undefined) out[key] = value;
  }
  for (const key of CERTIFICATE_FIELDS) {
    const value = certificate[key];
    if (value !== undefined) out[key] = value;
  }
  const labels = context.labels && Object.keys(context.labels).length > 0 ? sortedLabels(context.labels) : undefined;
  if (labels) out.labels = labels;
  if (context.lastNotification) out.lastNotification = { ...context.lastNotification };
  return out as unknown as ApplianceView;
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The last notification once this run's deliveries are known: the last of `delivered` (in the order
 * they were due, clearing first) at the run's instant, else the one the state remembered. Pure.
 */
export function lastNotificationAfter(
  delivered: readonly NotificationEvent[],
  observedAt: string,
  previous: ApplianceState | undefined,
): LastNotification | undefined {
  const last = delivered.at(-1);
  if (last !== undefined) return { event: last, at: observedAt };
  return previous === undefined ? undefined : rememberedNotification(previous);
}

/**
 * The last notification a state record remembers. Records written before the view existed still tell
 * it: the last raising trap (`lastAlertAt`; `expired` when it came after the certificate's notAfter,
 * else `expiring`) or the last problem report, whichever is later. Pure.
 */
export function rememberedNotification(state: ApplianceState): LastNotification | undefined {
  const fromView = usableView(state.view)?.lastNotification;
  if (fromView) return fromView;
  const candidates: LastNotification[] = [];
  if (isUtcInstant(state.lastAlertAt)) {
    const afterExpiry = isUtcInstant(state.notAfter) && Date.parse(state.lastAlertAt) > Date.parse(state.notAfter);
    candidates.push({ event: afterExpiry ? 'expired' : 'expiring', at: state.lastAlertAt });
  }
  if (state.lastProblem && isUtcInstant(state.lastProblem.at) && EVENTS.has(state.lastProblem.event)) {
    candidates.push({ event: state.lastProblem.event, at: state.lastProblem.at });
  }
  return candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).at(-1);
}

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === 'string' && value.length <= max;
}

function usableLabels(value: unknown): Record<string, string> | undefined | false {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) return false;
  for (const [k, v] of entries) if (!isText(k, MAX_LABEL_TEXT) || !isText(v, MAX_LABEL_TEXT)) return false;
  return sortedLabels(value as Record<string, string>);
}

function usableLastNotification(value: unknown): LastNotification | undefined | false {
  if (value === undefined) return undefined;
  const record = value as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null) return false;
  if (typeof record.event !== 'string' || !EVENTS.has(record.event) || !isUtcInstant(record.at)) return false;
  return { event: record.event as NotificationEvent, at: record.at };
}

/** The levels of a stored view; false when one is malformed. */
function usableLevels(record: Record<string, unknown>): ViewLevels | false {
  const levels: Record<string, number> = {};
  for (const key of LEVEL_FIELDS) {
    const value = record[key];
    if (value === undefined) continue;
    const percent = key !== 'criticalDays';
    const ok =
      typeof value === 'number' &&
      (percent ? value > 0 && value < 100 : Number.isInteger(value) && value >= 0 && value <= 36_500);
    if (!ok) return false;
    levels[key] = value;
  }
  return levels;
}

/** True when every certificate field present has the form the run writes. */
function certificateFieldsUsable(record: Record<string, unknown>): boolean {
  for (const key of ['notBefore', 'notAfter'] as const) {
    if (record[key] !== undefined && !isUtcInstant(record[key])) return false;
  }
  for (const key of ['subject', 'serialNumber'] as const) {
    if (record[key] !== undefined && !isText(record[key])) return false;
  }
  const fp = record.fingerprintSha256;
  return fp === undefined || (typeof fp === 'string' && FINGERPRINT_SHA256.test(fp));
}

/**
 * The view in a stored record, in canonical form (known fields only, fixed order), or undefined when it
 * is absent or malformed: a stored record is untrusted JSON, and a bad view must never cost the alert
 * fields, so it is ignored here rather than refused with the record. Pure.
 */
export function usableView(value: unknown): ApplianceView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.status !== 'string' || !STATUS_SET.has(record.status)) return undefined;
  const days = record.thresholdDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 36_500) return undefined;
  if (!certificateFieldsUsable(record)) return undefined;
  const labels = usableLabels(record.labels);
  const lastNotification = usableLastNotification(record.lastNotification);
  const levels = usableLevels(record);
  if (labels === false || lastNotification === false || levels === false) return undefined;
  return applianceView(record as unknown as ViewFields, {
    thresholdDays: days,
    levels,
    ...(labels ? { labels } : {}),
    ...(lastNotification ? { lastNotification } : {}),
    // An unavailable view carries its own certificate fields.
    ...(record.status === 'unavailable' ? { previous: record as unknown as ApplianceView } : {}),
  });
}
