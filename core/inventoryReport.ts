/**
 * When a problem of the `fleet.json` inventory is logged (docs/monitoring.md, Failure handling): like an appliance's
 * problem, at most once per H hours, and at once when the problem changes. What was last logged is kept in
 * one fleet-level record beside the appliances' (`_inventory.json`: `_` cannot start an appliance name).
 * Pure, like the rest of `core/`.
 */

const MS_PER_HOUR = 3_600_000;

/** The fleet-level record: the inventory problem last logged and when (an evaluation instant). */
export interface InventoryReport {
  readonly problem: string;
  /** ISO 8601. */
  readonly reportedAt: string;
}

/** True when `problem` must be logged now, given the report last recorded (undefined: none). */
export function inventoryReportDue(
  previous: InventoryReport | undefined,
  problem: string,
  now: Date,
  repeatHours: number,
): boolean {
  if (previous === undefined || previous.problem !== problem) return true;
  const last = Date.parse(previous.reportedAt);
  // A record from a later instant (a what-if run ahead of the clock) must not silence this run.
  return Number.isNaN(last) || last > now.getTime() || now.getTime() - last >= repeatHours * MS_PER_HOUR;
}

/** The record in `value` when it has the expected shape; undefined for `{}` (nothing reported) or anything else. */
export function inventoryReportOf(value: unknown): InventoryReport | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { problem, reportedAt } = value as Record<string, unknown>;
  if (typeof problem !== 'string' || typeof reportedAt !== 'string') return undefined;
  return { problem, reportedAt };
}
