/**
 * The fleet report page, `index.html` (docs/monitoring.md, Fleet report): one self-contained file (inline style,
 * SVG and script; no font, image or script from elsewhere) that works from `file://` and from a presigned
 * S3 URL. It shows the counts by status, the expiry timeline and a table of every appliance sortable by
 * days remaining. Every name, label and DN is escaped text; the Content-Security-Policy forbids any
 * request and allows only the page's own style and script (by hash), so even an escaping mistake could
 * neither load nor run anything. Pure.
 */

import { renderClientSection } from './clientReportSection.ts';
import type { FleetEntry, FleetStatus } from './fleetReport.ts';
import { PAGE_ROWS, REPORT_CSS, REPORT_SCRIPT } from './fleetReportAssets.ts';
import { renderTimeline } from './fleetTimeline.ts';
import { base64, escapeHtml } from './html.ts';
import { sha256 } from './sha256.ts';
import { STATUSES } from './types.ts';

/** A CSP hash source for an inline element's exact text. */
function hashSource(text: string): string {
  return `'sha256-${base64(sha256(new TextEncoder().encode(text)))}'`;
}

/** `2026-11-24 12:00 UTC`, the page's form of an instant. */
function shortInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A status or event name as words: `not_yet_valid` → `not yet valid`. */
function words(name: string): string {
  return name.replace(/_/g, ' ');
}

// An entity, not the character itself: one character above U+00FF would make V8 hold the whole page as a
// two-byte string, twice its size (docs/design.md, Fleet report).
const NONE = '<span class="none">&ndash;</span>';

/**
 * Table rows in days-remaining order. Appliances without a date, and certificates not valid yet (whose
 * days remaining are many, yet every client refuses them), come first: they need a look most.
 */
function rowOrder(entries: readonly FleetEntry[]): number[] {
  const days = (e: FleetEntry) =>
    e.daysRemaining === null || e.status === 'not_yet_valid' ? Number.NEGATIVE_INFINITY : e.daysRemaining;
  return entries
    .map((_, i) => i)
    .sort((a, b) => {
      const ea = entries[a] as FleetEntry;
      const eb = entries[b] as FleetEntry;
      return days(ea) - days(eb) || (ea.appliance < eb.appliance ? -1 : ea.appliance > eb.appliance ? 1 : 0);
    });
}

/** One appliance's row; rows past the first page start hidden (the script pages through them). */
function row(entry: FleetEntry, id: string, hidden: boolean, named: boolean): string {
  const cells = [
    `<td>${escapeHtml(entry.appliance)}</td>`,
    // The certificate column exists once a named certificate does (docs/monitoring.md, Fleet report).
    ...(named ? [`<td>${entry.certificate === undefined ? 'NTLS' : escapeHtml(entry.certificate)}</td>`] : []),
    `<td><span class="badge s-${entry.status}">${words(entry.status)}</span></td>`,
    `<td class="num">${entry.daysRemaining === null ? NONE : entry.daysRemaining}</td>`,
    `<td>${entry.notAfter === null ? NONE : `<time datetime="${escapeHtml(entry.notAfter)}">${escapeHtml(shortInstant(entry.notAfter))}</time>`}</td>`,
    `<td class="dn">${entry.subject === null ? NONE : escapeHtml(entry.subject)}</td>`,
    `<td class="fp">${entry.fingerprintSha256 === null ? NONE : escapeHtml(entry.fingerprintSha256)}</td>`,
    `<td>${
      Object.entries(entry.labels)
        .map(([k, v]) => `<span class="label">${escapeHtml(`${k}=${v}`)}</span>`)
        .join('') || NONE
    }</td>`,
    `<td>${
      entry.lastNotification === null
        ? NONE
        : escapeHtml(`${words(entry.lastNotification.event)} ${shortInstant(entry.lastNotification.at)}`)
    }</td>`,
    `<td>${findingsCell(entry)}</td>`,
  ];
  const days = entry.daysRemaining === null ? '' : String(entry.daysRemaining);
  return `<tr id="${id}" data-name="${escapeHtml(entry.appliance)}" data-status="${entry.status}" data-days="${days}"${hidden ? ' hidden' : ''}>${cells.join('')}</tr>`;
}

/** The certificate's findings (docs/reference.md, Certificate findings), each named with its detail as a tooltip. */
function findingsCell(entry: FleetEntry): string {
  const findings = entry.findings ?? [];
  if (findings.length === 0) return NONE;
  return findings
    .map((f) => `<span class="label" title="${escapeHtml(f.detail)}">${escapeHtml(words(f.finding))}</span>`)
    .join('');
}

