/**
 * One scheduled check over a fleet (docs/design.md, Alert policy; docs/design.md, The scheduled Lambda):
 * read the inventory, stream the appliance names, and for each one fetch → evaluate → load state →
 * decide → forward → settle → save, with bounded concurrency (app/checkRun.ts).
 *
 * Scale: names are streamed from the listing and processed by a fixed number of workers; only one
 * certificate per worker is in memory at a time, and a notification waiting for its batch keeps just its
 * decision and outcome fields, without certificate bytes (about a kilobyte). The set of names already seen
 * (to merge inventory and listing) is the only per-appliance memory held for the whole run: about 100 bytes
 * per appliance.
 *
 * Views: once an appliance's outcome is final, its view (what the fleet report shows; docs/design.md,
 * State) is saved with its state and handed to `onView`, so the caller builds the run's report without
 * reading the state again.
 */
import { applianceNames } from './applianceNames.ts';
import { CheckRun } from './checkRun.ts';
import { type ClientRunCounts, withClientCounts } from './clientRunCounts.ts';
import { ConfigError } from './errors.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import type { CertificateSource, Inventory } from './ports.ts';
import { reportInventory } from './reportInventory.ts';
import { reportSkippedKeys } from './reportSkippedKeys.ts';
import { reportTrapHosts } from './reportTrapHosts.ts';
import type { RunCheckOptions } from './runCheckOptions.ts';
import { type RunSummary, summaryOf } from './runSummary.ts';

export type { RunCheckOptions } from './runCheckOptions.ts';

/** Default number of appliances processed at once (about what S3 sustains per client). */
export const DEFAULT_CONCURRENCY = 32;

/**
 * Runs one check over the whole fleet and resolves to its summary. Throws only when the inventory cannot
 * be read or the listing fails; an inventory that says something wrong is reported and the run goes on
 * with what can be trusted (docs/monitoring.md, Failure handling).
 */
export async function runCheck(options: RunCheckOptions): Promise<RunSummary> {
  const started = performance.now();
  const { source, log, now, dryRun } = options;
  const inventory = await source.readInventory();
  const repeatHours = options.settings.repeatHours;
  const inventoryProblems = await reportInventory(inventory, { state: options.state, log, now, repeatHours, dryRun });
  refuseClientsWithout(inventory, source);
  const run = new CheckRun(options, inventory);
  let stopped = false;
  let clients: ClientRunCounts | undefined;
  try {
    try {
      ({ stopped } = await mapConcurrent(
        applianceNames(inventory, source.list()),
        options.concurrency ?? DEFAULT_CONCURRENCY,
        (listed) => run.processAppliance(listed),
        options.shouldStop,
      ));
    } finally {
      // Whatever happened, notifications already handed over are delivered and their state settled.
      await run.drain();
    }
    if (!stopped && options.clients !== false && hasClients(inventory)) {
      const { checkClients } = await import('./checkClients.ts');
      clients = await checkClients({ ...options, inventory, tooOld: run.tooOld });
    }
  } finally {
    // One line per gateway and run, the clients' refusals included (docs/gateway.md, Newer notifications).
    if (!options.tooOld) run.tooOld.flush(log);
  }
  reportSkippedKeys(source, log);
  const failing = await reportTrapHosts(run.trapHostEvidence(), { state: options.state, log, now, repeatHours });
  const durationMs = Math.round(performance.now() - started);
  const end = { stopped, inventoryProblems, durationMs, failing, dryRun: dryRun === true, forwarding: run.forwarding };
  const summary = summaryOf(run.totals, end);
  return clients ? withClientCounts(summary, clients) : summary;
}

/** True when the inventory names Luna clients (docs/clients.md, The inventory). */
function hasClients(inventory: Inventory | undefined): boolean {
  return Object.keys(inventory?.clients ?? {}).length > 0;
}

/** A source that holds no clients' files (`tls:`) cannot check the clients an inventory names. */
function refuseClientsWithout(inventory: Inventory | undefined, source: CertificateSource): void {
  if (!hasClients(inventory) || source.fetchClientFile) return;
  throw new ConfigError(
    `the inventory names clients, but ${source.description} holds no client files: check them over the location collect-client publishes to (docs/clients.md, The inventory)`,
  );
}
