import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DirSource } from '../../../adapters/dir/dirSource.ts';
import { InventoryError } from '../../../app/errors.ts';
import { evaluate } from '../../../core/evaluate.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../../core/readCertificateFile.ts';
import { makeCertificatePem, makeDemoKeys } from '../../../examples/demoCertificate.ts';

let root: string;
let certPem: string;

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-dirsource-'));
  certPem = makeCertificatePem(makeDemoKeys(), {
    commonName: 'hsm01',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
  });
  for (const name of ['hsm01', 'hsm02.lab', 'bad name\u001b[31m', '.hidden']) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'server.pem'), certPem);
  }
  await mkdir(path.join(root, 'hsm-empty'));
  await mkdir(path.join(root, 'hsm-big'));
  await writeFile(path.join(root, 'hsm-big', 'server.pem'), new Uint8Array(MAX_CERTIFICATE_FILE_BYTES + 10));
  await mkdir(path.join(root, 'hsm-dir', 'server.pem'), { recursive: true });
  await writeFile(path.join(root, 'notes.txt'), 'not an appliance');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('lists sub-directories holding a server.pem; misplaced certificates are collected, sanitized', async () => {
  await mkdir(path.join(root, 'hsm-crt'));
  await writeFile(path.join(root, 'hsm-crt', 'server.crt'), certPem);
  await writeFile(path.join(root, 'hsm01', 'chain.pem'), certPem);
  await writeFile(path.join(root, 'hsm09.pem'), certPem);
  const source = new DirSource(root);
  const names: string[] = [];
  for await (const { name } of source.list()) names.push(name);
  assert.deepEqual(names.sort(), ['hsm-big', 'hsm-dir', 'hsm01', 'hsm02.lab']);
  const skipped = source.skippedKeys();
  // A chain file beside a server.pem, notes.txt and hidden entries are not certificates that lost their place.
  assert.equal(skipped.count, 3);
  assert.deepEqual([...skipped.examples].sort(), ['bad name [31m/server.pem', 'hsm-crt/server.crt', 'hsm09.pem']);
  assert.ok(skipped.examples.every((key) => !/[\u0000-\u001f]/.test(key)));
  // Each listing starts afresh.
  for await (const _ of source.list());
  assert.equal(source.skippedKeys().count, 3);
  await rm(path.join(root, 'hsm-crt'), { recursive: true });
  await rm(path.join(root, 'hsm09.pem'));
  await rm(path.join(root, 'hsm01', 'chain.pem'));
});

test('fetch: found, missing, oversize refused unread, a directory is not a certificate', async () => {
  const source = new DirSource(root);
  const found = await source.fetch('hsm01');
  assert.equal(found.kind, 'found');
  assert.equal(new TextDecoder().decode(found.kind === 'found' ? found.bytes : undefined), certPem);
  assert.equal(evaluate(found, 30, new Date('2026-06-01T00:00:00Z')).status, 'valid');

  assert.deepEqual(await source.fetch('hsm-empty'), { kind: 'missing' });
  assert.deepEqual(await source.fetch('nobody'), { kind: 'missing' });
  assert.deepEqual(await source.fetch('../hsm01'), { kind: 'missing' }, 'names are validated before use as paths');

  const big = await source.fetch('hsm-big');
  assert.equal(big.kind, 'found');
  assert.equal(big.kind === 'found' && big.bytes.length, MAX_CERTIFICATE_FILE_BYTES + 1);
  assert.equal(big.kind === 'found' && big.bytes.some((b) => b !== 0), false, 'placeholder, not the content');
  assert.equal(evaluate(big, 30, new Date()).status, 'invalid');

  const dir = await source.fetch('hsm-dir');
  assert.equal(evaluate(dir, 30, new Date()).status, 'invalid');
});

test('a file that cannot be read is unavailable, never missing', async () => {
  const { symlink } = await import('node:fs/promises');
  // A symbolic-link loop fails to open (ELOOP) even for root, unlike a permission change.
  await mkdir(path.join(root, 'hsm-loop'));
  await symlink('server.pem', path.join(root, 'hsm-loop', 'server.pem'));
  const result = await new DirSource(root).fetch('hsm-loop');
  assert.deepEqual(result, { kind: 'unavailable', reason: 'file could not be read (ELOOP)' });
  assert.equal(evaluate(result, 30, new Date()).status, 'unavailable');
});

test('inventory: absent, valid, with problems (the valid entries kept), unreadable', async () => {
  const source = new DirSource(root);
  assert.equal(await source.readInventory(), undefined);
  await writeFile(path.join(root, 'fleet.json'), '{"appliances":{"hsm01":{"address":"10.0.0.5"}}}');
  assert.deepEqual(await source.readInventory(), { appliances: { hsm01: { address: '10.0.0.5' } } });
  await writeFile(path.join(root, 'fleet.json'), '{"appliances":{"hsm01":{"adress":"10.0.0.5"},"hsm02":{}}}');
  assert.deepEqual(await source.readInventory(), {
    appliances: { hsm01: {}, hsm02: {} },
    problems: ['fleet.json: appliances.hsm01: unknown key(s) adress'],
  });
  await rm(path.join(root, 'fleet.json'));
  await mkdir(path.join(root, 'fleet.json'));
  assert.deepEqual((await source.readInventory())?.problems, ['fleet.json: not a regular file']);
  await rm(path.join(root, 'fleet.json'), { recursive: true });
  const { symlink } = await import('node:fs/promises');
  await symlink('fleet.json', path.join(root, 'fleet.json'));
  await assert.rejects(source.readInventory(), (error: unknown) => {
    assert.ok(error instanceof InventoryError);
    assert.equal(error.code, 'CM_ERR_INVENTORY_UNREADABLE');
    return true;
  });
  await rm(path.join(root, 'fleet.json'));
});
