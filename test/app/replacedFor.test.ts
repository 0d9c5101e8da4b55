import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../../app/ports.ts';
import { replacedFor } from '../../app/replacedFor.ts';

describe('replacedFor', () => {
  const inventory: Inventory = {
    appliances: { hsm01: {}, hsm02: {} },
    clients: { app01: { appliances: ['hsm01'] } },
  };

  it('is on for an appliance a Luna client lists, whatever the run says', () => {
    assert.equal(replacedFor('hsm01', { inventory }), true);
    assert.equal(replacedFor('hsm02', { inventory }), false);
  });

  it('is on for every appliance with the flag or the inventory policy', () => {
    assert.equal(replacedFor('hsm02', { inventory, replaced: true }), true);
    assert.equal(replacedFor('hsm02', { inventory: { ...inventory, replaced: true } }), true);
  });

  it('is off without a flag, a policy or clients, as before', () => {
    assert.equal(replacedFor('hsm01', { inventory: { appliances: { hsm01: {} } } }), false);
    assert.equal(replacedFor('hsm01', { inventory: undefined }), false);
  });
});
