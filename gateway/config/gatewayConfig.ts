/**
 * The gateway's YAML configuration (README, Configuration): parsed once with zod (strict objects, so an unknown or
 * misspelt key is refused with its path), defaults applied, secrets read from files or the environment.
 * Secrets never appear in an error message.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatKeyPath } from '../../core/keyPath.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../protocol/notification.ts';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, secretFromText } from '../../protocol/signature.ts';
import { GatewayConfigError } from '../gatewayErrors.ts';

/** The default notification OID (`ntlsAttentionNotify`, docs/design.md, SNMP notification). */
export const DEFAULT_NOTIFICATION_OID = '1.3.6.1.4.1.23629.1.5.2.2.6';

const oid = z.string().regex(/^\d+(\.\d+){2,127}$/, 'must be a dotted numeric OID');
const port = z.number().int().min(1).max(65535);
const positiveInt = z.number().int().positive();
const nonEmpty = z.string().min(1);

const bucket = z.strictObject({
  perSecond: z.number().positive(),
  burst: positiveInt,
});

const secretSources = {
  Env: nonEmpty.optional(),
  File: nonEmpty.optional(),
};

const trapHostSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/)
    .optional(),
  host: nonEmpty,
  port: port.default(162),
  version: z.union([z.literal(1), z.literal(2), z.literal(3), z.enum(['1', 'v1', '2c', 'v2c', '3', 'v3'])]),
  type: z.enum(['trap', 'inform']).default('trap'),
  community: nonEmpty.optional(),
  communityEnv: secretSources.Env,
  communityFile: secretSources.File,
  user: nonEmpty.optional(),
  authProtocol: z.enum(['sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: nonEmpty.optional(),
  authKeyEnv: secretSources.Env,
  authKeyFile: secretSources.File,
  privProtocol: z.enum(['aes', 'aes128', 'aes256', 'aes256b', 'aes256r']).optional(),
  privKey: nonEmpty.optional(),
  privKeyEnv: secretSources.Env,
  privKeyFile: secretSources.File,
  engineId: z.string().optional(),
  retries: z.number().int().min(0).max(20).default(3),
  timeoutMs: z.number().int().min(10).max(120_000).default(2000),
  backoff: z.number().min(1).max(10).default(2),
  maxPerSecond: z.number().min(0).default(5000),
});

const networkSink = (transport: 'udp' | 'tcp' | 'tls') =>
  z.strictObject({
    transport: z.literal(transport),
    host: nonEmpty,
    port: port.default(transport === 'tls' ? 6514 : 514),
    format: z.enum(['rfc3164', 'rfc5424']).default('rfc3164'),
    framing: z.enum(['octet-counted', 'newline']).default(transport === 'udp' ? 'newline' : 'octet-counted'),
    ca: nonEmpty.optional(),
    rejectUnauthorized: z.boolean().default(true),
    bufferLines: positiveInt.max(1_000_000).default(10_000),
  });

const syslogSinkSchema = z.preprocess(
  (v) =>
    v && typeof v === 'object' && !Array.isArray(v) && 'file' in v && !('transport' in v)
      ? { transport: 'file', ...v }
      : v,
  z.discriminatedUnion('transport', [
    networkSink('udp'),
    networkSink('tcp'),
    networkSink('tls'),
    z.strictObject({ transport: z.literal('file'), file: nonEmpty }),
  ]),
);

