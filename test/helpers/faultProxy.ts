/**
 * A loopback HTTP proxy in front of a real gateway that can fail in the ways a network does: pass
 * requests through, answer 500 itself, or let the gateway act and then lose its answer (the connection
 * is destroyed instead of relaying it), always or for the first request only (then the mode goes back to
 * `pass`), or be a gateway of before `/v2/notifications` (`noV2`: that path answers 404 as such a gateway
 * does, everything else passes). A gateway that is down shows as a reset connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'fail500' | 'dropAnswer' | 'dropFirstAnswer' | 'noV2';

export interface FaultProxy {
  readonly url: string;
  mode: ProxyMode;
  /** Requests received so far, whatever was done with them. */
  readonly requests: number;
  /** The path of each request received so far, and its body. */
  readonly paths: readonly string[];
  readonly bodies: readonly string[];
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port; `target` is read per request (the gateway may move). */
export async function startFaultProxy(target: () => number): Promise<FaultProxy> {
  let mode: ProxyMode = 'pass';
  let requests = 0;
  const paths: string[] = [];
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    requests++;
    paths.push(request.url ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (mode === 'noV2' && request.url?.startsWith('/v2/')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"GW_ERR_NOT_FOUND","message":"not found"}}');
        return;
      }
      if (mode === 'fail500') {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"GW_ERR_INTERNAL","message":"injected failure"}}');
        return;
      }
      const upstream = http.request(
        { host: '127.0.0.1', port: target(), method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            // The gateway has acted and answered; in this mode its answer never reaches the check.
            if (mode === 'dropAnswer') return void request.socket.destroy();
            if (mode === 'dropFirstAnswer') {
              mode = 'pass';
              return void request.socket.destroy();
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(Buffer.concat(body));
          });
        },
      );
      // Gateway down: the check sees its connection reset.
      upstream.on('error', () => request.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get mode() {
      return mode;
    },
    set mode(next: ProxyMode) {
      mode = next;
    },
    get requests() {
      return requests;
    },
    paths,
    bodies,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