function counts(status: FleetStatus): string {
  const items = STATUSES.map(
    (s) => `<li class="s-${s}" data-status="${s}"><strong>${status.byStatus[s]}</strong>${words(s)}</li>`,
  );
  const withFindings = status.appliances.filter((e) => (e.findings ?? []).length > 0).length;
  const findings = `<li class="total findings"><strong>${withFindings}</strong>with findings</li>`;
  return `<ul class="counts"><li class="total"><strong>${applianceCount(status)}</strong>appliances</li>${items.join('')}${findings}</ul>`;
}

/** The appliances of the report: its rows but those of named certificates. */
function applianceCount(status: FleetStatus): number {
  return status.appliances.filter((e) => e.certificate === undefined).length;
}

/** True when the report has a named certificate's row, and so a certificate column. */
function hasNamed(status: FleetStatus): boolean {
  return status.appliances.some((e) => e.certificate !== undefined);
}

const HEADERS: ReadonlyArray<[string, string | undefined]> = [
  ['Appliance', 'appliance'],
  ['Status', 'status'],
  ['Days', 'days'],
  ['notAfter', undefined],
  ['Subject', undefined],
  ['Fingerprint (SHA-256)', undefined],
  ['Labels', undefined],
  ['Last notification', undefined],
  ['Findings', undefined],
];

function tableHead(named: boolean): string {
  const headers = named
    ? [HEADERS[0] as [string, undefined], ['Certificate', undefined], ...HEADERS.slice(1)]
    : HEADERS;
  const cells = headers.map(([title, sort]) => {
    if (!sort) return `<th>${title}</th>`;
    const initial = sort === 'days' ? ' aria-sort="ascending"' : '';
    return `<th data-sort="${sort}"${initial}><button type="button">${title}</button></th>`;
  });
  return `<thead><tr>${cells.join('')}</tr></thead>`;
}

/** Rows joined into one string at a time: each row is built of many small strings that die young. */
const ROWS_PER_PIECE = 250;

/**
 * The whole page for `status`, as one flat string. The rows are joined a few hundred at a time, then
 * once with the text around them, so a large fleet's page is held about twice (the pieces and the page),
 * not as every row's parts, the joined rows and a copy made when it is written (docs/design.md, Fleet
 * report).
 */
export function renderFleetReportHtml(status: FleetStatus): string {
  const ids = status.appliances.map((_, i) => `r${i}`);
  const order = rowOrder(status.appliances);
  const named = hasNamed(status);
  const pieces = [pageHead(status, ids)];
  for (let start = 0; start < order.length; start += ROWS_PER_PIECE) {
    const rows = order
      .slice(start, start + ROWS_PER_PIECE)
      .map((i, k) => row(status.appliances[i] as FleetEntry, ids[i] as string, start + k >= PAGE_ROWS, named));
    pieces.push(rows.join('\n'));
  }
  if (order.length === 0) pieces.push('');
  pieces.push(`</tbody></table>${clientSection(status)}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`);
  return pieces.join('\n');
}

/** The Clients section, on its own line after the appliances' table; nothing without clients. */
function clientSection(status: FleetStatus): string {
  const section = renderClientSection(status.clients);
  return section === '' ? '' : `\n${section}`;
}

/** The page up to the table body's first row. */
function pageHead(status: FleetStatus, ids: readonly string[]): string {
  const csp = [
    "default-src 'none'",
    `style-src ${hashSource(REPORT_CSS)}`,
    `script-src ${hashSource(REPORT_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const when = shortInstant(status.time);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>certmonitor fleet report ${when}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>NTLS certificates of ${applianceCount(status)} appliance(s)</h1>
<p class="meta">As of <time datetime="${escapeHtml(status.time)}">${when}</time>; threshold ${status.thresholdDays} days. Written by certmonitor.</p>
${counts(status)}
</header>
<h2>Expiry timeline</h2>
${renderTimeline(status, ids)}
<h2>Appliances</h2>
<div class="tools"><input id="filter" type="search" placeholder="Filter by any text" aria-label="Filter appliances"><span><span id="shown">${status.appliances.length}</span> appliance(s); click a column title to sort, a timeline mark to find its row</span><span class="pager"><button type="button" id="previous" aria-label="Previous rows">&#9664;</button><span id="range"></span><button type="button" id="next" aria-label="Next rows">&#9654;</button></span></div>
<table id="fleet">${tableHead(hasNamed(status))}<tbody>`;
}