const configSchema = z.strictObject({
  listen: z
    .strictObject({
      host: nonEmpty.default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8443),
      tls: z.strictObject({ cert: nonEmpty, key: nonEmpty }).optional(),
      bodyLimitBytes: positiveInt.max(MAX_REQUEST_BODY_BYTES).default(MAX_REQUEST_BODY_BYTES),
    })
    .default({ host: '127.0.0.1', port: 8443, bodyLimitBytes: MAX_REQUEST_BODY_BYTES }),
  auth: z.strictObject({
    keys: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9._-]'),
          secretFile: nonEmpty.optional(),
          secretEnv: nonEmpty.optional(),
        }),
      )
      .min(1),
    timestampToleranceSeconds: positiveInt.max(3600).default(DEFAULT_TIMESTAMP_TOLERANCE_SECONDS),
    replayCacheSize: positiveInt.default(100_000),
  }),
  rateLimit: z
    .strictObject({
      perClient: bucket.default({ perSecond: 50, burst: 200 }),
      perKey: bucket.default({ perSecond: 50, burst: 200 }),
    })
    .default({ perClient: { perSecond: 50, burst: 200 }, perKey: { perSecond: 50, burst: 200 } }),
  snmp: z
    .strictObject({
      notificationOid: oid.default(DEFAULT_NOTIFICATION_OID),
      trapOnProblems: z.boolean().default(false),
    })
    .default({ notificationOid: DEFAULT_NOTIFICATION_OID, trapOnProblems: false }),
  trapHosts: z.array(trapHostSchema).default([]),
  syslog: z.array(syslogSinkSchema).default([]),
  stateDir: nonEmpty.default('./var/gateway'),
  crashDir: nonEmpty.optional(),
  retentionDays: z.number().min(1).max(365).default(7),
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/)
    .optional(),
  maxInFlightTraps: positiveInt.max(10_000).default(256),
});

/** net-snmp's names for the configured protocols. */
export type AuthProtocolName = 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocolName = 'aes' | 'aes256b' | 'aes256r';

/** SNMPv3 user of one trap host, secrets resolved. */
export interface V3User {
  readonly name: string;
  readonly level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  readonly authProtocol?: AuthProtocolName;
  readonly authKey?: string;
  readonly privProtocol?: PrivProtocolName;
  readonly privKey?: string;
}

/** One trap host, ready to use. `problem` is set for a v3 host that is not properly configured. */
export interface TrapHostConfig {
  /** How results and log lines name the host: its `name`, else `host` or `host:port` when not 162. */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly version: '1' | '2c' | '3';
  readonly type: 'trap' | 'inform';
  readonly community?: string;
  readonly user?: V3User;
  readonly engineId?: string;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly backoff: number;
  readonly maxPerSecond: number;
  readonly problem?: string;
}

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
  | { readonly transport: 'file'; readonly file: string };

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
  readonly snmp: { readonly notificationOid: string; readonly trapOnProblems: boolean };
  readonly trapHosts: readonly TrapHostConfig[];
  readonly syslog: readonly SyslogSinkConfig[];
  readonly stateDir: string;
  readonly crashDir: string;
  readonly retentionDays: number;
  readonly hostname: string;
  readonly maxInFlightTraps: number;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const base = formatKeyPath(issue.path);
    const keys = issue.keys.map((k) => (base === '(root)' ? k : `${base}.${k}`));
    return `unknown key ${keys.join(', ')}`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `${formatKeyPath([...issue.path, 'transport'])}: must be udp, tcp, tls, or a file sink`;
  }
  // zod's own messages describe the expected type/format; they never quote the received value.
  return `${formatKeyPath(issue.path)}: ${issue.message}`;
}

function readSecretFile(file: string, keyPath: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new GatewayConfigError(`${keyPath}: secret file cannot be read (${code})`, { cause: error });
  }
  const secret = secretFromText(content);
  if (secret === '') throw new GatewayConfigError(`${keyPath}: secret file is empty`);
  return secret;
}

function readSecretEnv(name: string, keyPath: string, env: NodeJS.ProcessEnv): string {
  const value = secretFromText(env[name] ?? '');
  if (!value) throw new GatewayConfigError(`${keyPath}: environment variable ${name} is not set`);
  return value;
}

/** Resolves a secret given literally, by environment variable or by file; at most one source. */
function resolveSecret(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const literal = obj[key] as string | undefined;
  const envName = obj[`${key}Env`] as string | undefined;
  const file = obj[`${key}File`] as string | undefined;
  const given = [literal, envName, file].filter((v) => v !== undefined).length;
  if (given > 1) throw new GatewayConfigError(`${path}.${key}: give only one of ${key}, ${key}Env, ${key}File`);
  if (envName !== undefined) return readSecretEnv(envName, `${path}.${key}Env`, env);
  if (file !== undefined) return readSecretFile(resolve(baseDir, file), `${path}.${key}File`);
  return literal;
}

const HOSTNAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** True for an IP literal or a syntactically valid DNS name (all-numeric dotted names are bad IPv4, e.g. 999.1.1.1). */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return HOSTNAME_RE.test(host) && !/^[0-9.]+$/.test(host);
}

/** An SNMP engine ID: hex (optional 0x), 5 to 32 bytes. */
export function isValidEngineId(engineId: string): boolean {
  const hex = engineId.replace(/^0x/i, '');
  return /^([0-9A-Fa-f]{2}){5,32}$/.test(hex);
}

const AUTH_NAMES: Readonly<Record<string, AuthProtocolName>> = {
  sha: 'sha',
  sha1: 'sha',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};
const PRIV_NAMES: Readonly<Record<string, PrivProtocolName>> = {
  aes: 'aes',
  aes128: 'aes',
  aes256: 'aes256b',
  aes256b: 'aes256b',
  aes256r: 'aes256r',
};

type RawTrapHost = z.infer<typeof trapHostSchema>;

function buildTrapHost(raw: RawTrapHost, index: number, baseDir: string, env: NodeJS.ProcessEnv): TrapHostConfig {
  const path = `trapHosts[${index}]`;
  const version = String(raw.version).replace(/^v/, '').replace(/^2$/, '2c') as '1' | '2c' | '3';
  const label = raw.name ?? (raw.port === 162 ? raw.host : `${raw.host}:${raw.port}`);
  const common = {
    label,
    host: raw.host,
    port: raw.port,
    version,
    type: raw.type,
    retries: raw.retries,
    timeoutMs: raw.timeoutMs,
    backoff: raw.backoff,
    maxPerSecond: raw.maxPerSecond,
  };
  const rawObj = raw as unknown as Record<string, unknown>;
  if (version !== '3') {
    for (const k of ['user', 'authProtocol', 'authKey', 'authKeyEnv', 'authKeyFile', 'privProtocol', 'privKey']) {
      if (rawObj[k] !== undefined) throw new GatewayConfigError(`${path}.${k}: only for version 3`);
    }
    if (version === '1' && raw.type === 'inform') throw new GatewayConfigError(`${path}.type: SNMPv1 has no inform`);
    if (!isValidHost(raw.host)) throw new GatewayConfigError(`${path}.host: not an IP address or host name`);
    const community = resolveSecret(rawObj, 'community', path, baseDir, env);
    if (community === undefined) throw new GatewayConfigError(`${path}.community: required for version ${version}`);
    return { ...common, community };
  }
  if (rawObj.community !== undefined || rawObj.communityEnv !== undefined || rawObj.communityFile !== undefined) {
    throw new GatewayConfigError(`${path}.community: not used by version 3 (configure user)`);
  }
  if (raw.user === undefined) throw new GatewayConfigError(`${path}.user: required for version 3`);
  const authKey = resolveSecret(rawObj, 'authKey', path, baseDir, env);
  const privKey = resolveSecret(rawObj, 'privKey', path, baseDir, env);
  if (raw.authProtocol === undefined && authKey !== undefined) {
    throw new GatewayConfigError(`${path}.authProtocol: required with authKey`);
  }
  if (raw.authProtocol !== undefined && authKey === undefined) {
    throw new GatewayConfigError(`${path}.authKey: required with authProtocol`);
  }
  if (raw.privProtocol !== undefined && raw.authProtocol === undefined) {
    throw new GatewayConfigError(`${path}.privProtocol: privacy needs authProtocol too`);
  }
  if ((raw.privProtocol === undefined) !== (privKey === undefined)) {
    throw new GatewayConfigError(`${path}.privKey: privProtocol and privKey go together`);
  }
  // RFC 3414 §11.2: passphrases shorter than 8 characters are refused by every agent.
  if (authKey !== undefined && authKey.length < 8) {
    throw new GatewayConfigError(`${path}.authKey: must be at least 8 characters`);
  }
  if (privKey !== undefined && privKey.length < 8) {
    throw new GatewayConfigError(`${path}.privKey: must be at least 8 characters`);
  }
  const user: V3User = {
    name: raw.user,
    level: raw.privProtocol ? 'authPriv' : raw.authProtocol ? 'authNoPriv' : 'noAuthNoPriv',
    ...(raw.authProtocol ? { authProtocol: AUTH_NAMES[raw.authProtocol]!, authKey: authKey! } : {}),
    ...(raw.privProtocol ? { privProtocol: PRIV_NAMES[raw.privProtocol]!, privKey: privKey! } : {}),
  };
  // As on the appliance, a v3 host with a bad engine ID or address is skipped (logged), not fatal.
  let problem: string | undefined;
  if (!isValidHost(raw.host)) problem = 'invalid address';
  else if (raw.engineId !== undefined && !isValidEngineId(raw.engineId)) problem = 'invalid engine ID';
  else if (raw.type === 'trap' && raw.engineId === undefined) problem = 'engine ID required for v3 traps';
  const engineId = raw.engineId?.replace(/^0x/i, '').toLowerCase();
  return { ...common, user, ...(engineId && !problem ? { engineId } : {}), ...(problem ? { problem } : {}) };
}

