/**
 * The Luna clients' series in the metrics textfile (docs/clients.md, In the report and the metrics):
 * `certmonitor_client_trusts{client,appliance}` 1 when the client trusts what the appliance presents, 0
 * when it does not (no series while it cannot be told), and each client certificate's `x509_cert_*`
 * series labelled `client`. Nothing is added without clients, so the textfile stays as it was.
 */
import type { Gauge, Registry } from 'prom-client';
import type { ClientView } from '../../core/clientState.ts';
import { commonName } from '../../core/commonName.ts';

/** The x509 gauges, which a client certificate's series join with its `client` label. */
export interface X509Gauges {
  readonly notAfter: Gauge;
  readonly notBefore: Gauge;
  readonly expired: Gauge;
}

/** Adds the clients' series to `registry` and the x509 gauges. */
export async function addClientMetrics(
  registry: Registry,
  x509: X509Gauges,
  clients: ReadonlyMap<string, ClientView>,
  now: Date,
  serialDecimal: (hex: string | undefined) => string,
): Promise<void> {
  const { Gauge } = await import('prom-client');
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
    if (view.notAfter === undefined) continue;
    const labels = {
      client,
      subject_CN: commonName(view.subject ?? ''),
      serial_number: serialDecimal(view.serialNumber),
    };
    const after = Date.parse(view.notAfter);
    x509.notAfter.set(labels, Math.floor(after / 1000));
    if (view.notBefore !== undefined) x509.notBefore.set(labels, Math.floor(Date.parse(view.notBefore) / 1000));
    x509.expired.set(labels, now.getTime() > after ? 1 : 0);
  }
}
