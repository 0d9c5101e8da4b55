/**
 * Starts and stops the whole gateway: syslog sinks, journal, SNMP sessions, HTTP intake, metrics,
 * lifecycle lines. Stopping stops intake first, drains deliveries in flight, then closes sessions and sinks.
 * Files the intake needs are read before `started` is logged; a start that fails after it logs
 * `terminated`, so every `started` has its end (docs/gateway.md, Failure handling).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './config/gatewayConfig.ts';
import type { TrapHostConfig } from './config/trapHostConfig.ts';
import { CompactionScheduler } from './delivery/compactionScheduler.ts';
import { DeliveryJournal } from './delivery/deliveryJournal.ts';
import { DeliveryService } from './delivery/deliveryService.ts';
import { GatewayConfigError } from './gatewayErrors.ts';
import { accessLogger } from './http/accessLog.ts';
import { buildGatewayServer } from './http/gatewayServer.ts';
import { type ListenTlsMaterial, loadListenTls } from './http/listenTls.ts';
import { RequestAuthenticator } from './http/requestAuthenticator.ts';
import { TokenBucketLimiter } from './http/tokenBucketLimiter.ts';
import { GatewayMetrics } from './metrics/gatewayMetrics.ts';
import { type MetricsListener, startMetricsListener } from './metrics/metricsListener.ts';
import { SnmpTrapSender } from './snmp/snmpTrapSender.ts';
import { createSyslogSinks } from './syslog/createSyslogSinks.ts';
import { SyslogWriter } from './syslog/syslogWriter.ts';

/** A started gateway. */
export interface RunningGateway {
  /** The address actually bound (port 0 resolves to a real port). */
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** Where `GET /metrics` answers (the intake's, or `metrics.listen`'s); undefined when metrics are off. */
  readonly metricsUrl?: string;
  readonly writer: SyslogWriter;
  /** Settles when pending deliveries from before the start have been resumed. */
  readonly resumed: Promise<void>;
  /** Stops intake, drains, closes; logs shuttingDown / terminated. Idempotent. */
  stop(): Promise<void>;
}

/** Process-level choices the CLI makes (tests silence stderr, fix the pid). */
export interface StartOptions {
  readonly pid?: number;
  /** Where lifecycle lines are echoed; default stderr, undefined to silence. */
  readonly stderr?: ((line: string) => void) | undefined;
  /** Log consoleMode (foreground on a terminal). */
  readonly consoleMode?: boolean;
}

const ONE_DAY_MS = 86_400_000;

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

/** A start-up failure named after the configuration key that causes it. */
function startError(key: string, what: string, cause: unknown): GatewayConfigError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  return new GatewayConfigError(`${key}: ${what} (${code})`, { cause });
}

/** What a started gateway owns besides its intake. */
interface GatewayParts {
  readonly writer: SyslogWriter;
  readonly journal: DeliveryJournal;
  readonly sender: SnmpTrapSender;
  readonly service: DeliveryService;
  readonly metrics?: GatewayMetrics;
}

/** Where diagnostics for the operator go; undefined when silenced. */
type Stderr = StartOptions['stderr'];

