/**
 * The Clients section of the report page (docs/clients.md, In the report and the metrics): one row per
 * Luna client with its certificate's status and days, its bundle, and the appliances it does not trust.
 * Every name is escaped text. Empty without clients, so the page stays as it was. Pure.
 */
import type { ClientReportEntry } from './clientReport.ts';
import { escapeHtml } from './html.ts';

const NONE = '<span class="none">&ndash;</span>';

function clientRow(entry: ClientReportEntry): string {
  const notTrusting = entry.untrusted.map((a) => `<span class="label">${escapeHtml(a)}</span>`).join('');
  const unverifiable = Object.entries(entry.trust)
    .filter(([, word]) => word === 'unverifiable')
    .map(([a]) => escapeHtml(a))
    .join(', ');
  const cells = [
    `<td>${escapeHtml(entry.client)}</td>`,
    `<td><span class="badge s-${entry.status}">${entry.status.replace(/_/g, ' ')}</span></td>`,
    `<td class="num">${entry.daysRemaining === null ? NONE : entry.daysRemaining}</td>`,
    `<td>${escapeHtml(entry.bundle)}</td>`,
    `<td>${notTrusting || NONE}</td>`,
    `<td>${unverifiable || NONE}</td>`,
  ];
  return `<tr data-client="${escapeHtml(entry.client)}">${cells.join('')}</tr>`;
}

/** The section's HTML, or an empty string when there is no client. */
export function renderClientSection(clients: readonly ClientReportEntry[] | undefined): string {
  if (!clients || clients.length === 0) return '';
  const head =
    '<thead><tr><th>Client</th><th>Status</th><th>Days</th><th>Trust bundle</th><th>Does not trust</th><th>Cannot be verified</th></tr></thead>';
  return `<h2>Clients</h2>
<table id="clients">${head}<tbody>
${clients.map(clientRow).join('\n')}
</tbody></table>`;
}
