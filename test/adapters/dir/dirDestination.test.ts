import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DirDestination } from '../../../adapters/dir/dirDestination.ts';
import { DirSource } from '../../../adapters/dir/dirSource.ts';
import { DestinationError } from '../../../app/errors.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-dirdest-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const live = () => new AbortController().signal;
const bytes = (text: string) => new TextEncoder().encode(text);

test('writes {root}/{appliance}/server.pem where the directory source reads it, replacing it whole', async () => {
  const fleet = path.join(root, 'fleet');
  const destination = new DirDestination(fleet);
  assert.deepEqual(await destination.read('hsm01', live()), {});
  await destination.write('hsm01', bytes('first'), {}, live());
  const stored = await destination.read('hsm01', live());
  assert.deepEqual(stored.bytes, bytes('first'));
  await destination.write('hsm01', bytes('second'), stored, live());
  assert.equal(await readFile(path.join(fleet, 'hsm01', 'server.pem'), 'utf8'), 'second');
  assert.deepEqual(await readdir(path.join(fleet, 'hsm01')), ['server.pem'], 'no temporary file left behind');
  const source = new DirSource(fleet);
  const fetched = await source.fetch('hsm01');
  assert.deepEqual(fetched.kind === 'found' && fetched.bytes, bytes('second'));
});

test('a write whose deadline has passed renames nothing: the stored certificate stays as it was', async () => {
  const fleet = path.join(root, 'late');
  const destination = new DirDestination(fleet);
  await destination.write('hsm01', bytes('kept'), {}, live());
  await assert.rejects(destination.write('hsm01', bytes('late'), {}, AbortSignal.abort()), (error: unknown) => {
    assert.ok(error instanceof DestinationError);
    assert.equal(error.message, 'out of time before the certificate was written');
    return true;
  });
  assert.equal(await readFile(path.join(fleet, 'hsm01', 'server.pem'), 'utf8'), 'kept');
  assert.deepEqual(await readdir(path.join(fleet, 'hsm01')), ['server.pem']);
});

test('what cannot be read or written is a DestinationError naming the file-system code, never the content', async () => {
  const fleet = path.join(root, 'odd');
  await mkdir(path.join(fleet, 'dir', 'server.pem'), { recursive: true });
  const destination = new DirDestination(fleet);
  await assert.rejects(destination.read('dir', live()), /dir\/server\.pem is not a regular file/);
  await writeFile(path.join(fleet, 'file'), 'a file where the appliance directory should be');
  assert.deepEqual(await destination.read('file', live()), {}, 'no appliance directory: nothing stored');
  await assert.rejects(
    destination.write('file', bytes('x'), {}, live()),
    /server\.pem could not be written \(E[A-Z]+\)/,
  );
  await assert.rejects(destination.read('../etc', live()), /invalid appliance name/);
});

test('writes {root}/fleet.json where the directory source reads its inventory, the same way', async () => {
  const fleet = path.join(root, 'inventory');
  const destination = new DirDestination(fleet);
  assert.deepEqual(await destination.readInventory(live()), {});
  const file = bytes('{"appliances": {"hsm01": {}}}\n');
  await destination.writeInventory(file, {}, live());
  const stored = await destination.readInventory(live());
  assert.deepEqual(stored.bytes, file);
  assert.deepEqual(await new DirSource(fleet).readInventory(), { appliances: { hsm01: {} } });
  await assert.rejects(destination.writeInventory(bytes('late'), stored, AbortSignal.abort()), {
    message: 'out of time before the inventory was written',
  });
  assert.deepEqual(await readdir(fleet), ['fleet.json'], 'no temporary file left behind');
  assert.deepEqual((await destination.readInventory(live())).bytes, file, 'a late write leaves it as it was');
  await rm(path.join(fleet, 'fleet.json'));
  await mkdir(path.join(fleet, 'fleet.json'));
  await assert.rejects(destination.readInventory(live()), { message: 'fleet.json is not a regular file' });
});
