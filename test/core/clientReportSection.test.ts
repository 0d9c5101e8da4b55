import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientReportEntries } from '../../core/clientReport.ts';
import type { ClientView } from '../../core/clientState.ts';
import { buildFleetStatus } from '../../core/fleetReport.ts';
import { renderFleetReportHtml } from '../../core/fleetReportPage.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const view: ClientView = {
  status: 'expiring',
  thresholdDays: 30,
  notAfter: '2026-12-04T12:00:00.000Z',
  bundle: 'ok',
  trust: { 'hsm<b>': 'untrusted', hsm01: 'trusted', hsm02: 'unverifiable' },
};

describe('the Clients section of the report', () => {
  it('lists each client with its days and the appliances it does not trust, as text', () => {
    const clients = clientReportEntries(new Map([['app01', view]]), NOW);
    assert.deepEqual(clients[0]?.untrusted, ['hsm<b>']);
    assert.equal(clients[0]?.daysRemaining, 10);
    const page = renderFleetReportHtml({ ...buildFleetStatus(NOW, 30, []), clients });
    assert.match(page, /<h2>Clients<\/h2>/);
    assert.match(
      page,
      /<td>app01<\/td><td><span class="badge s-expiring">expiring<\/span><\/td><td class="num">10<\/td>/,
    );
    assert.match(page, /<span class="label">hsm&lt;b&gt;<\/span>/);
    assert.match(page, /<td>hsm02<\/td><\/tr>/);
  });

  it('leaves the page as it was without clients', () => {
    const status = buildFleetStatus(NOW, 30, []);
    assert.equal(renderFleetReportHtml({ ...status, clients: [] }), renderFleetReportHtml(status));
    assert.doesNotMatch(renderFleetReportHtml(status), /Clients/);
  });
});
