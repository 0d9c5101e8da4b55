/**
 * The kernel's count of unacknowledged bytes: parsed from a socket table, and read for a real loopback
 * connection whose peer stops reading (bytes stay unacknowledged) and then reads again (none stay).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { txQueueOf, unacknowledgedBytes } from '../../../gateway/syslog/unacknowledgedBytes.ts';
import { waitUntil } from '../../helpers/waitUntil.ts';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1063 1 0 100 0 0 10 0
   1: 0100007F:A1B2 0100007F:1F90 01 0000012C:00000000 01:00000014 00000000     0        0 2001 1 0 20 4 30 10 -1
   2: 0100007F:1F90 0100007F:A1B2 01 00000000:00000040 00:00000000 00000000     0        0 2002 1 0 20 4 30 10 -1
`;

describe('unacknowledgedBytes', () => {
  it('reads tx_queue of the established connection between the two ports', () => {
    assert.equal(txQueueOf(TABLE, 0xa1b2, 0x1f90), 300);
    assert.equal(txQueueOf(TABLE, 0xa1b2, 0x1f90, '127.0.0.1'), 300);
    assert.equal(txQueueOf(TABLE, 0xa1b2, 0x1f90, '10.0.0.1'), undefined, 'another peer on the same port');
    assert.equal(txQueueOf(TABLE, 0x1f90, 0xa1b2), 0);
    assert.equal(txQueueOf(TABLE, 0x1f90, 0), undefined, 'a listening socket is not a connection');
    assert.equal(txQueueOf(TABLE, 1, 2), undefined);
  });

  it('sees bytes a peer does not read stay unacknowledged, and none once it reads', async () => {
    let peer: Socket | undefined;
    const server = createServer((s) => {
      peer = s;
      s.pause();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    await once(client, 'connect');
    assert.equal(unacknowledgedBytes(client), 0);
    const chunk = Buffer.alloc(1 << 20, 0x61);
    // Far more than the peer's receive window: the rest waits in our kernel, unacknowledged.
    for (let i = 0; i < 32; i++) client.write(chunk);
    await waitUntil('bytes outstanding', () => (unacknowledgedBytes(client) ?? 0) > 0);
    peer!.on('data', () => {});
    peer!.resume();
    await waitUntil('everything acknowledged', () => client.writableLength === 0 && unacknowledgedBytes(client) === 0);
    client.destroy();
    peer!.destroy();
    server.close();
  });
});
