import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInventory } from '../../adapters/parseInventory.ts';

describe('parseInventory: clients', () => {
  it('reads clients with their settings', async () => {
    const inventory = await parseInventory(
      JSON.stringify({
        appliances: { hsm01: {}, hsm02: {} },
        clients: {
          app01: {
            appliances: ['hsm01', 'hsm02'],
            thresholdDays: 45,
            thresholdPercent: 10,
            repeatHours: 6,
            critical: { days: 7 },
          },
        },
      }),
    );
    assert.equal(inventory.problems, undefined);
    assert.deepEqual(inventory.clients, {
      app01: {
        appliances: ['hsm01', 'hsm02'],
        thresholdDays: 45,
        thresholdPercent: 10,
        repeatHours: 6,
        critical: { days: 7 },
      },
    });
  });

  it('an unknown appliance is a problem line and the rest of the client is kept', async () => {
    const inventory = await parseInventory(
      JSON.stringify({ appliances: { hsm01: {} }, clients: { app01: { appliances: ['hsm01', 'hsm99'] } } }),
    );
    assert.deepEqual(inventory.clients, { app01: { appliances: ['hsm01'] } });
    assert.deepEqual(inventory.problems, ['fleet.json: clients.app01.appliances.1: unknown appliance hsm99']);
  });

  it('refuses a bad name by its position, and bad values and unknown keys by their key path', async () => {
    const text = `{"appliances": {"hsm01": {}},\n "clients": {"_bad": {"appliances": []}, "app02": {"appliances": "hsm01"}, "app03": {"appliances": [], "treshold": 1}}}`;
    const inventory = await parseInventory(text);
    assert.deepEqual(inventory.clients, {});
    assert.deepEqual(inventory.problems, [
      'fleet.json: clients.<invalid client name> at line 2, column 14: client names must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
      'fleet.json: clients.app02.appliances: expected a list of appliance names',
      'fleet.json: clients.app03: unknown key(s) treshold',
    ]);
  });

  it('leaves an inventory without clients exactly as before', async () => {
    const inventory = await parseInventory(JSON.stringify({ appliances: { hsm01: {} } }));
    assert.deepEqual(inventory, { appliances: { hsm01: {} } });
  });
});
