/**
 * Configuration of a collector run (docs/collector.md, Collecting certificates), parsed once from the environment
 * and the command-line flags; a flag wins over its variable. Every error names the variable or flag.
 * Unknown `CERTMONITOR_COLLECT_*` variables are refused (a misspelt one must not leave a default in
 * force); the check's own variables are left alone, so one environment file can serve both timers.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { ConfigError } from './errors.ts';

/** The validated configuration of a collector run. */
export interface CollectConfig {
  /** A `fleet.json` path, or `dir:PATH`, `s3://bucket/prefix/`, `ssm:/prefix/` whose `fleet.json` is read. */
  readonly inventory: string;
  /** `dir:PATH`, `s3://bucket/prefix/` or `ssm:/prefix/`. */
  readonly to: string;
  /** Appliances collected at once. */
  readonly concurrency: number;
  /** The most time one appliance may take. */
  readonly timeoutMs: number;
  /** A client certificate and key registered on the appliances (PEM files), both or neither. */
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly dryRun: boolean;
}

/** Command-line flags as commander hands them over. */
export interface CollectFlags {
  readonly inventory?: string;
  readonly to?: string;
  readonly concurrency?: string;
  readonly timeoutMs?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly dryRun?: boolean;
}

/** The collector's variables (the check's reference table lists them too). */
export const COLLECT_VARIABLES = ['CERTMONITOR_COLLECT_INVENTORY', 'CERTMONITOR_COLLECT_TO'] as const;

const DEFAULT_CONCURRENCY = 32;
const MAX_CONCURRENCY = 256;
export const DEFAULT_TIMEOUT_MS = 5_000;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 120_000;

/** A value and where it came from, for messages. */
interface Found {
  readonly value: string;
  readonly origin: string;
}

function find(
  env: Readonly<Record<string, string | undefined>>,
  flag: string | undefined,
  flagName: string,
  variable?: string,
): Found | undefined {
  if (flag !== undefined) return { value: flag, origin: flagName };
  const value = variable ? env[variable] : undefined;
  return value === undefined || value === '' ? undefined : { value, origin: variable! };
}

function wholeNumber(found: Found | undefined, fallback: number, min: number, max: number, unit: string): number {
  if (!found) return fallback;
  const text = found.value.trim();
  if (!/^\d{1,7}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(
      `${found.origin} must be a whole number of ${unit} from ${min} to ${max}, got '${sanitizeLogValue(found.value, 40)}'`,
    );
  }
  return Number(text);
}

const LOCATION = /^(dir:.+|s3:\/\/.+|ssm:\/.*)$/;

function location(found: Found | undefined, described: string, allowFile: boolean): string {
  if (!found) throw new ConfigError(`${described} is required`);
  const value = found.value;
  const ok = !/[\u0000-\u001f]/.test(value) && (LOCATION.test(value) || (allowFile && !/^[a-z0-9]+:/i.test(value)));
  if (!ok || value === '') {
    const forms = 'dir:PATH, s3://bucket/prefix/ or ssm:/prefix/';
    throw new ConfigError(
      `${found.origin} must be ${allowFile ? `a fleet.json file or ${forms}` : forms}, got '${sanitizeLogValue(value, 60)}'`,
    );
  }
  return value;
}

/** Validates environment and flags into a {@link CollectConfig}; throws {@link ConfigError} naming the setting. */
export function parseCollectConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: CollectFlags = {},
): CollectConfig {
  const unknown = Object.keys(env)
    .filter(
      (name) => name.startsWith('CERTMONITOR_COLLECT_') && !(COLLECT_VARIABLES as readonly string[]).includes(name),
    )
    .sort();
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown variable ${unknown.map((n) => sanitizeLogValue(n, 64)).join(', ')} (known: ${COLLECT_VARIABLES.join(', ')})`,
    );
  }
  const [inventoryVariable, toVariable] = COLLECT_VARIABLES;
  const inventory = location(
    find(env, flags.inventory, '--inventory', inventoryVariable),
    `${inventoryVariable} (--inventory)`,
    true,
  );
  const to = location(find(env, flags.to, '--to', toVariable), `${toVariable} (--to)`, false);
  const concurrency = wholeNumber(
    find(env, flags.concurrency, '--concurrency'),
    DEFAULT_CONCURRENCY,
    1,
    MAX_CONCURRENCY,
    'appliances',
  );
  const timeoutMs = wholeNumber(
    find(env, flags.timeoutMs, '--timeout-ms'),
    DEFAULT_TIMEOUT_MS,
    MIN_TIMEOUT_MS,
    MAX_TIMEOUT_MS,
    'milliseconds',
  );
  if ((flags.clientCert === undefined) !== (flags.clientKey === undefined)) {
    throw new ConfigError('--client-cert and --client-key go together: give both or neither');
  }
  return {
    inventory,
    to,
    concurrency,
    timeoutMs,
    ...(flags.clientCert !== undefined ? { clientCert: flags.clientCert, clientKey: flags.clientKey } : {}),
    dryRun: flags.dryRun === true,
  };
}
