/**
 * `GET /metrics` on a listener of its own (`metrics.listen`, docs/gateway.md, Metrics): plain HTTP on
 * the address a scraper reaches, so the intake can stay on TLS and on its own network. It answers that one
 * path and nothing else, with no authentication (the metrics carry no secret) and short timeouts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './gatewayMetrics.ts';

/** A started metrics listener. */
export interface MetricsListener {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts listening on `host:port` (0 picks a free port). */
export async function startMetricsListener(
  metrics: GatewayMetrics,
  host: string,
  port: number,
): Promise<MetricsListener> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const started = performance.now();
    metrics.render().then(
      ({ body, contentType }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
        metrics.request('/metrics', 200, (performance.now() - started) / 1000);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
