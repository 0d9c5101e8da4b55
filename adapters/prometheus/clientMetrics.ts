/**
 * The Luna clients' own series in the metrics textfile (docs/clients.md, In the report and the metrics):
 * `certmonitor_client_trusts{client,appliance}` 1 when the client trusts what the appliance presents, 0
 * when it does not (no series while it cannot be told). A client certificate's `x509_cert_*` series,
 * labelled `client`, are set with the appliances' (./certificateMetrics.ts). Nothing is added without
 * clients, so the textfile stays as it was.
 */
import { Gauge, type Registry } from 'prom-client';
import type { ClientView } from '../../core/clientState.ts';

/** Adds `certmonitor_client_trusts` to `registry`. */
export function addClientTrusts(registry: Registry, clients: ReadonlyMap<string, ClientView>): void {
  const trusts = new Gauge({
    name: 'certmonitor_client_trusts',
    help: 'Whether the Luna client trusts the NTLS certificate the appliance presents (1) or not (0)',
    labelNames: ['client', 'appliance'],
    registers: [registry],
  });
  for (const [client, view] of clients) {
    for (const [appliance, word] of Object.entries(view.trust)) {
      if (word === 'trusted' || word === 'untrusted') trusts.set({ client, appliance }, word === 'trusted' ? 1 : 0);
    }
  }
}
