/**
 * The gateway's own health in the Prometheus text format (docs/gateway.md, Metrics), served at
 * `GET /metrics`: notifications by result, requests refused by error code, traps by host and result,
 * inform retries, each syslog sink's queue, lost lines and reconnections, journal records, request durations, and prom-client's
 * process metrics (`process_*`, `nodejs_*`). Every gateway has a registry of its own (several may run in
 * one process, in tests and the demo). Labels carry only configuration names (trap host labels, sink
 * names), error codes and HTTP routes: never a secret, never text from a request.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { EVENT_KINDS, type EventKind } from '../../protocol/notificationV2.ts';

/** Every gateway metric name starts with this. */
export const GATEWAY_METRICS_PREFIX = 'certmonitor_gateway_';

/** What one notification came to: sent everywhere, answered from the journal, or not reached by some host. */
export type NotificationOutcome = 'delivered' | 'duplicate' | 'failed';

/** One syslog sink's figures at scrape time (docs/gateway.md, Syslog delivery). */
export interface SyslogSinkFigures {
  readonly sink: string;
  /** Lines not yet written (collector away, file failing). */
  readonly waiting: number;
  /** Lines written and kept for replay until known delivered. */
  readonly unconfirmed: number;
  /** Lines lost since start. */
  readonly dropped: number;
  /** Connections established again (for a file: recoveries after a failed write). */
  readonly reconnects: number;
}

/** Where the gauges read their values at scrape time. */
export interface GatewayGaugeSources {
  /** Records the journal holds (ids in the retention window). */
  readonly journalRecords: () => number;
  /** Every syslog sink's figures. */
  readonly syslog: () => readonly SyslogSinkFigures[];
}

/** prom-client's process metrics that break the naming rules promtool checks (a gauge ending in `_total`). */
const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The routes the duration histogram knows; anything else is `other`, so a scan cannot mint label values. */
const ROUTES: ReadonlySet<string> = new Set(['/v1/notifications', '/v2/notifications', '/healthz', '/metrics']);

/** The metrics of one gateway, updated by its parts and rendered for a scrape. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly notifications: Counter<'result'>;
  private readonly kinds: Counter<'kind'>;
  private readonly refused: Counter<'code'>;
  private readonly traps: Counter<'host' | 'result'>;
  private readonly informRetries: Counter<'host'>;
  private readonly duration: Histogram<'route' | 'code'>;

  constructor() {
    const registers = [this.registry];
    const name = (suffix: string) => `${GATEWAY_METRICS_PREFIX}${suffix}`;
    this.notifications = new Counter({
      name: name('notifications_total'),
      help: 'Notifications handled, by result: delivered (every trap host reached), duplicate (answered from the journal), failed (some trap host not reached)',
      labelNames: ['result'],
      registers,
    });
    for (const result of ['delivered', 'duplicate', 'failed'] as const) this.notifications.inc({ result }, 0);
    this.kinds = new Counter({
      name: name('notifications_by_kind_total'),
      help: 'Notifications handled, by kind: ntls (the NTLS certificate, on /v1 or /v2), certificate, client, replaced, untrusted, finding',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of ['ntls', ...EVENT_KINDS]) this.kinds.inc({ kind }, 0);
    this.refused = new Counter({
      name: name('requests_refused_total'),
      help: 'Requests answered with an error, by GW_ERR code',
      labelNames: ['code'],
      registers,
    });
    this.traps = new Counter({
      name: name('traps_total'),
      help: 'SNMP notifications sent, by trap host and result (ok or failed)',
      labelNames: ['host', 'result'],
      registers,
    });
    this.informRetries = new Counter({
      name: name('inform_retries_total'),
      help: 'SNMP inform requests sent again after a timeout, by trap host',
      labelNames: ['host'],
      registers,
    });
    this.duration = new Histogram({
      name: name('request_duration_seconds'),
      help: 'HTTP request duration, by route and status code',
      labelNames: ['route', 'code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters fail `promtool check metrics`; the same counts stay, by type, in
    // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const total of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(total);
  }

  /** Declares the trap hosts, so each shows zeros before its first notification. */
  trapHosts(labels: readonly string[]): void {
    for (const host of labels) {
      this.traps.inc({ host, result: 'ok' }, 0);
      this.traps.inc({ host, result: 'failed' }, 0);
    }
  }

  /** Adds the gauges read at scrape time: the journal's records and each syslog sink's figures. */
  watch(sources: GatewayGaugeSources): void {
    const registers = [this.registry];
    new Gauge({
      name: `${GATEWAY_METRICS_PREFIX}journal_records`,
      help: 'Notification ids the delivery journal holds (within the retention window)',
      registers,
      collect() {
        this.set(sources.journalRecords());
      },
    });
    new Gauge({
      name: `${GATEWAY_METRICS_PREFIX}syslog_queue_lines`,
      help: 'Syslog lines a sink holds, by state: waiting (not yet written) or unconfirmed (written, kept for replay); together at most bufferLines',
      labelNames: ['sink', 'state'],
      registers,
      collect() {
        this.reset();
        for (const s of sources.syslog()) {
          this.set({ sink: s.sink, state: 'waiting' }, s.waiting);
          this.set({ sink: s.sink, state: 'unconfirmed' }, s.unconfirmed);
        }
      },
    });
    syslogCounter(registers, 'syslog_dropped_total', 'Syslog lines lost, by sink', sources, (s) => s.dropped);
    syslogCounter(
      registers,
      'syslog_reconnects_total',
      'Syslog connections established again after one was lost, by sink (a file: recoveries after a failed write)',
      sources,
      (s) => s.reconnects,
    );
  }

  notification(outcome: NotificationOutcome): void {
    this.notifications.inc({ result: outcome });
  }

  /** Counts one handled notification by its kind (docs/gateway.md, Newer notifications). */
  notificationKind(kind: EventKind | 'ntls'): void {
    this.kinds.inc({ kind });
  }

  refusedRequest(code: string): void {
    this.refused.inc({ code });
  }

  trap(host: string, ok: boolean): void {
    this.traps.inc({ host, result: ok ? 'ok' : 'failed' });
  }

  informRetry(host: string): void {
    this.informRetries.inc({ host });
  }

  request(route: string | undefined, statusCode: number, seconds: number): void {
    const known = route !== undefined && ROUTES.has(route) ? route : 'other';
    this.duration.observe({ route: known, code: String(statusCode) }, seconds);
  }

  /** The text format of every metric, and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** A counter per syslog sink, read from the sinks' own running totals at scrape time. */
function syslogCounter(
  registers: Registry[],
  suffix: string,
  help: string,
  sources: GatewayGaugeSources,
  value: (s: SyslogSinkFigures) => number,
): void {
  new Counter({
    name: `${GATEWAY_METRICS_PREFIX}${suffix}`,
    help,
    labelNames: ['sink'],
    registers,
    collect() {
      this.reset();
      for (const s of sources.syslog()) this.inc({ sink: s.sink }, value(s));
    },
  });
}
