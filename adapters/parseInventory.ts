/**
 * Validation of the `fleet.json` inventory (docs/reference.md, Configuration), shared by every certificate source.
 * One bad entry never costs the others (docs/monitoring.md, Failure handling): the file is validated entry by entry,
 * and what is wrong comes back as `problems` beside what can be trusted, each naming the key path, the
 * entry's position or, for text that is not JSON, the line and column. Unknown keys are problems too, so
 * an operator's typo (`treshholdDays`) is reported instead of silently leaving the default in force.
 */
// zod/mini: the same schemas, tree-shaken to what is used, so the Lambda's cold start does not pay for all of zod.
import {
  array,
  boolean,
  type core,
  gt,
  lt,
  maxLength,
  number,
  enum as oneOf,
  optional,
  record,
  refine,
  regex,
  strictObject,
  string,
} from 'zod/mini';
import type { Inventory, InventoryEntry } from '../app/ports.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { MAX_KEY_BITS, MAX_VALIDITY_DAYS, type PolicySettings, WEAK_SIGNATURE_NAMES } from '../core/policySettings.ts';
import { isApplianceAddress, MAX_ADDRESS_LENGTH } from '../protocol/applianceAddress.ts';
import { APPLIANCE_NAME, isApplianceName } from '../protocol/notification.ts';
import { CERTIFICATE_NAME, isCertificateName } from '../protocol/notificationV2.ts';
import { INVENTORY_FILE } from './fleetLayout.ts';
import { describeIssue } from './inventoryIssue.ts';
import { locateJsonError, locateKeys } from './jsonPosition.ts';
import { parseClients } from './parseClients.ts';
import { wholeNumber } from './wholeNumber.ts';

/** Label names are small identifiers: they name columns and filters. */
const LABEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/**
 * Label values are an operator's free text (a site "Frankfurt DC 2", an owner "PKI Ops <pki-ops@…>", a
 * runbook note): any printable Unicode, up to 256 characters (what a stored view keeps). Control, format
 * (bidirectional overrides), surrogate, private-use and unassigned characters and line separators are
 * refused: a value is shown as text everywhere (docs/reference.md, Fleet layout) and must look like what it is.
 */
const LABEL_VALUE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]{1,256}$/u;

/**
 * An SNI host name: letters, digits and hyphens in dot-separated labels (RFC 1123), not an IP literal
 * (TLS forbids one in SNI). The name is sent to the appliance and may appear in lines, so nothing else.
 */
