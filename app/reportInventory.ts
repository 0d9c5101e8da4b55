/**
 * Reports what is wrong with the `fleet.json` inventory (docs/monitoring.md, Failure handling). The run goes on with
 * what can be trusted; the problems are counted every run (the CLI exits 1, the Lambda emits
 * `InventoryProblems`), and their lines (`inventoryProblems`, one per problem) are written at most once per
 * H hours, at once when the problems change. What was last written lives in the state's fleet-level
 * record (`_inventory.json`), so the CLI, the Lambda, its retries and its shards all agree: the run that
 * wins the conditional write writes the lines, the others stay quiet. When the record cannot be read or
 * written the lines are written anyway: loud rather than quiet.
 */
import { inventoryReportDue } from '../core/inventoryReport.ts';
import { logEntry } from '../core/logEntry.ts';
import { StateConflictError } from './errors.ts';
import type { Inventory, LogSink, StateStore } from './ports.ts';

/** What {@link reportInventory} needs from the run. */
export interface InventoryReportOptions {
  readonly state: StateStore;
  readonly log: LogSink;
  readonly now: Date;
  /** The fleet's H: how often the same problems are written again. */
  readonly repeatHours: number;
  /** A what-if run writes the lines every time and records nothing. */
  readonly dryRun?: boolean;
}

/** The code structured lines carry (docs/reference.md, Error codes). */
const ERROR_CODE = 'CM_ERR_INVENTORY_INVALID';

/** Writes the inventory's problem lines when they are due; resolves to how many problems there are. */
export async function reportInventory(
  inventory: Inventory | undefined,
  options: InventoryReportOptions,
): Promise<number> {
  const problems = inventory?.problems ?? [];
  if (problems.length === 0) {
    if (!options.dryRun) await forgetReport(options.state);
    return 0;
  }
  if (await shouldWrite(problems.join('\n'), options)) {
    for (const reason of problems) {
      options.log.write(logEntry('inventoryProblems', { reason }), { errorCode: ERROR_CODE });
    }
  }
  return problems.length;
}

/** True when this run writes the lines: they are due, and this run recorded that it writes them. */
async function shouldWrite(problem: string, options: InventoryReportOptions): Promise<boolean> {
  const { state, now, repeatHours } = options;
  if (options.dryRun) return true;
  try {
    const loaded = await state.loadInventoryReport();
    if (!inventoryReportDue(loaded.report, problem, now, repeatHours)) return false;
    await state.saveInventoryReport({ problem, reportedAt: now.toISOString() }, loaded.version);
    return true;
  } catch (error) {
    // Another run (a shard, an overlapping run) recorded it first and writes the lines itself.
    return !(error instanceof StateConflictError);
  }
}

/** Once the inventory is right again, the record is emptied, so a problem that comes back is reported at once. */
async function forgetReport(state: StateStore): Promise<void> {
  try {
    const loaded = await state.loadInventoryReport();
    if (loaded.report) await state.saveInventoryReport(undefined, loaded.version);
  } catch {
    // Best effort: a record left behind only delays the next report of the same problems by up to H.
  }
}
