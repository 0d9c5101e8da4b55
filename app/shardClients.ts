/**
 * The Luna clients of a sharded run (docs/clients.md, State): checked once, by the shard that assembles
 * the report, after every shard has checked its appliances. The inventory is read again there (a shard
 * reads it for its own appliances only), and the clients' views go into the assembled report. A failure
 * of the whole step (the inventory cannot be read again) is logged and counted with the run's errors, and
 * the report is still written, without clients: the fleet's report is never lost for the clients' sake.
 */
import type { ClientView } from '../core/clientState.ts';
import { logEntry } from '../core/logEntry.ts';
import type { ClientRunCounts } from './clientRunCounts.ts';
import { errorReason } from './errorReason.ts';
import type { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import type { RunCheckOptions } from './runCheckOptions.ts';

/**
 * What the clients' check of a sharded run needs: the run's ports, settings and instant, and its tally of
 * gateways too old for `/v2`, logged by the caller once per gateway and run.
 */
export type ShardClientsInput = Pick<RunCheckOptions, 'source' | 'state' | 'forwarder' | 'log' | 'settings' | 'now'> & {
  readonly tooOld: GatewayTooOldTally;
};

/** The clients' views and counts of a sharded run. */
export interface ShardClientsResult {
  readonly views: Map<string, ClientView>;
  /** Absent without clients in the inventory. */
  readonly counts?: ClientRunCounts;
}

const FAILED: ClientRunCounts = {
  clients: 0,
  untrusted: 0,
  sent: 0,
  failed: 0,
  notForwarded: 0,
  wouldSend: 0,
  deliveredBy: {},
  errors: 1,
};

/** Checks the inventory's clients; resolves to their views (none without clients). Never throws. */
export async function shardClients(input: ShardClientsInput): Promise<ShardClientsResult> {
  const views = new Map<string, ClientView>();
  try {
    const inventory = await input.source.readInventory();
    if (Object.keys(inventory?.clients ?? {}).length === 0) return { views };
    const { checkClients } = await import('./checkClients.ts');
    const { source, state, forwarder, log, settings, now, tooOld } = input;
    const counts = await checkClients({
      ...{ source, state, forwarder, log, settings, now, inventory, tooOld },
      onClient: (client, view) => void views.set(client, view),
    });
    return { views, counts };
  } catch (error) {
    const reason = `the Luna clients could not be checked: ${errorReason(error)}`;
    input.log.write(logEntry('checkFailed', { reason }), { event: 'clients' });
    return { views: new Map(), counts: FAILED };
  }
}
