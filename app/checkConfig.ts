/**
 * Configuration of a check run (docs/reference.md, Configuration), parsed once from the environment and command-line flags into a
 * validated object shared by `certmonitor check` and the Lambda handler. A flag wins over its variable.
 * Unknown `CERTMONITOR_*` variables are refused (a misspelt `CERTMONITOR_TRESHOLD_DAYS` must not silently
 * leave the default in force), and every error names the variable or flag it is about.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { DEFAULT_SETTINGS, type Settings } from '../core/types.ts';
import { COLLECT_VARIABLES } from './collectConfig.ts';
import { ConfigError } from './errors.ts';
import { gatewayLabel } from './gatewayLabel.ts';
import { MAX_GATEWAY_TIMEOUT_MS, MIN_GATEWAY_TIMEOUT_MS } from './gatewayTimeouts.ts';
import { POLICY_VARIABLES, type PolicyFlags, runPolicySettings } from './policyConfig.ts';

/** The validated configuration of a check run. */
export interface CheckConfig {
  /** `dir:PATH`, `s3://bucket/prefix/`, `ssm:/prefix/` or `tls:FLEET.json` (read live from the appliances). */
  readonly source: string;
  /** `dir:PATH` or `s3://bucket/prefix/`. */
  readonly state: string;
  readonly settings: Settings;
  /** Absent: evaluate, log and record state only. */
  readonly forwarder?: ForwarderConfig;
  /** Appliances processed at once. */
  readonly concurrency: number;
  /** The fleet is empty on purpose: a run that evaluates no appliance is not a failed run. */
  readonly allowEmpty?: true;
  /** Unplanned replacements are notified (docs/reference.md, Replaced certificates). */
  readonly replaced?: true;
}

/** Where and how the forwarder reaches the SNMP gateway; exactly one secret location is set. */
export interface ForwarderConfig {
  /** The primary gateway's base URL. */
  readonly url: string;
  /** Standby gateways' base URLs, in the order they are tried (docs/gateway.md, Standby gateways); absent when none. */
  readonly standbys?: readonly string[];
  readonly keyId: string;
  readonly secretFile?: string;
  readonly secretParam?: string;
  /** PEM file of the CA(s) that issued an HTTPS gateway's certificate; trusted instead of the public CAs. */
  readonly caFile?: string;
  /** How long a gateway may take to answer one request, across its attempts; absent: the default (app/gatewayTimeouts.ts). */
  readonly timeoutMs?: number;
}

/** Command-line flags as commander hands them over (strings; absent when not given). */
export interface CheckFlags extends PolicyFlags {
  readonly source?: string;
  readonly state?: string;
  readonly days?: string;
  readonly hours?: string;
  /** `--percent`: also expiring within this percent of the lifetime (docs/reference.md, Expiry policy). */
  readonly percent?: string;
  /** `--critical`, `--critical-percent`, `--critical-hours`: the optional critical level. */
  readonly critical?: string;
  readonly criticalPercent?: string;
  readonly criticalHours?: string;
  readonly gateway?: string;
  readonly keyId?: string;
  readonly secretFile?: string;
  readonly concurrency?: string;
  readonly caFile?: string;
  /** `--allow-empty`: a boolean flag. */
  readonly allowEmpty?: boolean;
  /** `--replaced`: a boolean flag. */
  readonly replaced?: boolean;
  readonly gatewayTimeoutMs?: string;
}

interface Setting {
  readonly variable: string;
  readonly flag?: Exclude<keyof CheckFlags, 'allowEmpty' | 'replaced'>;
  readonly flagName?: string;
}

