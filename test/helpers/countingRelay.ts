/** A TCP relay to a loopback port that counts the connections (TLS handshakes) made through it. */
import net from 'node:net';

export interface CountingRelay {
  /** `https://HOST:PORT` of the relay. */
  readonly url: string;
  connections(): number;
  close(): Promise<void>;
}

/** Relays `host`:(a free port) to 127.0.0.1:`port`, byte for byte, counting each connection. */
export async function countingRelay(port: number, host = '127.0.0.1'): Promise<CountingRelay> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    const upstream = net.connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((done) => server.listen(0, host, done));
  return {
    url: `https://${host}:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
