/**
 * One `trapHosts[]` entry made ready to use (docs/gateway.md, Configuration reference): version and
 * label normalised, secrets resolved, the SNMPv3 security level derived from what is set. A mistake is
 * refused naming its key, except a v3 host whose engine ID or address is invalid: as on the appliance,
 * that host is kept with a `problem`, logged at start and skipped, and the others are served.
 */
import { isIP } from 'node:net';
import { GatewayConfigError } from '../gatewayErrors.ts';
import type { RawTrapHost } from './gatewayConfigSchema.ts';
import { resolveSecret } from './secretSources.ts';

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

/** What every trap host has, whatever its SNMP version. */
interface TrapHostBasics {
  /** How results and log lines name the host: its `name`, else `host` or `host:port` when not 162. */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** Re-sends of an unacknowledged inform after the first send. */
  readonly retries: number;
  /** How long the first send of an inform waits for its acknowledgement; each re-send waits `backoff` times longer. */
  readonly timeoutMs: number;
  readonly backoff: number;
  readonly maxPerSecond: number;
}

/** An SNMPv1 host: traps only (v1 has no inform), authenticated by a community. */
export interface V1TrapHost extends TrapHostBasics {
  readonly version: '1';
  readonly type: 'trap';
  readonly community: string;
  readonly user?: never;
  readonly engineId?: never;
  /** Only a v3 host is ever kept with a problem. */
  readonly problem?: never;
}

/** An SNMPv2c host: traps or informs, authenticated by a community. */
export interface V2cTrapHost extends TrapHostBasics {
  readonly version: '2c';
  readonly type: 'trap' | 'inform';
  readonly community: string;
  readonly user?: never;
  readonly engineId?: never;
  /** Only a v3 host is ever kept with a problem. */
  readonly problem?: never;
}

/**
 * An SNMPv3 host: traps (sent from the gateway's engine, `engineId`) or informs (to the receiver's
 * engine, discovered), by a user. `problem` is set when it is not properly configured: it is skipped.
 */
export interface V3TrapHost extends TrapHostBasics {
  readonly version: '3';
  readonly type: 'trap' | 'inform';
  readonly community?: never;
  readonly user: V3User;
  readonly engineId?: string;
  readonly problem?: string;
}

/** One trap host, ready to use: a union by SNMP version (v1 and v2c carry a community, v3 a user). */
export type TrapHostConfig = V1TrapHost | V2cTrapHost | V3TrapHost;

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

const V3_ONLY_KEYS = ['user', 'authProtocol', 'authKey', 'authKeyEnv', 'authKeyFile', 'privProtocol', 'privKey'];

/** What every version shares, as the entry gave it. */
type HostBasics = TrapHostBasics & { readonly version: TrapHostConfig['version']; readonly type: 'trap' | 'inform' };

/** Where an entry's secrets are looked up: its key path, the configuration's folder, the environment. */
interface SecretContext {
  readonly path: string;
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Builds entry `index` of `trapHosts`; throws {@link GatewayConfigError} naming the key at fault. */
export function buildTrapHost(
  raw: RawTrapHost,
  index: number,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): TrapHostConfig {
  const version = String(raw.version).replace(/^v/, '').replace(/^2$/, '2c') as '1' | '2c' | '3';
  const basics: HostBasics = {
    label: raw.name ?? (raw.port === 162 ? raw.host : `${raw.host}:${raw.port}`),
    host: raw.host,
    port: raw.port,
    version,
    type: raw.type,
    retries: raw.retries,
    timeoutMs: raw.timeoutMs,
    backoff: raw.backoff,
    maxPerSecond: raw.maxPerSecond,
  };
  const secrets: SecretContext = { path: `trapHosts[${index}]`, baseDir, env };
  return version === '3' ? buildV3Host(raw, basics, secrets) : buildCommunityHost(raw, basics, secrets);
}

/** A v1 or v2c host: a community and none of the v3 keys. */
function buildCommunityHost(raw: RawTrapHost, basics: HostBasics, secrets: SecretContext): V1TrapHost | V2cTrapHost {
  const { path, baseDir, env } = secrets;
  const fields = raw as unknown as Record<string, unknown>;
  for (const k of V3_ONLY_KEYS) {
    if (fields[k] !== undefined) throw new GatewayConfigError(`${path}.${k}: only for version 3`);
  }
  const { version, type, ...shared } = basics;
  if (version === '1' && type === 'inform') throw new GatewayConfigError(`${path}.type: SNMPv1 has no inform`);
  if (!isValidHost(raw.host)) throw new GatewayConfigError(`${path}.host: not an IP address or host name`);
  const community = resolveSecret(fields, 'community', path, baseDir, env);
  if (community === undefined) throw new GatewayConfigError(`${path}.community: required for version ${version}`);
  return version === '1'
    ? { ...shared, version, type: 'trap', community }
    : { ...shared, version: '2c', type, community };
}

/** A v3 host: its user, and its engine ID unless the host has a `problem`. */
function buildV3Host(raw: RawTrapHost, basics: HostBasics, secrets: SecretContext): V3TrapHost {
  if (raw.community !== undefined || raw.communityEnv !== undefined || raw.communityFile !== undefined) {
    throw new GatewayConfigError(`${secrets.path}.community: not used by version 3 (configure user)`);
  }
  const user = buildV3User(raw, secrets);
  const problem = v3Problem(raw);
  const engineId = raw.engineId?.replace(/^0x/i, '').toLowerCase();
  return {
    ...basics,
    version: '3',
    user,
    ...(engineId && !problem ? { engineId } : {}),
    ...(problem ? { problem } : {}),
  };
}

/** The v3 user: keys resolved and checked against their protocols; the level follows from what is set. */
function buildV3User(raw: RawTrapHost, { path, baseDir, env }: SecretContext): V3User {
  if (raw.user === undefined) throw new GatewayConfigError(`${path}.user: required for version 3`);
  const fields = raw as unknown as Record<string, unknown>;
  const authKey = resolveSecret(fields, 'authKey', path, baseDir, env);
  const privKey = resolveSecret(fields, 'privKey', path, baseDir, env);
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
  return {
    name: raw.user,
    level: raw.privProtocol ? 'authPriv' : raw.authProtocol ? 'authNoPriv' : 'noAuthNoPriv',
    ...(raw.authProtocol ? { authProtocol: AUTH_NAMES[raw.authProtocol]!, authKey: authKey! } : {}),
    ...(raw.privProtocol ? { privProtocol: PRIV_NAMES[raw.privProtocol]!, privKey: privKey! } : {}),
  };
}

/** Why a v3 host cannot be used, or undefined. Such a host is skipped and logged, never fatal. */
function v3Problem(raw: RawTrapHost): string | undefined {
  if (!isValidHost(raw.host)) return 'invalid address';
  if (raw.engineId !== undefined && !isValidEngineId(raw.engineId)) return 'invalid engine ID';
  if (raw.type === 'trap' && raw.engineId === undefined) return 'engine ID required for v3 traps';
  return undefined;
}
