/**
 * Writes the fleet report (docs/monitoring.md, Fleet report) to a state location's `_report/` folder: the data as
 * `fleet-status.json`, then the page as `index.html`, two writes per report whatever the fleet's size.
 * The page's renderer is loaded only here, so a Lambda start does not pay for it.
 */

import { clientReportEntries } from '../core/clientReport.ts';
import type { ClientView } from '../core/clientState.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { buildFleetStatus, type FleetStatus, fleetEntries } from '../core/fleetReport.ts';
import type { ApplianceView } from '../core/types.ts';
import { ReportError } from './errors.ts';
import type { ReportStore } from './ports.ts';

/** The report's data file in `_report/`. */
export const REPORT_JSON = 'fleet-status.json';
/** The report's page in `_report/`. */
export const REPORT_HTML = 'index.html';

/** The report of a run's views as of its instant. */
export function fleetStatusOf(
  time: Date,
  thresholdDays: number,
  views: Iterable<readonly [string, ApplianceView]>,
  clients?: ReadonlyMap<string, ClientView>,
): FleetStatus {
  const entries = [];
  for (const [appliance, view] of views) entries.push(...fleetEntries(appliance, view, time));
  return withClients(buildFleetStatus(time, thresholdDays, entries), clients);
}

/** The report with the Luna clients' entries, when there are any (docs/clients.md). */
export function withClients(status: FleetStatus, clients: ReadonlyMap<string, ClientView> | undefined): FleetStatus {
  if (!clients || clients.size === 0) return status;
  // Before the appliances, so `fleet-status.json` keeps one appliance per line at its end.
  const { appliances, ...head } = status;
  return { ...head, clients: clientReportEntries(clients, new Date(status.time)), appliances };
}

/**
 * `fleet-status.json` as written: one appliance per line, so the file diffs and greps line by line while
 * staying plain JSON. Joined once, so a large fleet's file exists once in memory (docs/design.md, Fleet
 * report).
 */
export function fleetStatusJson(status: FleetStatus): string {
  const { appliances, ...head } = status;
  const open = `${JSON.stringify(head).slice(0, -1)},"appliances":[`;
  if (appliances.length === 0) return `${open}]}\n`;
  const last = appliances.length - 1;
  const parts = [open];
  for (let i = 0; i < last; i++) parts.push(`${JSON.stringify(appliances[i])},`);
  parts.push(JSON.stringify(appliances[last]), ']}\n');
  return parts.join('\n');
}

/** Renders and writes both report files; throws {@link ReportError} naming the file that failed. */
export async function writeFleetReport(store: ReportStore, status: FleetStatus): Promise<void> {
  const { renderFleetReportHtml } = await import('../core/fleetReportPage.ts');
  const files: Array<[string, () => string, string]> = [
    [REPORT_JSON, () => fleetStatusJson(status), 'application/json'],
    [REPORT_HTML, () => renderFleetReportHtml(status), 'text/html; charset=utf-8'],
  ];
  for (const [name, render, contentType] of files) {
    try {
      await store.writeReportFile(name, render(), contentType);
    } catch (error) {
      const reason = error instanceof CertmonitorError ? error.message : (errorLabel(error) ?? 'write failed');
      throw new ReportError(`${store.reportDescription}${name} could not be written: ${reason}`, { cause: error });
    }
  }
}