const HOST_NAME =
  /^(?=.{1,253}$)(?!\d+(\.\d+){3}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A percent of a certificate's lifetime: more than 0 and less than 100 (docs/reference.md, Expiry policy). */
function percent() {
  const message = 'expected a percent more than 0 and less than 100';
  return number({ error: message }).check(gt(0, { error: message }), lt(100, { error: message }));
}

/** The critical level of one appliance (docs/reference.md, Expiry policy); unknown keys are refused. */
const criticalSchema = strictObject(
  {
    days: optional(wholeNumber(0, 36500)),
    percent: optional(percent()),
    repeatHours: optional(wholeNumber(1, 8760)),
  },
  { error: 'expected an object with days, percent and repeatHours' },
);

/** The levels of one entry, whose critical level must lie within its warning level where both are given. */
interface EntryLevels {
  readonly thresholdDays?: number;
  readonly repeatHours?: number;
  readonly thresholdPercent?: number;
  readonly critical?: { readonly days?: number; readonly percent?: number; readonly repeatHours?: number };
}

/** The checks of a critical level against the warning level of the same entry, each naming its key. */
const LEVEL_CHECKS = [
  { critical: 'days', warning: 'thresholdDays', error: 'critical days must not exceed thresholdDays' },
  { critical: 'percent', warning: 'thresholdPercent', error: 'critical percent must not exceed thresholdPercent' },
  { critical: 'repeatHours', warning: 'repeatHours', error: 'critical repeatHours must not exceed repeatHours' },
] as const;

function levelCheck(check: (typeof LEVEL_CHECKS)[number]) {
  return refine<EntryLevels>(
    (entry) => {
      const critical = entry.critical?.[check.critical];
      const warning = entry[check.warning];
      return critical === undefined || warning === undefined || critical <= warning;
    },
    { error: check.error, path: ['critical', check.critical] },
  );
}

const labelName = string().check(
  regex(LABEL_NAME, { error: 'expected a label name (letters, digits and . _ : / @ + -, at most 128)' }),
);
const labelValue = string().check(
  regex(LABEL_VALUE, { error: 'expected a label value (1 to 256 printable characters)' }),
);

/** A `policy` object, fleet-wide or an appliance's own (docs/reference.md, Certificate findings). */
const policySchema = strictObject(
  {
    maxValidityDays: optional(wholeNumber(1, MAX_VALIDITY_DAYS)),
    minRsaBits: optional(wholeNumber(1, MAX_KEY_BITS)),
    minEcBits: optional(wholeNumber(1, MAX_KEY_BITS)),
    weakSignatures: optional(
      array(
        oneOf(WEAK_SIGNATURE_NAMES as [string, ...string[]], {
          error: `expected one of ${WEAK_SIGNATURE_NAMES.join(', ')}`,
        }),
        {
          error: `expected a list of ${WEAK_SIGNATURE_NAMES.join(', ')}`,
        },
      ),
    ),
    replaced: optional(boolean({ error: 'expected true or false' })),
  },
  { error: 'expected an object' },
);
/** What a certificate name must be, as an inventory problem says it. */
const CERTIFICATE_NAME_RULE = `certificate names must match ${CERTIFICATE_NAME.source} and not be server or ntls`;

const entrySchema = strictObject(
  {
    // An IP literal only, the same rule as the gateway's: the address goes into ssLogReference and is the
    // SNMPv1 agent address, and a host name here would have the gateway refuse every batch it is in.
    address: optional(
      string({ error: 'expected an IPv4 or IPv6 address' }).check(
        maxLength(MAX_ADDRESS_LENGTH, { error: 'expected an IPv4 or IPv6 address' }),
        refine((address: string) => isApplianceAddress(address), { error: 'expected an IPv4 or IPv6 address' }),
      ),
    ),
    labels: optional(record(labelName, labelValue, { error: 'expected an object of labels' })),
    thresholdDays: optional(wholeNumber(0, 36500)),
    repeatHours: optional(wholeNumber(1, 8760)),
    thresholdPercent: optional(percent()),
    critical: optional(criticalSchema),
    ntlsPort: optional(wholeNumber(1, 65535)),
    serverName: optional(
      string({ error: 'expected a DNS host name' }).check(regex(HOST_NAME, { error: 'expected a DNS host name' })),
    ),
    policy: optional(policySchema),
    // The appliance's other certificates (docs/reference.md, Named certificates), each read from its port.
    certificates: optional(
      record(
        string().check(refine(isCertificateName, { error: CERTIFICATE_NAME_RULE })),
        strictObject({ port: wholeNumber(1, 65535) }, { error: 'expected an object with "port"' }),
        { error: 'expected an object of named certificates' },
      ),
    ),
  },
  { error: 'expected an object' },
).check(...LEVEL_CHECKS.map(levelCheck));

/** Most problems listed; the rest are counted in a last one. */
export const MAX_LISTED_PROBLEMS = 20;

/** The keys `fleet.json` may have at its top level. */
const TOP_LEVEL_KEYS = new Set(['appliances', 'clients', 'policy']);

/** An inventory that contributes nothing, with the one reason why (e.g. too large, not a file). */
export function unusableInventory(problem: string): Inventory {
  return { appliances: {}, problems: [`${INVENTORY_FILE}: ${problem}`] };
}

/** At most {@link MAX_LISTED_PROBLEMS}, the last one counting the others, each naming the file. */
function bounded(problems: readonly string[]): string[] {
  const shown =
    problems.length <= MAX_LISTED_PROBLEMS
      ? [...problems]
      : [
          ...problems.slice(0, MAX_LISTED_PROBLEMS - 1),
          `and ${problems.length - MAX_LISTED_PROBLEMS + 1} more problem(s)`,
        ];
  return shown.map((problem) => `${INVENTORY_FILE}: ${problem}`);
}

/** What is wrong at the top level (unknown keys); the appliances are validated one by one. */
function topLevelProblems(data: Record<string, unknown>): string[] {
  const unknown = Object.keys(data).filter((key) => !TOP_LEVEL_KEYS.has(key));
  if (unknown.length === 0) return [];
  return [`(top level): unknown key(s) ${unknown.map((k) => sanitizeLogValue(k, 64)).join(', ')}`];
}

/** Validates each appliance entry on its own: good ones are kept, bad values leave the name only. */
async function parseEntries(
  text: string,
  appliances: Record<string, unknown>,
): Promise<{ entries: Record<string, InventoryEntry>; problems: string[] }> {
  const entries: Record<string, InventoryEntry> = {};
  const problems: string[] = [];
  const badNames = Object.keys(appliances).filter((name) => !isApplianceName(name));
  // Names that cannot be printed are told by where they are in the file.
  const positions = badNames.length > 0 ? await locateKeys(text, ['appliances'], badNames) : new Map();
  for (const [name, value] of Object.entries(appliances)) {
    if (!isApplianceName(name)) {
      const where = positions.get(name);
      problems.push(
        `appliances.<invalid appliance name>${where ? ` at ${where}` : ''}: appliance names must match ${APPLIANCE_NAME.source}`,
      );
      continue;
    }
    const result = entrySchema.safeParse(value);
    if (result.success) {
      entries[name] = result.data;
      continue;
    }
    // A bad value: the appliance stays in the fleet (a listed name is monitored anyway, an unlisted one is
    // still reported missing) with the default settings and no address, rather than half its entry.
    entries[name] = {};
    problems.push(...(await entryProblems(text, name, result.error.issues)));
  }
  return { entries, problems };
}

/**
 * The problems of one entry; a bad certificate name is told by where it is in the file (the name itself
 * is never echoed), as a bad appliance name is.
 */
async function entryProblems(text: string, appliance: string, issues: readonly core.$ZodIssue[]): Promise<string[]> {
  const badName = (issue: core.$ZodIssue) =>
    issue.path[0] === 'certificates' && issue.path.length === 2 && !isCertificateName(String(issue.path[1]));
  const names = issues.filter(badName).map((issue) => String(issue.path[1]));
  const positions =
    names.length > 0 ? await locateKeys(text, ['appliances', appliance, 'certificates'], names) : undefined;
  return issues.map((issue) => {
    if (!badName(issue)) return describeIssue(issue, ['appliances', appliance]);
    const where = positions?.get(String(issue.path[1]));
    return `appliances.${appliance}.certificates.<invalid certificate name>${where ? ` at ${where}` : ''}: ${CERTIFICATE_NAME_RULE}`;
  });
}

/**
 * A `fleet.json` as read: what it says, and its bytes when the file is an inventory at all (its
 * appliances could be read, each entry's problems aside). Without `bytes` it was too large, not a file,
 * not JSON or had no object of appliances: nothing of it can be used, so the collector does not publish it.
 */
export interface InventoryDocument {
  readonly inventory: Inventory;
  readonly bytes?: Uint8Array;
}

/**
 * The fleet-wide `policy`, when the inventory has one. A bad one is a problem naming its key and still
 * counts as a policy (the defaults, docs/reference.md, Certificate findings): the operator meant one.
 */
function fleetPolicy(data: Record<string, unknown>, problems: string[]): PolicySettings | undefined {
  if (!('policy' in data)) return undefined;
  const result = policySchema.safeParse(data.policy);
  if (result.success) return findingLayer(result.data);
  problems.push(...result.error.issues.map((issue) => describeIssue(issue, ['policy'])));
  return {};
}

/**
 * A `policy` as a layer of the finding policy: `replaced` alone turns on replaced notifications
 * (docs/reference.md, Replaced certificates) and sets no finding policy, as `--replaced` does; any other
 * key, or an empty `policy: {}`, does.
 */
function findingLayer(policy: PolicySettings): PolicySettings | undefined {
  const keys = Object.keys(policy);
  return keys.length > 0 && keys.every((key) => key === 'replaced') ? undefined : policy;
}

/**
 * Whether `policy.replaced` is `true` (docs/reference.md, Replaced certificates), read from the raw
 * `policy` so that a bad finding key beside it does not turn it off; its problems are the schema's above.
 */
function replacedOn(policy: unknown): boolean {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return false;
  return (policy as Record<string, unknown>).replaced === true;
}

/** The parsed inventory, and whether its object of appliances could be read. */
async function parse(text: string): Promise<{ readonly inventory: Inventory; readonly entriesRead: boolean }> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      inventory: unusableInventory(`not valid JSON at ${await locateJsonError(text, error)}`),
      entriesRead: false,
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { inventory: unusableInventory('(top level): expected an object with "appliances"'), entriesRead: false };
  }
  const problems = topLevelProblems(data as Record<string, unknown>);
  const appliances = (data as Record<string, unknown>).appliances;
  if (typeof appliances !== 'object' || appliances === null || Array.isArray(appliances)) {
    problems.push('appliances: expected an object of appliances');
    return { inventory: { appliances: {}, problems: bounded(problems) }, entriesRead: false };
  }
  const parsed = await parseEntries(text, appliances as Record<string, unknown>);
  problems.push(...parsed.problems);
  const raw = (data as Record<string, unknown>).clients;
  // Only an inventory that names clients has the key: every other stays exactly as it was.
  const clients = raw === undefined ? undefined : await parseClients(text, raw, parsed.entries);
  if (clients) problems.push(...clients.problems);
  const policy = fleetPolicy(data as Record<string, unknown>, problems);
  const replaced = replacedOn((data as Record<string, unknown>).policy);
  const inventory: Inventory = {
    appliances: parsed.entries,
    ...(clients ? { clients: clients.clients } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(replaced ? { replaced: true } : {}),
  };
  if (problems.length === 0) return { inventory, entriesRead: true };
  return { inventory: { ...inventory, problems: bounded(problems) }, entriesRead: true };
}

/**
 * Parses the text of a `fleet.json` into what can be trusted and what is wrong with it; never throws.
 * Each problem names the key path, the entry's position, or (for text that is not JSON) the line and
 * column, and never repeats text from the file beyond sanitized key names.
 */
export async function parseInventory(text: string): Promise<Inventory> {
  return (await parse(text)).inventory;
}

/** Parses the bytes of a `fleet.json` as {@link parseInventory} does, keeping them when it is an inventory. */
export async function parseInventoryDocument(bytes: Uint8Array): Promise<InventoryDocument> {
  const { inventory, entriesRead } = await parse(new TextDecoder().decode(bytes));
  return entriesRead ? { inventory, bytes } : { inventory };
}
