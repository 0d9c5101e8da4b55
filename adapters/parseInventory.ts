/**
 * Validation of the `fleet.json` inventory (README, Configuration), shared by every certificate source. Unknown keys are
 * refused, and every error names the key path, so an operator's typo (`treshholdDays`) fails loudly instead
 * of silently falling back to the defaults.
 */
import { z } from 'zod';
import { InventoryError } from '../app/errors.ts';
import type { Inventory } from '../app/ports.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { isApplianceAddress, MAX_ADDRESS_LENGTH } from '../protocol/applianceAddress.ts';
import { APPLIANCE_NAME, isApplianceName } from '../protocol/notification.ts';

/** Label keys and values are small identifiers, never free text that could reach a log line. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

const entrySchema = z.strictObject({
  // An IP literal only, the same rule as the gateway's: the address goes into ssLogReference and is the
  // SNMPv1 agent address, and a host name here would have the gateway refuse every batch it is in.
  address: z.string().max(MAX_ADDRESS_LENGTH).refine(isApplianceAddress, 'expected an IPv4 or IPv6 address').optional(),
  labels: z
    .record(z.string().regex(LABEL, 'expected a label name'), z.string().regex(LABEL, 'expected a label value'))
    .optional(),
  thresholdDays: z.int().min(0).max(36500).optional(),
  repeatHours: z.int().min(1).max(8760).optional(),
});

const inventorySchema = z.strictObject({
  appliances: z.record(z.string().regex(APPLIANCE_NAME), entrySchema),
});

/** A path segment from the file, made safe to print: invalid appliance names are never echoed. */
function describeSegment(segment: PropertyKey, index: number, path: readonly PropertyKey[]): string {
  const text = String(segment);
  if (index === 1 && path[0] === 'appliances' && !isApplianceName(text)) return '<invalid appliance name>';
  return sanitizeLogValue(text, 64);
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((s, i) => describeSegment(s, i, path)).join('.');
}

function describeIssue(issue: z.core.$ZodIssue): string {
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