const SETTINGS = {
  source: { variable: 'CERTMONITOR_SOURCE', flag: 'source', flagName: '--source' },
  state: { variable: 'CERTMONITOR_STATE', flag: 'state', flagName: '--state' },
  days: { variable: 'CERTMONITOR_THRESHOLD_DAYS', flag: 'days', flagName: '--days' },
  hours: { variable: 'CERTMONITOR_REPEAT_HOURS', flag: 'hours', flagName: '--hours' },
  percent: { variable: 'CERTMONITOR_THRESHOLD_PERCENT', flag: 'percent', flagName: '--percent' },
  criticalDays: { variable: 'CERTMONITOR_CRITICAL_DAYS', flag: 'critical', flagName: '--critical' },
  criticalPercent: {
    variable: 'CERTMONITOR_CRITICAL_PERCENT',
    flag: 'criticalPercent',
    flagName: '--critical-percent',
  },
  criticalHours: { variable: 'CERTMONITOR_CRITICAL_HOURS', flag: 'criticalHours', flagName: '--critical-hours' },
  gateway: { variable: 'CERTMONITOR_GATEWAY_URL', flag: 'gateway', flagName: '--gateway' },
  keyId: { variable: 'CERTMONITOR_GATEWAY_KEY_ID', flag: 'keyId', flagName: '--key-id' },
  secretParam: { variable: 'CERTMONITOR_GATEWAY_SECRET_PARAM' },
  secretFile: { variable: 'CERTMONITOR_GATEWAY_SECRET_FILE', flag: 'secretFile', flagName: '--secret-file' },
  concurrency: { variable: 'CERTMONITOR_CONCURRENCY', flag: 'concurrency', flagName: '--concurrency' },
  caFile: { variable: 'CERTMONITOR_GATEWAY_CA_FILE', flag: 'caFile', flagName: '--ca-file' },
  allowEmpty: { variable: 'CERTMONITOR_ALLOW_EMPTY', flagName: '--allow-empty' },
  replaced: { variable: 'CERTMONITOR_REPLACED', flagName: '--replaced' },
  gatewayTimeout: {
    variable: 'CERTMONITOR_GATEWAY_TIMEOUT_MS',
    flag: 'gatewayTimeoutMs',
    flagName: '--gateway-timeout-ms',
  },
} as const satisfies Record<string, Setting>;

/** Every `CERTMONITOR_*` variable a check run understands. */
export const CHECK_VARIABLES: readonly string[] = [
  ...Object.values(SETTINGS).map((s) => s.variable),
  ...POLICY_VARIABLES,
];

/**
 * Variables only the Lambda reads (handlers/checkRuntime.ts): how a fleet is split across invocations.
 * They are certmonitor's own, so `check` accepts them too (a Lambda's environment copied to a shell must
 * not be refused) and says that it ignores them.
 */
export const SHARD_VARIABLES = {
  shards: 'CERTMONITOR_SHARDS',
  shardSize: 'CERTMONITOR_SHARD_SIZE',
  queue: 'CERTMONITOR_SHARD_QUEUE',
} as const;

/** The Lambda-only variables, see {@link SHARD_VARIABLES}. */
export const LAMBDA_ONLY_VARIABLES: readonly string[] = Object.values(SHARD_VARIABLES);

/** The Lambda-only variables set (non-empty) in `env`: `check` tells the operator it ignores them. */
export function lambdaOnlyVariablesSet(env: Readonly<Record<string, string | undefined>>): string[] {
  return LAMBDA_ONLY_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
}

const MAX_DAYS = 36_500;
const MAX_HOURS = 8_760;
const MAX_CONCURRENCY = 256;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
/** Most gateway URLs one setting may list (the primary and its standbys). */
const MAX_GATEWAYS = 8;

/** A value and where it came from, so an error can name exactly what the operator wrote. */
interface Found {
  readonly value: string;
  readonly origin: string;
}

/** Options of {@link parseCheckConfig}. */
export interface ParseCheckConfigOptions {
  /** Further `CERTMONITOR_*` variables the caller handles itself (they are not refused). */
  readonly extraVariables?: readonly string[];
}

/**
 * Validates the environment and flags into a {@link CheckConfig}; throws {@link ConfigError} naming the
 * variable or flag at fault.
 */
export function parseCheckConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: CheckFlags = {},
  options: ParseCheckConfigOptions = {},
): CheckConfig {
  refuseUnknownVariables(env, options.extraVariables ?? []);
  const read = new SettingReader(env, flags);
  const sourceFound = read.required(SETTINGS.source, 'dir:PATH, s3://bucket/prefix/, ssm:/prefix/ or tls:FLEET.json');
  const source = checkLocation(sourceFound, ['dir:', 's3://', 'ssm:', 'tls:']);
  const state = checkLocation(read.required(SETTINGS.state, 'dir:PATH or s3://bucket/prefix/'), ['dir:', 's3://']);
  const settings: Settings = { ...expirySettings(read), ...optionalPolicy(runPolicySettings(env, flags)) };
  const concurrency = read.integer(SETTINGS.concurrency, 32, 1, MAX_CONCURRENCY, 'appliances');
  const forwarder = forwarderConfig(read);
  // The variable is read (and a bad value refused) even when the flag is given: a typo in a shared
  // environment file must not go unnoticed.
  const allowEmptyVariable = read.boolean(SETTINGS.allowEmpty);
  const allowEmpty = flags.allowEmpty === true || allowEmptyVariable;
  return {
    ...{ source, state, settings, concurrency },
    ...(forwarder ? { forwarder } : {}),
    ...(allowEmpty ? { allowEmpty: true } : {}),
    ...(replacedSetting(read, flags) ? { replaced: true } : {}),
  };
}

