import assert from 'node:assert/strict';
import { it } from 'node:test';
import { listedByClients } from '../../app/listedByClients.ts';

it('lists every appliance some client lists, once', () => {
  const inventory = {
    appliances: { hsm01: {}, hsm02: {}, hsm03: {} },
    clients: { app01: { appliances: ['hsm01', 'hsm02'] }, app02: { appliances: ['hsm02'] } },
  };
  assert.deepEqual([...listedByClients(inventory)].sort(), ['hsm01', 'hsm02']);
  assert.equal(listedByClients({ appliances: {} }).size, 0);
  assert.equal(listedByClients(undefined).size, 0);
});
