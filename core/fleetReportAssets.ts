/**
 * The fleet report page's own style sheet and script, inlined into the page (docs/monitoring.md, Fleet report): the
 * page makes no request of its own, and its Content-Security-Policy allows exactly these two by hash.
 * The script sorts the table (a click on a column header), filters it, pages through it and, on a click
 * on a timeline mark, scrolls to that appliance's row. It reads only the page's own elements and never
 * writes markup: rows are moved and shown or hidden, not rebuilt, so no text of the report is ever parsed
 * as HTML.
 */

/** Status colours, shared by the counts, the timeline marks and the table badges. */
const COLOURS: ReadonlyArray<[string, string]> = [
  ['expired', '#c62828'],
  ['expiring', '#e65100'],
  ['valid', '#2e7d32'],
  ['not_yet_valid', '#1565c0'],
  ['invalid', '#6a1b9a'],
  ['missing', '#616161'],
  ['unavailable', '#8d6e63'],
];

/** The page's style sheet. */
export const REPORT_CSS = `
:root{color-scheme:light;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
body{margin:0 auto;max-width:1400px;padding:16px 24px 48px}
h1{font-size:20px;margin:0 0 2px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#555;margin:0}
.counts{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:16px 0 0}
.counts li{background:#fff;border:1px solid #ddd;border-left:6px solid currentColor;border-radius:6px;padding:6px 12px;min-width:92px}
.counts strong{display:block;font-size:22px;color:#1d1d1f}
.counts .total{border-left-color:#1d1d1f}
svg{display:block;width:100%;height:auto;background:#fff;border:1px solid #ddd;border-radius:6px}
.axis,.tick{stroke:#888}.tick-label,.gutter-label{font-size:11px;fill:#555;text-anchor:middle}
.window{fill:#fff3e0}.window-label{font-size:11px;fill:#e65100}
.gutter{fill:#f2f2f2}
.now{stroke:#1d1d1f;stroke-width:1.5;stroke-dasharray:4 3}.now-label{font-size:11px;text-anchor:end;fill:#1d1d1f}
.m{cursor:pointer;stroke:#fff;stroke-width:.6}.m:hover{stroke:#000;stroke-width:1.5}
.beyond-label{font-size:11px;fill:#555}
.tools{display:flex;gap:12px;align-items:center;margin:8px 0}
#filter{font:inherit;padding:4px 8px;min-width:18em}
.pager button{font:inherit;padding:2px 10px}.pager span{display:inline-block;min-width:9em;text-align:center}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #ddd}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
td:first-child,th,td time{white-space:nowrap}
thead th{position:sticky;top:0;background:#f0f0f0;z-index:1}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.dn{max-width:28em;overflow-wrap:anywhere}
.fp{font:11px ui-monospace,monospace;max-width:12em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.fp:hover{white-space:normal;overflow-wrap:anywhere}
.label{display:inline-block;background:#eef;border-radius:3px;padding:0 4px;margin:0 4px 2px 0;font-size:12px}
.badge{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:12px;white-space:nowrap}
tr.hit{outline:2px solid #1565c0}
.none{color:#999}
${COLOURS.map(([s, c]) => `.s-${s}{color:${c}}circle.s-${s}{fill:${c}}.badge.s-${s}{background:${c};color:#fff}`).join('\n')}
${COLOURS.map(([s, c]) => `circle.beyond.s-${s}{fill:#fff;stroke:${c};stroke-width:1.6}`).join('')}
`;

/**
 * Rows shown at once. Every appliance has its row in the page, but laying out ten thousand table rows
 * makes a browser take seconds per sort or scroll step (bench/report.ts); a page of rows at a time keeps
 * sorting and scrolling immediate at any fleet size, and the filter and the timeline reach every row.
 */
export const PAGE_ROWS = 500;

/** The page's script (ES2017, no external code). */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var PAGE = ${PAGE_ROWS};
  var table = document.getElementById('fleet');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var matches = rows;
  var page = 0;
  var shown = [];
  var texts = null;
  var query = '';
  var filter = document.getElementById('filter');
  var count = document.getElementById('shown');
  var range = document.getElementById('range');
  var previous = document.getElementById('previous');
  var next = document.getElementById('next');
  var rank = { expired: 0, expiring: 1, invalid: 2, missing: 3, unavailable: 4, not_yet_valid: 5, valid: 6 };
  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    shown.forEach(function (row) { row.hidden = true; });
    shown = matches.slice(page * PAGE, (page + 1) * PAGE);
    shown.forEach(function (row) { row.hidden = false; });
    count.textContent = String(matches.length);
    range.textContent = matches.length === 0 ? 'none'
      : (page * PAGE + 1) + '\\u2013' + (page * PAGE + shown.length) + ' of ' + matches.length;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  function matching(row) {
    if (query === '') return true;
    if (!texts) texts = new Map(rows.map(function (r) { return [r, r.textContent.toLowerCase()]; }));
    return texts.get(row).indexOf(query) >= 0;
  }
  function key(row, column) {
    if (column === 'days') {
      // As the rows start (fleetReportPage.ts, rowOrder): no date or not valid yet needs a look most.
      var days = row.getAttribute('data-days');
      return days === '' || row.getAttribute('data-status') === 'not_yet_valid' ? -Infinity : Number(days);
    }
    if (column === 'status') return rank[row.getAttribute('data-status')];
    return row.getAttribute('data-name');
  }
  function sortBy(th) {
    var column = th.getAttribute('data-sort');
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var keyed = rows.map(function (row) {
      return { row: row, k: key(row, column), name: row.getAttribute('data-name') };
    });
    keyed.sort(function (a, b) {
      var c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
      if (!ascending) c = -c;
      return c || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    var fragment = document.createDocumentFragment();
    rows = keyed.map(function (e) {
      fragment.appendChild(e.row);
      return e.row;
    });
    body.appendChild(fragment);
    matches = rows.filter(matching);
    page = 0;
    render();
  }
  table.tHead.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (button) sortBy(button.parentElement);
  });
  filter.addEventListener('input', function () {
    query = filter.value.trim().toLowerCase();
    matches = rows.filter(matching);
    page = 0;
    render();
  });
  previous.addEventListener('click', function () { page--; render(); });
  next.addEventListener('click', function () { page++; render(); });
  var lit = null;
  document.getElementById('timeline').addEventListener('click', function (event) {
    var id = event.target.getAttribute && event.target.getAttribute('data-row');
    var row = id && document.getElementById(id);
    if (!row) return;
    if (matches.indexOf(row) < 0) {
      filter.value = '';
      query = '';
      matches = rows;
    }
    page = Math.floor(matches.indexOf(row) / PAGE);
    render();
    if (lit) lit.classList.remove('hit');
    lit = row;
    row.classList.add('hit');
    row.scrollIntoView({ block: 'center' });
  });
  render();
})();
`;