function optionalPolicy(policy: Settings['policy']): Pick<Settings, 'policy'> {
  return policy === undefined ? {} : { policy };
}

/**
 * `--replaced` or `CERTMONITOR_REPLACED=true` (docs/reference.md, Replaced certificates); the variable is
 * read (and a bad value refused) even when the flag is given, as `CERTMONITOR_ALLOW_EMPTY` is.
 */
function replacedSetting(read: SettingReader, flags: CheckFlags): boolean {
  const variable = read.boolean(SETTINGS.replaced);
  return flags.replaced === true || variable;
}

/**
 * The threshold days and repeat hours and, when set, the threshold percent and the critical level
 * (docs/reference.md, Expiry policy). The critical level exists when any of its three settings is given;
 * its repeat interval defaults to H. A critical level above the warning level would never be a second
 * level, so critical days above the days, a critical percent above the percent, or critical hours above
 * the hours, are refused.
 */
function expirySettings(read: SettingReader): Settings {
  const thresholdDays = read.integer(SETTINGS.days, DEFAULT_SETTINGS.thresholdDays, 0, MAX_DAYS, 'days');
  const repeatHours = read.integer(SETTINGS.hours, DEFAULT_SETTINGS.repeatHours, 1, MAX_HOURS, 'hours');
  const thresholdPercent = read.percent(SETTINGS.percent);
  const criticalDays = read.find(SETTINGS.criticalDays)
    ? read.integer(SETTINGS.criticalDays, 0, 0, MAX_DAYS, 'days')
    : undefined;
  const criticalPercent = read.percent(SETTINGS.criticalPercent);
  const hours = read.find(SETTINGS.criticalHours);
  const criticalHours = hours ? read.integer(SETTINGS.criticalHours, 0, 1, MAX_HOURS, 'hours') : undefined;
  const settings: Settings = {
    thresholdDays,
    repeatHours,
    ...(thresholdPercent === undefined ? {} : { thresholdPercent }),
  };
  if (criticalDays === undefined && criticalPercent === undefined && criticalHours === undefined) return settings;
  if (criticalDays !== undefined && criticalDays > thresholdDays) {
    const days = read.find(SETTINGS.days)?.origin ?? `the default ${describe(SETTINGS.days)}`;
    throw new ConfigError(
      `${read.find(SETTINGS.criticalDays)?.origin} (${criticalDays}) must not exceed ${days} (${thresholdDays})`,
    );
  }
  if (criticalPercent !== undefined && thresholdPercent !== undefined && criticalPercent > thresholdPercent) {
    throw new ConfigError(
      `${read.find(SETTINGS.criticalPercent)?.origin} (${criticalPercent}) must not exceed ${read.find(SETTINGS.percent)?.origin} (${thresholdPercent})`,
    );
  }
  if (criticalHours !== undefined && criticalHours > repeatHours) {
    const hours = read.find(SETTINGS.hours)?.origin ?? `the default ${describe(SETTINGS.hours)}`;
    throw new ConfigError(
      `${read.find(SETTINGS.criticalHours)?.origin} (${criticalHours}) must not exceed ${hours} (${repeatHours}): critical reminders come at least as often as warnings`,
    );
  }
  const critical = {
    ...(criticalDays === undefined ? {} : { days: criticalDays }),
    ...(criticalPercent === undefined ? {} : { percent: criticalPercent }),
    repeatHours: criticalHours ?? repeatHours,
  };
  return { ...settings, critical };
}

/**
 * Refuses a `CERTMONITOR_*` variable that no one handles (a misspelt one would silently be ignored). The
 * prefix is certmonitor's own (docs/reference.md, Environment variables): a variable an operator names for the
 * gateway's secrets (`communityEnv`, …) must use another one, and the message says so. The collector's
 * variables are known, so the check and the collector can share one environment file.
 */