/** Starts the gateway described by `config`. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const pid = options.pid ?? process.pid;
  const stderr: Stderr = 'stderr' in options ? options.stderr : (line: string) => void process.stderr.write(line);
  // Before anything is announced: a gateway that cannot serve HTTPS never logs `started`.
  const tls = config.listen.tls ? loadListenTls(config.listen.tls) : undefined;
  const writer = new SyslogWriter(createSyslogSinks(config.syslog), config.hostname, pid, stderr ?? null);
  announceStart(writer, config.trapHosts, options.consoleMode === true, stderr);
  const journal = await openJournal(config, writer);
  const metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
  const sender = new SnmpTrapSender(config.trapHosts, config.snmp.notificationOid, config.maxInFlightTraps, {
    notice: (line) => stderr?.(`certmonitor gateway: ${line}\n`),
    ...(metrics ? { observer: metrics } : {}),
  });
  metrics?.trapHosts(sender.hostLabels);
  metrics?.watch({ journalRecords: () => journal.size, syslog: () => writer.sinkStats() });
  const service = new DeliveryService({
    journal,
    sender,
    syslog: writer,
    trapOnProblems: config.snmp.trapOnProblems,
    ...(config.snmp.events ? { events: config.snmp.events } : {}),
    pid,
    ...(metrics ? { metrics } : {}),
  });
  const parts: GatewayParts = { writer, journal, sender, service, ...(metrics ? { metrics } : {}) };
  const app = await startIntake(config, tls, parts, stderr);
  const metricsListener = await startOwnMetricsListener(config, parts, app);
  const addr = app.server.address() as AddressInfo;
  if (!config.listen.tls && !isLoopback(addr.address)) {
    // Signatures stop forgery, not eavesdropping: appliance names and addresses would travel in clear.
    stderr?.('certmonitor gateway: warning: listening without TLS on a non-loopback address (set listen.tls)\n');
  }
  const resumed = service.resumePending().then(
    () => undefined,
    (error: unknown) => stderr?.(`certmonitor gateway: resuming pending deliveries failed: ${String(error)}\n`),
  );
  const stopHousekeeping = startHousekeeping(writer, journal);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await metricsListener?.close();
      await stopGateway(app, parts, stopHousekeeping);
    })();
    return stopping;
  };
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${config.listen.tls ? 'https' : 'http'}://${host}:${addr.port}`;
  const metricsUrl = metrics ? (metricsListener?.url ?? `${url}/metrics`) : undefined;
  return {
    port: addr.port,
    host: addr.address,
    url,
    ...(metricsUrl ? { metricsUrl } : {}),
    writer,
    resumed,
    stop,
  };
}

/** The start lines: started, consoleMode in the foreground, snmpV3NotConfigured for each host skipped. */
function announceStart(
  writer: SyslogWriter,
  trapHosts: readonly TrapHostConfig[],
  consoleMode: boolean,
  stderr: Stderr,
): void {
  writer.lifecycle('started');
  if (consoleMode) writer.lifecycle('consoleMode');
  for (const h of trapHosts) {
    if (h.problem !== undefined) {
      writer.lifecycle('snmpV3NotConfigured');
      stderr?.(`certmonitor gateway: trap host ${h.label} skipped: ${h.problem}\n`);
    }
  }
}

/** Opens (and compacts) the journal; when it cannot, logs terminated, closes the sinks and names `stateDir`. */
async function openJournal(config: GatewayConfig, writer: SyslogWriter): Promise<DeliveryJournal> {
  try {
    return DeliveryJournal.open(config.stateDir, config.retentionDays * ONE_DAY_MS, Date.now());
  } catch (error) {
    writer.lifecycle('terminated');
    await writer.close();
    throw startError('stateDir', 'cannot be written', error);
  }
}

/**
 * Builds the HTTP intake and starts listening. When either fails, what was opened so far is closed
 * (after a terminated line) and the error names the key at fault: `listen.tls` or `listen`.
 */
async function startIntake(
  config: GatewayConfig,
  tls: ListenTlsMaterial | undefined,
  parts: GatewayParts,
  stderr: Stderr,
): Promise<FastifyInstance> {
  let app: FastifyInstance;
  try {
    app = buildIntake(config, tls, parts, stderr);
  } catch (error) {
    await closeParts(parts);
    throw startError(tls ? 'listen.tls' : 'listen', 'cannot be used', error);
  }
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    await closeParts(parts);
    throw startError('listen', `cannot listen on ${config.listen.host}:${config.listen.port}`, error);
  }
  return app;
}

/**
 * `GET /metrics` on `metrics.listen` when it is set; when it cannot listen, what was started is closed
 * and the error names `metrics.listen`.
 */
