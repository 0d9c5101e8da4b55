/**
 * The gateway's configuration as the rest of the gateway sees it (docs/gateway.md, Configuration
 * reference): checked against the schema, defaults applied, relative paths resolved against the
 * configuration file's folder, secrets read from files or the environment. Secrets never appear in an
 * error message.
 */
import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import type { EventOids } from '../delivery/deliveryPlan.ts';
import { GatewayConfigError } from '../gatewayErrors.ts';
import type { AccessLogLevel } from '../http/accessLog.ts';
import { resolveConfigPath } from './configPath.ts';
import { parseConfigDocument, type RawGatewayConfig, type RawTrapHost } from './gatewayConfigSchema.ts';
import { readSecretEnv, readSecretFile } from './secretSources.ts';
import { buildTrapHost, type TrapHostConfig } from './trapHostConfig.ts';

/** A syslog destination. */
export type SyslogSinkConfig =
  | {
      readonly transport: 'udp' | 'tcp' | 'tls';
      readonly host: string;
      readonly port: number;
      readonly format: 'rfc3164' | 'rfc5424';
      readonly framing: 'octet-counted' | 'newline';
      readonly ca?: string;
      readonly rejectUnauthorized: boolean;
      readonly bufferLines: number;
    }
  | { readonly transport: 'file'; readonly file: string; readonly bufferLines: number };

/** The whole gateway configuration, validated, with defaults and secrets resolved. */
export interface GatewayConfig {
  readonly listen: {
    readonly host: string;
    readonly port: number;
    readonly tls?: { readonly cert: string; readonly key: string };
    readonly bodyLimitBytes: number;
  };
  readonly auth: {
    readonly keys: ReadonlyMap<string, string>;
    readonly timestampToleranceSeconds: number;
    readonly replayCacheSize: number;
  };
  readonly rateLimit: {
    readonly perClient: { readonly perSecond: number; readonly burst: number };
    readonly perKey: { readonly perSecond: number; readonly burst: number };
  };
  readonly snmp: {
    readonly notificationOid: string;
    readonly trapOnProblems: boolean;
    /** `snmp.events.<kind>.oid` (docs/gateway.md, Newer notifications): only the kinds that trap. */
    readonly events?: EventOids;
  };
  readonly trapHosts: readonly TrapHostConfig[];
  readonly syslog: readonly SyslogSinkConfig[];
  readonly stateDir: string;
  readonly crashDir: string;
  readonly retentionDays: number;
  readonly hostname: string;
  readonly maxInFlightTraps: number;
  /**
   * `GET /metrics` (docs/gateway.md, Metrics): served on the main listener, or on `listen` of its own when
   * set (a plain-HTTP port a scraper may reach while the intake stays on TLS); off with `enabled: false`.
   */
  readonly metrics: { readonly enabled: boolean; readonly listen?: { readonly host: string; readonly port: number } };
  /** Which requests get an access line on stderr. */
  readonly accessLog: AccessLogLevel;
}

/** Signing keys by id, each secret read from its file or variable. */
function buildAuthKeys(
  entries: RawGatewayConfig['auth']['keys'],
  baseDir: string,
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const keys = new Map<string, string>();
  entries.forEach((k, i) => {
    const path = `auth.keys[${i}]`;
    if (keys.has(k.id)) throw new GatewayConfigError(`${path}.id: duplicate key id`);
    if ((k.secretFile === undefined) === (k.secretEnv === undefined)) {
      throw new GatewayConfigError(`${path}.secretFile: give exactly one of secretFile or secretEnv`);
    }
    const secret =
      k.secretFile !== undefined
        ? readSecretFile(resolveConfigPath(k.secretFile, baseDir, env, `${path}.secretFile`), `${path}.secretFile`)
        : readSecretEnv(k.secretEnv!, `${path}.secretEnv`, env);
    keys.set(k.id, secret);
  });
  return keys;
}

/** Every trap host, each under a label of its own (results and log lines name hosts by label). */
function buildTrapHosts(entries: readonly RawTrapHost[], baseDir: string, env: NodeJS.ProcessEnv): TrapHostConfig[] {
  const trapHosts = entries.map((h, i) => buildTrapHost(h, i, baseDir, env));
  const labels = new Set<string>();
  trapHosts.forEach((h, i) => {
    if (labels.has(h.label)) throw new GatewayConfigError(`trapHosts[${i}].name: duplicate trap host ${h.label}`);
    labels.add(h.label);
  });
  return trapHosts;
}

function resolveSinkPaths(
  sink: RawGatewayConfig['syslog'][number],
  index: number,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): SyslogSinkConfig {
  return sink.transport === 'file'
    ? { transport: 'file', file: resolve(baseDir, sink.file), bufferLines: sink.bufferLines }
    : { ...sink, ...(sink.ca ? { ca: resolveConfigPath(sink.ca, baseDir, env, `syslog[${index}].ca`) } : {}) };
}

/** The intake's TLS certificate and key files; either may be a systemd credential. */
function resolveTls(tls: RawGatewayConfig['listen']['tls'], baseDir: string, env: NodeJS.ProcessEnv) {
  if (!tls) return {};
  return {
    tls: {
      cert: resolveConfigPath(tls.cert, baseDir, env, 'listen.tls.cert'),
      key: resolveConfigPath(tls.key, baseDir, env, 'listen.tls.key'),
    },
  };
}

/** Validates an already-parsed YAML document. `baseDir` resolves relative paths; `env` supplies `*Env` secrets. */
export function buildGatewayConfig(doc: unknown, baseDir: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = parseConfigDocument(doc);
  const keys = buildAuthKeys(raw.auth.keys, baseDir, env);
  const trapHosts = buildTrapHosts(raw.trapHosts, baseDir, env);
  const syslog = raw.syslog.map((s, i) => resolveSinkPaths(s, i, baseDir, env));
  const stateDir = resolve(baseDir, raw.stateDir);
  return {
    listen: {
      host: raw.listen.host,
      port: raw.listen.port,
      bodyLimitBytes: raw.listen.bodyLimitBytes,
      ...resolveTls(raw.listen.tls, baseDir, env),
    },
    auth: {
      keys,
      timestampToleranceSeconds: raw.auth.timestampToleranceSeconds,
      replayCacheSize: raw.auth.replayCacheSize,
    },
    rateLimit: raw.rateLimit,
    snmp: raw.snmp,
    trapHosts,
    syslog,
    stateDir,
    crashDir: raw.crashDir ? resolve(baseDir, raw.crashDir) : stateDir,
    retentionDays: raw.retentionDays,
    hostname: raw.hostname ?? osHostname(),
    maxInFlightTraps: raw.maxInFlightTraps,
    metrics: raw.metrics,
    accessLog: raw.accessLog,
  };
}