function refuseUnknownVariables(env: Readonly<Record<string, string | undefined>>, extra: readonly string[]): void {
  const known = new Set([...CHECK_VARIABLES, ...LAMBDA_ONLY_VARIABLES, ...COLLECT_VARIABLES, ...extra]);
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('CERTMONITOR_') && !known.has(name))
    .sort();
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown variable ${unknown.map((n) => sanitizeLogValue(n, 64)).join(', ')} (known: ${[...known].join(', ')}); ` +
        "CERTMONITOR_ names are reserved for certmonitor's own settings, so give a variable you name yourself " +
        "(such as a gateway's communityEnv or authKeyEnv) another prefix",
    );
  }
}

/** How a setting is named in messages: the variable, with its flag when it has one. */
function describe(setting: Setting): string {
  return setting.flagName ? `${setting.variable} (${setting.flagName})` : setting.variable;
}

/** A value as a message shows it: quoted, bounded, without control characters. */
function shown(value: string): string {
  return `'${sanitizeLogValue(value, 60)}'`;
}

/** Reads settings from the flags (which win) and the environment. */
class SettingReader {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly flags: CheckFlags,
  ) {}

  /** The setting's value and where it came from; an empty variable counts as unset. */
  find(setting: Setting): Found | undefined {
    const flagValue = setting.flag ? this.flags[setting.flag] : undefined;
    if (flagValue !== undefined) return { value: flagValue, origin: setting.flagName ?? setting.variable };
    const envValue = this.env[setting.variable];
    return envValue === undefined || envValue === '' ? undefined : { value: envValue, origin: setting.variable };
  }

  /** The setting's value; refused when unset, with `expected` saying what it takes. */
  required(setting: Setting, expected: string): Found {
    const found = this.find(setting);
    if (!found) throw new ConfigError(`${describe(setting)} is required: ${expected}`);
    return found;
  }

  /** A whole number of `unit` from `min` to `max`, or `fallback` when unset. */
  integer(setting: Setting, fallback: number, min: number, max: number, unit: string): number {
    const found = this.find(setting);
    if (!found) return fallback;
    if (!/^\d{1,6}$/.test(found.value.trim()) || Number(found.value) < min || Number(found.value) > max) {
      throw new ConfigError(
        `${found.origin} must be a whole number of ${unit} from ${min} to ${max}, got ${shown(found.value)}`,
      );
    }
    return Number(found.value);
  }

  /**
   * A percent of a certificate's lifetime, greater than 0 and less than 100, with at most two decimals
   * (`33`, `12.5`), or undefined when unset. Never clamped: 0 or 100 would mean never or always.
   */
  percent(setting: Setting): number | undefined {
    const found = this.find(setting);
    if (!found) return undefined;
    const value = found.value.trim();
    if (!/^\d{1,2}(\.\d{1,2})?$/.test(value) || Number(value) <= 0) {
      throw new ConfigError(
        `${found.origin} must be a percent of the certificate's lifetime, more than 0 and less than 100 (at most two decimals), got ${shown(found.value)}`,
      );
    }
    return Number(value);
  }

  /** `true` or `false` (false when unset); anything else is refused rather than guessed. */
  boolean(setting: Setting): boolean {
    const found = this.find(setting);
    if (!found) return false;
    if (found.value !== 'true' && found.value !== 'false') {
      throw new ConfigError(`${found.origin} must be true or false, got ${shown(found.value)}`);
    }
    return found.value === 'true';
  }
}

/** The forwarder's settings; undefined without a gateway URL, and then no other gateway setting may be set. */
function forwarderConfig(read: SettingReader): ForwarderConfig | undefined {
  const url = read.find(SETTINGS.gateway);
  const keyId = read.find(SETTINGS.keyId);
  const secretFile = read.find(SETTINGS.secretFile);
  const secretParam = read.find(SETTINGS.secretParam);
  const caFile = read.find(SETTINGS.caFile);
  const timeout = read.find(SETTINGS.gatewayTimeout);
  if (!url) {
    const stray = keyId ?? secretFile ?? secretParam ?? caFile ?? timeout;
    if (stray) {
      throw new ConfigError(`${stray.origin} is set but ${describe(SETTINGS.gateway)} is not: set the gateway URL too`);
    }
    return undefined;
  }
  const urls = gatewayUrls(url);
  if (!keyId) throw new ConfigError(`${describe(SETTINGS.keyId)} is required with a gateway`);
  if (!KEY_ID.test(keyId.value)) {
    throw new ConfigError(`${keyId.origin} must be 1-64 letters, digits, '.', '_' or '-', got ${shown(keyId.value)}`);
  }
  const plain = urls.find((u) => new URL(u).protocol !== 'https:');
  if (caFile && plain !== undefined) {
    const which = urls.length > 1 ? ` (${gatewayLabel(plain)})` : '';
    throw new ConfigError(`${caFile.origin} is set but ${url.origin}${which} is not an https:// URL`);
  }
  const [primary = url.value, ...standbys] = urls;
  return {
    url: primary,
    ...(standbys.length > 0 ? { standbys } : {}),
    keyId: keyId.value,
    ...secretLocation(secretFile, secretParam),
    ...(caFile ? { caFile: caFile.value } : {}),
    ...(timeout ? { timeoutMs: gatewayTimeoutMs(read) } : {}),
  };
}

