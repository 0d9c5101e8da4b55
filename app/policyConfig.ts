/**
 * The run's certificate policy from flags and variables (docs/reference.md, Certificate findings), shared by
 * `check` (flags and `CERTMONITOR_*` variables, so the Lambda has them too) and `inspect` (flags only).
 * `--replaced` / `CERTMONITOR_REPLACED` are read with the check's other settings (app/checkConfig.ts): they
 * turn on the replaced-certificate notification and set no finding policy.
 * A flag wins over its variable. Bad values are refused naming the flag or variable, never clamped.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { MAX_KEY_BITS, MAX_VALIDITY_DAYS, type PolicySettings, WEAK_SIGNATURE_NAMES } from '../core/policySettings.ts';
import { ConfigError } from './errors.ts';

/** The policy flags as commander hands them over. */
export interface PolicyFlags {
  readonly maxValidityDays?: string;
  readonly minRsaBits?: string;
  readonly minEcBits?: string;
  readonly weakSignatures?: string;
}

/** Each policy setting: its variable and flag. */
const POLICY_SETTINGS = {
  maxValidityDays: { variable: 'CERTMONITOR_MAX_VALIDITY_DAYS', flag: '--max-validity-days' },
  minRsaBits: { variable: 'CERTMONITOR_MIN_RSA_BITS', flag: '--min-rsa-bits' },
  minEcBits: { variable: 'CERTMONITOR_MIN_EC_BITS', flag: '--min-ec-bits' },
  weakSignatures: { variable: 'CERTMONITOR_WEAK_SIGNATURES', flag: '--weak-signatures' },
} as const;

/** Every policy variable `check` understands. */
export const POLICY_VARIABLES: readonly string[] = Object.values(POLICY_SETTINGS).map((s) => s.variable);

type Env = Readonly<Record<string, string | undefined>>;
type Key = keyof typeof POLICY_SETTINGS;

/** A value and the flag or variable it came from. */
function found(env: Env, flags: PolicyFlags, key: Key): { value: string; origin: string } | undefined {
  const setting = POLICY_SETTINGS[key];
  const flag = flags[key];
  if (flag !== undefined) return { value: flag, origin: setting.flag };
  const value = env[setting.variable];
  return value === undefined || value === '' ? undefined : { value, origin: setting.variable };
}

function shown(value: string): string {
  return `'${sanitizeLogValue(value, 60)}'`;
}

function whole(env: Env, flags: PolicyFlags, key: 'maxValidityDays' | 'minRsaBits' | 'minEcBits', max: number) {
  const at = found(env, flags, key);
  if (at === undefined) return undefined;
  const unit = key === 'maxValidityDays' ? 'days' : 'bits';
  if (!/^\d{1,6}$/.test(at.value.trim()) || Number(at.value) < 1 || Number(at.value) > max) {
    throw new ConfigError(`${at.origin} must be a whole number of ${unit} from 1 to ${max}, got ${shown(at.value)}`);
  }
  return Number(at.value);
}

function weakSignatures(env: Env, flags: PolicyFlags): string[] | undefined {
  const at = found(env, flags, 'weakSignatures');
  if (at === undefined) return undefined;
  const names = at.value.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !WEAK_SIGNATURE_NAMES.includes(name));
  if (unknown.length > 0 || at.value.trim() === '') {
    throw new ConfigError(
      `${at.origin} must list hashes among ${WEAK_SIGNATURE_NAMES.join(', ')} separated by commas, got ${shown(at.value)}`,
    );
  }
  return [...new Set(names)];
}

/**
 * The run's policy layer, or undefined when no policy flag or variable is given (then only the inventory
 * can set a policy). Throws {@link ConfigError} naming the flag or variable at fault.
 */
export function runPolicySettings(env: Env, flags: PolicyFlags): PolicySettings | undefined {
  const settings: Record<string, unknown> = {
    maxValidityDays: whole(env, flags, 'maxValidityDays', MAX_VALIDITY_DAYS),
    minRsaBits: whole(env, flags, 'minRsaBits', MAX_KEY_BITS),
    minEcBits: whole(env, flags, 'minEcBits', MAX_KEY_BITS),
    weakSignatures: weakSignatures(env, flags),
  };
  const given = Object.entries(settings).filter(([, value]) => value !== undefined);
  return given.length === 0 ? undefined : (Object.fromEntries(given) as PolicySettings);
}
