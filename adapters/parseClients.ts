/**
 * Validation of the inventory's `clients` (docs/clients.md, The inventory), entry by entry as for the
 * appliances: a client with a bad value is left out with a problem naming its key path; a name outside
 * the appliance-name rule is told by its position in the file; a listed appliance the inventory does not
 * have is a problem and the rest of the client is kept.
 */
import { array, maximum, maxLength, minimum, number, optional, strictObject, string } from 'zod/mini';
import type { ClientEntry, InventoryEntry } from '../app/ports.ts';
import { APPLIANCE_NAME, isApplianceName } from '../protocol/notification.ts';
import { describeIssue } from './inventoryIssue.ts';
import { locateKeys } from './jsonPosition.ts';
import { wholeNumber } from './wholeNumber.ts';

/** Most appliances one client lists. */
const MAX_CLIENT_APPLIANCES = 1000;

function percent() {
  const message = 'expected a number above 0 and below 100';
  return number({ error: message }).check(
    minimum(0.000001, { error: message }),
    maximum(99.999999, { error: message }),
  );
}

const clientSchema = strictObject(
  {
    appliances: array(string({ error: 'expected an appliance name' }), {
      error: 'expected a list of appliance names',
    }).check(maxLength(MAX_CLIENT_APPLIANCES, { error: `expected at most ${MAX_CLIENT_APPLIANCES} appliances` })),
    thresholdDays: optional(wholeNumber(0, 36500)),
    thresholdPercent: optional(percent()),
    repeatHours: optional(wholeNumber(1, 8760)),
    critical: optional(
      strictObject(
        {
          days: optional(wholeNumber(0, 36500)),
          percent: optional(percent()),
          repeatHours: optional(wholeNumber(1, 8760)),
        },
        { error: 'expected an object' },
      ),
    ),
  },
  { error: 'expected an object' },
);

/** The appliances a client lists that the inventory has; the others are problems. */
function knownAppliances(
  client: string,
  listed: readonly string[],
  appliances: Readonly<Record<string, InventoryEntry>>,
  problems: string[],
): string[] {
  const known: string[] = [];
  listed.forEach((name, index) => {
    if (Object.hasOwn(appliances, name)) {
      if (!known.includes(name)) known.push(name);
      return;
    }
    const shown = isApplianceName(name) ? name : '<invalid appliance name>';
    problems.push(`clients.${client}.appliances.${index}: unknown appliance ${shown}`);
  });
  return known;
}

/** Validates `clients` of a `fleet.json` whose text is `text`; never throws. */
export async function parseClients(
  text: string,
  clients: unknown,
  appliances: Readonly<Record<string, InventoryEntry>>,
): Promise<{ clients: Record<string, ClientEntry>; problems: string[] }> {
  const out: Record<string, ClientEntry> = {};
  const problems: string[] = [];
  if (typeof clients !== 'object' || clients === null || Array.isArray(clients)) {
    return { clients: out, problems: ['clients: expected an object of clients'] };
  }
  const entries = Object.entries(clients as Record<string, unknown>);
  const badNames = entries.map(([name]) => name).filter((name) => !isApplianceName(name));
  const positions = badNames.length > 0 ? await locateKeys(text, ['clients'], badNames) : new Map<string, string>();
  for (const [name, value] of entries) {
    if (!isApplianceName(name)) {
      const where = positions.get(name);
      problems.push(
        `clients.<invalid client name>${where ? ` at ${where}` : ''}: client names must match ${APPLIANCE_NAME.source}`,
      );
      continue;
    }
    const result = clientSchema.safeParse(value);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => describeIssue(issue, ['clients', name])));
      continue;
    }
    out[name] = { ...result.data, appliances: knownAppliances(name, result.data.appliances, appliances, problems) };
  }
  return { clients: out, problems };
}