/** The gateway answer timeout in ms, when set (app/gatewayTimeouts.ts). */
function gatewayTimeoutMs(read: SettingReader): number {
  const { gatewayTimeout } = SETTINGS;
  return read.integer(gatewayTimeout, 0, MIN_GATEWAY_TIMEOUT_MS, MAX_GATEWAY_TIMEOUT_MS, 'milliseconds');
}

/** Exactly one place for the signing secret: a flag wins over the environment, two variables are refused. */
function secretLocation(
  secretFile: Found | undefined,
  secretParam: Found | undefined,
): { secretFile: string } | { secretParam: string } {
  const useFile = secretFile !== undefined && (secretFile.origin.startsWith('--') || secretParam === undefined);
  if (!useFile && secretFile && secretParam) {
    throw new ConfigError(`set only one of ${describe(SETTINGS.secretFile)} and ${SETTINGS.secretParam.variable}`);
  }
  if (useFile) return { secretFile: secretFile.value };
  if (!secretParam) {
    throw new ConfigError(
      `a gateway needs its signing secret: ${describe(SETTINGS.secretFile)} or ${SETTINGS.secretParam.variable}`,
    );
  }
  if (!SSM_PARAMETER.test(secretParam.value)) {
    throw new ConfigError(`${secretParam.origin} must be an SSM parameter name starting with /`);
  }
  return { secretParam: secretParam.value };
}

/** How messages spell each location scheme. */
const LOCATION_FORMS: Readonly<Record<string, string>> = {
  'dir:': 'dir:PATH',
  's3://': 's3://bucket/prefix/',
  'ssm:': 'ssm:/prefix/',
  'tls:': 'tls:FLEET.json',
};

/** Checks a location's scheme (the adapters check the rest when they are created). */
function checkLocation(found: Found, schemes: readonly string[]): string {
  const value = found.value;
  const scheme = schemes.find((s) => value.startsWith(s));
  if (!scheme || value.length === scheme.length || /[\u0000-\u001f]/.test(value)) {
    throw new ConfigError(
      `${found.origin} must be ${schemes.map((s) => LOCATION_FORMS[s] ?? s).join(', ')}, got '${sanitizeLogValue(value, 60)}'`,
    );
  }
  return value;
}

/**
 * The gateway URLs, primary first (docs/gateway.md, Standby gateways): one URL, or several separated by commas,
 * each checked on its own and named in the message by its place in the list; a gateway listed twice is
 * refused (it would be tried twice for nothing).
 */
function gatewayUrls(found: Found): string[] {
  const entries = found.value.split(',').map((entry) => entry.trim());
  if (entries.length === 1) {
    checkGatewayUrl(found.value, found.origin);
    return [found.value];
  }
  if (entries.length > MAX_GATEWAYS) {
    throw new ConfigError(`${found.origin} lists ${entries.length} gateway URLs; at most ${MAX_GATEWAYS}`);
  }
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const place = `${found.origin} entry ${index + 1} of ${entries.length}`;
    if (entry === '') throw new ConfigError(`${place} is empty: separate gateway URLs with single commas`);
    const label = gatewayLabel(checkGatewayUrl(entry, `${place} ${shownUrl(entry)}`));
    const first = seen.get(label);
    if (first !== undefined) {
      throw new ConfigError(
        `${found.origin} lists ${label} twice (entries ${first} and ${index + 1}): list each gateway once`,
      );
    }
    seen.set(label, index + 1);
  }
  return entries;
}

/** A URL as a message shows it: quoted and bounded, with anything that looks like credentials masked. */
function shownUrl(value: string): string {
  return shown(value.replace(/\/\/[^/]*@/, '//…@'));
}

/** http(s) only, and no credentials in the URL (they would end up in logs and process listings). */
function checkGatewayUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`${name} is not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${name} must not carry credentials; use the key id and secret settings`);
  }
  if (url.search || url.hash) throw new ConfigError(`${name} must not carry a query or fragment`);
  return url;
}
