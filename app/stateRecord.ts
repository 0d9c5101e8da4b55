/**
 * Decoding of the records a run keeps, for the state repository (docs/design.md, State): size cap, UTF-8,
 * JSON, then the shape check. A state record that fails any of them is reported as `corrupt` with a short
 * reason (never its content), so the run warns and treats it as first sight; one that passes is handed on
 * in canonical form, its untrusted optional parts (owed deliveries, certificate cache, view) kept only
 * where well-formed, so the policy only ever sees validated state.
 */
import { applianceStateProblem } from '../core/applianceStateProblem.ts';
import { type InventoryReport, inventoryReportOf } from '../core/inventoryReport.ts';
import { normalizeState } from '../core/normalizeState.ts';
import { type TrapHostReport, trapHostReportOf } from '../core/trapHostReport.ts';
import type { ApplianceState } from '../core/types.ts';
import type { LoadedInventoryReport, LoadedState, LoadedTrapHostReport } from './ports.ts';

/** A state record is a few hundred bytes; anything far larger is not one of ours. */
export const MAX_STATE_BYTES = 64 * 1024;

/**
 * How a store words a record too large to read and one that is not JSON. The reasons end up in the
 * `stateReset` line, and each store has always said it its own way, so each keeps its words.
 */
export interface StateRecordWording {
  readonly tooLarge: string;
  readonly notJson: string;
}

/**
 * The record in `bytes` (at most {@link MAX_STATE_BYTES}; a longer input, such as an oversize placeholder,
 * is too large) with its store's `version`, or `corrupt` with the reason it is not a record.
 */
export function decodeStateRecord(
  bytes: Uint8Array,
  version: string | undefined,
  wording: StateRecordWording,
): LoadedState {
  if (bytes.length > MAX_STATE_BYTES) return { corrupt: wording.tooLarge, version };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { corrupt: wording.notJson, version };
  }
  const problem = applianceStateProblem(value);
  if (problem) return { corrupt: problem, version };
  return { state: normalizeState(value as ApplianceState), version };
}

/**
 * The fleet-level record of the inventory problem last logged (docs/monitoring.md, Failure handling), beside the
 * appliances' records: `_` cannot start an appliance name, so it never collides with one.
 */
export const INVENTORY_REPORT_RECORD = '_inventory.json';

/** The stored inventory report; a record that is not one reads as "nothing reported" (and is replaced). */
export function decodeInventoryReport(bytes: Uint8Array, version: string | undefined): LoadedInventoryReport {
  let report: InventoryReport | undefined;
  if (bytes.length <= MAX_STATE_BYTES) {
    try {
      report = inventoryReportOf(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    } catch {
      report = undefined;
    }
  }
  return report ? { report, version } : { version };
}

/** The record's text: the report, or `{}` once nothing is reported any more. */
export function encodeInventoryReport(report: InventoryReport | undefined): string {
  return JSON.stringify(report ?? {});
}

/**
 * The fleet-level record of failing trap hosts (docs/monitoring.md, Failure handling), beside the appliances' records
 * like {@link INVENTORY_REPORT_RECORD}.
 */
export const TRAP_HOST_REPORT_RECORD = '_trapHosts.json';

/** The stored trap host record; one that is not a record reads as "no host failing" (and is replaced). */
export function decodeTrapHostReport(bytes: Uint8Array, version: string | undefined): LoadedTrapHostReport {
  let value: unknown;
  if (bytes.length <= MAX_STATE_BYTES) {
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      value = undefined;
    }
  }
  return { report: trapHostReportOf(value), version };
}

/** The record's text. */
export function encodeTrapHostReport(report: TrapHostReport): string {
  return JSON.stringify(trapHostReportOf(report));
}
