/**
 * How a gateway is named in results, summaries and log lines (docs/gateway.md, Standby gateways): its URL's origin
 * and path, never credentials, a query or a fragment. Two configured gateways never share a name (the
 * configuration refuses a URL listed twice), so the name tells which one delivered.
 */

/** The gateway's name: `https://gw.example:8443`, or `https://proxy.example/gw1` for one behind a path. */
export function gatewayLabel(url: string | URL): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
