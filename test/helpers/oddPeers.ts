/**
 * Peers that misbehave where an appliance's NTLS port should be, for the collector's bounds: a server
 * that speaks HTTP, one that accepts and never answers, a proxy that drips a real appliance's bytes one
 * at a time, a TLS server that sends an oversize chain, and a port nobody listens on. Each is a real
 * socket on loopback, never a mock of TLS.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { freeTcpPort } from './freePort.ts';

/** A peer on a loopback port, and how many connections it accepted. */
export interface OddPeer {
  readonly port: number;
  connections(): number;
  stop(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<OddPeer> {
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => connections,
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** Answers whatever arrives with an HTTP error, as a web server on the wrong port would. */
export function startHttpPeer(): Promise<OddPeer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  });
  return listen(server, sockets);
}

/** Accepts connections and never sends a byte nor closes. */
export function startSilentPeer(): Promise<OddPeer> {
  return listen(
    createServer(() => {}),
    new Set(),
  );
}

/**
 * A proxy in front of `targetPort` that forwards the client's bytes at once but the server's one byte
 * every `intervalMs`: a real handshake, too slow to finish before any reasonable deadline.
 */
export function startDripPeer(targetPort: number, intervalMs = 50): Promise<OddPeer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    const pending: number[] = [];
    const timer = setInterval(() => {
      const byte = pending.shift();
      if (byte !== undefined && !client.destroyed) client.write(Buffer.from([byte]));
    }, intervalMs);
    upstream.on('data', (chunk: Buffer) => pending.push(...chunk));
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const close = () => {
      clearInterval(timer);
      upstream.destroy();
      client.destroy();
    };
    client.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  return listen(server, sockets);
}

/**
 * A TLS server requiring a client certificate, presenting `certPem` followed by `chainPems` (any number,
 * any size): the oversize appliance.
 */
export function startChainPeer(certPem: string, keyPem: string, chainPems: readonly string[]): Promise<OddPeer> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({
    cert: [certPem, ...chainPems].join(''),
    key: keyPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('tlsClientError', () => {});
  return listen(server as unknown as Server, sockets);
}

/** A loopback port with nothing listening (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return freeTcpPort();
}