async function startOwnMetricsListener(
  config: GatewayConfig,
  parts: GatewayParts,
  app: FastifyInstance,
): Promise<MetricsListener | undefined> {
  const listen = config.metrics.listen;
  if (!parts.metrics || !listen) return undefined;
  try {
    return await startMetricsListener(parts.metrics, listen.host, listen.port);
  } catch (error) {
    await app.close().catch(() => undefined);
    await closeParts(parts);
    throw startError('metrics.listen', `cannot listen on ${listen.host}:${listen.port}`, error);
  }
}

/** The fastify intake of `config`: its authenticator, rate limits and the hooks that report refusals. */
function buildIntake(
  config: GatewayConfig,
  tls: ListenTlsMaterial | undefined,
  parts: GatewayParts,
  stderr: Stderr,
): FastifyInstance {
  return buildGatewayServer({
    authenticator: new RequestAuthenticator(
      config.auth.keys,
      config.auth.timestampToleranceSeconds,
      config.auth.replayCacheSize,
    ),
    service: parts.service,
    perClient: new TokenBucketLimiter(config.rateLimit.perClient.perSecond, config.rateLimit.perClient.burst),
    perKey: new TokenBucketLimiter(config.rateLimit.perKey.perSecond, config.rateLimit.perKey.burst),
    bodyLimitBytes: config.listen.bodyLimitBytes,
    ...(tls ? { tls } : {}),
    onRejected: rejectionLogger(parts.writer),
    ...(parts.metrics ? { metrics: parts.metrics, serveMetrics: !config.metrics.listen } : {}),
    onAccess: accessLogger(config.accessLog, stderr),
    onInternalError: (error) => {
      const e = error instanceof Error ? error : new Error(String(error));
      stderr?.(`certmonitor gateway: internal error: ${e.stack ?? e.message}\n`);
    },
  });
}

/** The intake's `onRejected` hook: refused requests become requestRejected lines, at most one a second. */
function rejectionLogger(writer: SyslogWriter): (peer: string, code: string) => void {
  let lastLogged = 0;
  let suppressed = 0;
  return (peer, code) => {
    // A flood must not become a syslog flood: at most one line per second, the rest counted.
    const now = Date.now();
    if (now - lastLogged < 1000) {
      suppressed++;
      return;
    }
    lastLogged = now;
    const more = suppressed > 0 ? ` (+${suppressed} more not logged)` : '';
    suppressed = 0;
    writer.lifecycle('requestRejected', { peer, reason: `${code}${more}` });
  };
}

/** Reports dropped syslog lines every minute and starts the journal's compactions; returns the stop. */
function startHousekeeping(writer: SyslogWriter, journal: DeliveryJournal): () => Promise<void> {
  const dropTimer = setInterval(() => writer.reportDrops(), 60_000);
  dropTimer.unref();
  const compactions = new CompactionScheduler({ journal, writer });
  compactions.start();
  return () => {
    clearInterval(dropTimer);
    return compactions.stop();
  };
}

/**
 * The stop sequence: intake first, so no new batch starts; deliveries in flight drain; then sessions,
 * journal and sinks close, after the last drop report and the terminated line.
 */
async function stopGateway(
  app: FastifyInstance,
  parts: GatewayParts,
  stopHousekeeping: () => Promise<void>,
): Promise<void> {
  const { writer, journal, sender, service } = parts;
  writer.lifecycle('shuttingDown');
  const housekeepingStopped = stopHousekeeping();
  await app.close();
  await service.drain();
  sender.close();
  // Closing the journal ends a compaction under way; the old file, still whole, stays the journal.
  journal.close();
  await housekeepingStopped;
  writer.reportDrops();
  writer.lifecycle('terminated');
  await writer.close();
}

/** Closes what a start that failed half-way had opened; its `started` line gets its `terminated`. */
async function closeParts({ sender, journal, writer }: GatewayParts): Promise<void> {
  sender.close();
  journal.close();
  writer.lifecycle('terminated');
  await writer.close();
}
