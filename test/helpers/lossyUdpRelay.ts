/**
 * A loopback UDP relay in front of a real receiver that loses what a network may lose: the first
 * `dropFirst` datagrams a sender sends are dropped, later ones pass to the receiver, and its answers go
 * back to whoever sent last. It counts every datagram senders sent, so a test sees each (re-)send.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface LossyUdpRelay {
  readonly port: number;
  /** Datagrams received from senders (dropped or passed). */
  readonly fromSenders: number;
  close(): Promise<void>;
}

/** Starts the relay on a free loopback port in front of `targetPort`. */
export async function startLossyUdpRelay(targetPort: number, dropFirst: number): Promise<LossyUdpRelay> {
  const socket = createSocket('udp4');
  let fromSenders = 0;
  let sender: RemoteInfo | undefined;
  socket.on('message', (message, from) => {
    if (from.port === targetPort) {
      if (sender) socket.send(message, sender.port, sender.address);
      return;
    }
    fromSenders++;
    sender = from;
    if (fromSenders > dropFirst) socket.send(message, targetPort, '127.0.0.1');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    port: socket.address().port,
    get fromSenders() {
      return fromSenders;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
