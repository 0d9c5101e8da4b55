import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInventory } from '../../adapters/parseInventory.ts';
import { InventoryError } from '../../app/errors.ts';

test('a valid inventory parses with every documented field', () => {
  const inventory = parseInventory(
    JSON.stringify({
      appliances: {
        hsm01: {
          address: '10.0.0.5',
          labels: { site: 'fra' },
          thresholdDays: 45,
          repeatHours: 6,
          ntlsPort: 1793,
          serverName: 'hsm01.example.net',
        },
        'hsm02.lab': {},
        hsm03: { address: 'fe80::1' },
      },
    }),
  );
  assert.deepEqual(inventory.appliances.hsm01, {
    address: '10.0.0.5',
    labels: { site: 'fra' },
    thresholdDays: 45,
    repeatHours: 6,
    ntlsPort: 1793,
    serverName: 'hsm01.example.net',
  });
  assert.deepEqual(inventory.appliances['hsm02.lab'], {});
});

function refusal(text: string): string {
  try {
    parseInventory(text);
  } catch (error) {
    assert.ok(error instanceof InventoryError);
    assert.equal(error.invalidContent, true, 'a content error is a configuration error');
    return error.message;
  }
  assert.fail('parseInventory accepted an invalid inventory');
}

test('errors name the key path', () => {
  assert.match(refusal('{"appliances":{"hsm01":{"thresholdDays":"45"}}}'), /appliances\.hsm01\.thresholdDays/);
  assert.match(refusal('{"appliances":{"hsm01":{"repeatHours":0}}}'), /appliances\.hsm01\.repeatHours/);
  assert.match(refusal('{"appliances":{"hsm01":{"repeatHours":1.5}}}'), /appliances\.hsm01\.repeatHours/);
  assert.match(refusal('{"appliances":{"hsm01":{"address":"10.0.0.5; rm -rf"}}}'), /appliances\.hsm01\.address/);
  assert.match(
    refusal('{"appliances":{"hsm01":{"ntlsPort":0}}}'),
    /appliances\.hsm01\.ntlsPort: expected a whole number from 1 to 65535/,
  );
  assert.match(refusal('{"appliances":{"hsm01":{"ntlsPort":70000}}}'), /appliances\.hsm01\.ntlsPort/);
  assert.match(
    refusal('{"appliances":{"hsm01":{"serverName":"10.0.0.5"}}}'),
    /appliances\.hsm01\.serverName: expected a DNS host name/,
  );
  assert.match(refusal('{"appliances":{"hsm01":{"serverName":"a b\\nc"}}}'), /appliances\.hsm01\.serverName/);
  assert.match(refusal('{"appliances":{"hsm01":{"serverName":"-bad.example"}}}'), /appliances\.hsm01\.serverName/);
  // A host name would make the gateway refuse every batch carrying it: refused here, where it is written.
  assert.match(
    refusal('{"appliances":{"hsm04":{"address":"hsm04.example.net"}}}'),
    /appliances\.hsm04\.address.*IPv4 or IPv6/,
  );
  assert.match(refusal('{"appliances":[]}'), /appliances/);
  assert.match(refusal('[]'), /top level/);
  assert.match(refusal('{not json'), /not valid JSON/);
});

test('unknown keys are refused and named', () => {
  assert.match(refusal('{"appliances":{},"defaults":{}}'), /unknown key\(s\) defaults/);
  assert.match(
    refusal('{"appliances":{"hsm01":{"treshholdDays":45}}}'),
    /appliances\.hsm01: unknown key\(s\) treshholdDays/,
  );
});

test('an invalid appliance name is refused without being echoed', () => {
  const message = refusal(JSON.stringify({ appliances: { 'evil\nname': {} } }));
  assert.match(message, /appliances\.<invalid appliance name>/);
  assert.ok(!message.includes('evil'));
  assert.ok(!/[\u0000-\u001f]/.test(message));
});
