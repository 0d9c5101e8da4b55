/**
 * Validation of the `fleet.json` inventory (README, Configuration), shared by every certificate source. Unknown keys are
 * refused, and every error names the key path, so an operator's typo (`treshholdDays`) fails loudly instead
 * of silently falling back to the defaults.
 */
// zod/mini: the same schemas, tree-shaken to what is used, so the Lambda's cold start does not pay for all of zod.
import {
  type core,
  int,
  maximum,
  maxLength,
  minimum,
  optional,
  record,
  refine,
  regex,
  strictObject,
  string,
} from 'zod/mini';
import { InventoryError } from '../app/errors.ts';
import type { Inventory } from '../app/ports.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { isApplianceAddress, MAX_ADDRESS_LENGTH } from '../protocol/applianceAddress.ts';
import { APPLIANCE_NAME, isApplianceName } from '../protocol/notification.ts';

/** Label keys and values are small identifiers, never free text that could reach a log line. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/**
 * An SNI host name: letters, digits and hyphens in dot-separated labels (RFC 1123), not an IP literal
 * (TLS forbids one in SNI). The name is sent to the appliance and may appear in lines, so nothing else.
 */
const HOST_NAME =
  /^(?=.{1,253}$)(?!\d+(\.\d+){3}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A whole number within [min, max], with a message that says so. */
function wholeNumber(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return int({ error: message }).check(minimum(min, { error: message }), maximum(max, { error: message }));
}

const label = (what: string) => string().check(regex(LABEL, { error: `expected a ${what}` }));

const entrySchema = strictObject({
  // An IP literal only, the same rule as the gateway's: the address goes into ssLogReference and is the
  // SNMPv1 agent address, and a host name here would have the gateway refuse every batch it is in.
  address: optional(
    string({ error: 'expected an IPv4 or IPv6 address' }).check(
      maxLength(MAX_ADDRESS_LENGTH, { error: 'expected an IPv4 or IPv6 address' }),
      refine((address: string) => isApplianceAddress(address), { error: 'expected an IPv4 or IPv6 address' }),
    ),
  ),
  labels: optional(record(label('label name'), label('label value'), { error: 'expected an object of labels' })),
  thresholdDays: optional(wholeNumber(0, 36500)),
  repeatHours: optional(wholeNumber(1, 8760)),
  ntlsPort: optional(wholeNumber(1, 65535)),
  serverName: optional(
    string({ error: 'expected a DNS host name' }).check(regex(HOST_NAME, { error: 'expected a DNS host name' })),
  ),
});

const inventorySchema = strictObject(
  {
    appliances: record(string().check(regex(APPLIANCE_NAME)), entrySchema, {
      error: 'expected an object of appliances',
    }),
  },
  { error: 'expected an object with "appliances"' },
);

/** A path segment from the file, made safe to print: invalid appliance names are never echoed. */
function describeSegment(segment: PropertyKey, index: number, path: readonly PropertyKey[]): string {
  const text = String(segment);
  if (index === 1 && path[0] === 'appliances' && !isApplianceName(text)) return '<invalid appliance name>';
  return sanitizeLogValue(text, 64);
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((s, i) => describeSegment(s, i, path)).join('.');
}

function describeIssue(issue: core.$ZodIssue): string {
  const where = describePath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where}: unknown key(s) ${issue.keys.map((k) => sanitizeLogValue(k, 64)).join(', ')}`;
    case 'invalid_key':
      return issue.path[0] === 'appliances'
        ? `${where}: appliance names must match ${APPLIANCE_NAME.source}`
        : `${where}: invalid key`;
    default:
      return `${where}: ${sanitizeLogValue(issue.message, 120)}`;
  }
}

/** Parses and validates the text of a `fleet.json`; throws {@link InventoryError} naming the bad key path. */
export function parseInventory(text: string): Inventory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InventoryError('fleet.json is not valid JSON', { cause: error, invalidContent: true });
  }
  const result = inventorySchema.safeParse(data);
  if (!result.success) {
    const details = result.error.issues.slice(0, 5).map(describeIssue).join('; ');
    throw new InventoryError(`fleet.json is not valid: ${details}`, { cause: result.error, invalidContent: true });
  }
  return result.data;
}