/** Validates an already-parsed YAML document. `baseDir` resolves relative paths; `env` supplies `*Env` secrets. */
export function buildGatewayConfig(doc: unknown, baseDir: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = configSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new GatewayConfigError(`invalid gateway configuration: ${describeIssue(first)}`, { cause: parsed.error });
  }
  const raw = parsed.data;
  const keys = new Map<string, string>();
  raw.auth.keys.forEach((k, i) => {
    const path = `auth.keys[${i}]`;
    if (keys.has(k.id)) throw new GatewayConfigError(`${path}.id: duplicate key id`);
    if ((k.secretFile === undefined) === (k.secretEnv === undefined)) {
      throw new GatewayConfigError(`${path}.secretFile: give exactly one of secretFile or secretEnv`);
    }
    const secret =
      k.secretFile !== undefined
        ? readSecretFile(resolve(baseDir, k.secretFile), `${path}.secretFile`)
        : readSecretEnv(k.secretEnv!, `${path}.secretEnv`, env);
    keys.set(k.id, secret);
  });
  const trapHosts = raw.trapHosts.map((h, i) => buildTrapHost(h, i, baseDir, env));
  const labels = new Set<string>();
  trapHosts.forEach((h, i) => {
    if (labels.has(h.label)) throw new GatewayConfigError(`trapHosts[${i}].name: duplicate trap host ${h.label}`);
    labels.add(h.label);
  });
  const syslog: SyslogSinkConfig[] = raw.syslog.map((s) =>
    s.transport === 'file'
      ? { transport: 'file', file: resolve(baseDir, s.file) }
      : { ...s, ...(s.ca ? { ca: resolve(baseDir, s.ca) } : {}) },
  );
  const stateDir = resolve(baseDir, raw.stateDir);
  return {
    listen: {
      host: raw.listen.host,
      port: raw.listen.port,
      bodyLimitBytes: raw.listen.bodyLimitBytes,
      ...(raw.listen.tls
        ? { tls: { cert: resolve(baseDir, raw.listen.tls.cert), key: resolve(baseDir, raw.listen.tls.key) } }
        : {}),
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
  };
}

/** Reads and validates the YAML configuration file; throws {@link GatewayConfigError} naming the key. */
export function loadGatewayConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new GatewayConfigError(`configuration file cannot be read (${code})`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    // The YAML parser's message can quote the file's text, which may hold a secret.
    const pos = (error as { linePos?: [{ line: number }] }).linePos?.[0]?.line;
    throw new GatewayConfigError(`configuration file is not valid YAML${pos ? ` (line ${pos})` : ''}`, {
      cause: error,
    });
  }
  return buildGatewayConfig(doc, dirname(resolve(file)), env);
}
