import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LISTED_PROBLEMS, parseInventory, parseInventoryDocument } from '../../adapters/parseInventory.ts';

test('a valid inventory parses with every documented field and no problems', async () => {
  const inventory = await parseInventory(
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
  assert.equal(inventory.problems, undefined);
});

/** The problems of an inventory text, which must have some. */
async function problems(text: string): Promise<string[]> {
  const inventory = await parseInventory(text);
  assert.ok(inventory.problems && inventory.problems.length > 0, 'expected problems');
  for (const problem of inventory.problems) {
    assert.match(problem, /^fleet\.json: /);
    assert.ok(!/[\u0000-\u001f]/.test(problem), 'no control characters');
  }
  return [...inventory.problems];
}

test('a document keeps its bytes as read when its appliances could be read, problems or not', async () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const sound = encode('{"appliances": {"hsm01": {"address": "10.0.0.5"}}}\n');
  assert.deepEqual(await parseInventoryDocument(sound), {
    inventory: { appliances: { hsm01: { address: '10.0.0.5' } } },
    bytes: sound,
  });
  const flawed = encode('{"appliances": {"hsm01": {"ntlsPort": 0}}}');
  const document = await parseInventoryDocument(flawed);
  assert.equal(document.bytes, flawed, 'published as it is: the check reports the same problems');
  assert.deepEqual(document.inventory, await parseInventory('{"appliances": {"hsm01": {"ntlsPort": 0}}}'));
  for (const unusable of ['{"appliances": ', '[]', '{"appliances": []}', '{"fleet": {}}']) {
    const read = await parseInventoryDocument(encode(unusable));
    assert.equal(read.bytes, undefined, unusable);
    assert.deepEqual(read.inventory, await parseInventory(unusable), unusable);
    assert.ok((read.inventory.problems ?? []).length > 0, unusable);
  }
});

test('problems name the key path, and the bad entry stays in the fleet by name only', async () => {
  const inventory = await parseInventory(
    '{"appliances":{"hsm01":{"thresholdDays":"45","address":"10.0.0.5"},"hsm02":{"address":"10.0.0.6"}}}',
  );
  assert.deepEqual(inventory.problems, [
    'fleet.json: appliances.hsm01.thresholdDays: expected a whole number from 0 to 36500',
  ]);
  // hsm01 keeps nothing of its entry (not even its address): default settings, still in the fleet.
  assert.deepEqual(inventory.appliances, { hsm01: {}, hsm02: { address: '10.0.0.6' } });
  assert.match(
    (await problems('{"appliances":{"hsm01":{"repeatHours":0}}}'))[0] ?? '',
    /appliances\.hsm01\.repeatHours/,
  );
  assert.match(
    (await problems('{"appliances":{"hsm01":{"repeatHours":1.5}}}'))[0] ?? '',
    /appliances\.hsm01\.repeatHours/,
  );
  assert.match(
    (await problems('{"appliances":{"hsm04":{"address":"hsm04.example.net"}}}'))[0] ?? '',
    /appliances\.hsm04\.address: expected an IPv4 or IPv6 address/,
  );
  assert.match((await problems('{"appliances":{"hsm05":7}}'))[0] ?? '', /appliances\.hsm05: expected an object/);
});

test("the collector's fields: an NTLS port and an SNI host name, nothing else", async () => {
  const first = async (text: string) => (await problems(text))[0] ?? '';
  assert.match(
    await first('{"appliances":{"hsm01":{"ntlsPort":0}}}'),
    /appliances\.hsm01\.ntlsPort: expected a whole number from 1 to 65535/,
  );
  assert.match(await first('{"appliances":{"hsm01":{"ntlsPort":70000}}}'), /appliances\.hsm01\.ntlsPort/);
  assert.match(
    await first('{"appliances":{"hsm01":{"serverName":"10.0.0.5"}}}'),
    /appliances\.hsm01\.serverName: expected a DNS host name/,
  );
  assert.match(await first('{"appliances":{"hsm01":{"serverName":"a b\\nc"}}}'), /appliances\.hsm01\.serverName/);
  assert.match(await first('{"appliances":{"hsm01":{"serverName":"-bad.example"}}}'), /appliances\.hsm01\.serverName/);
});

test('a file that is not JSON is named by line and column, never quoted', async () => {
  const text = '{\n  "appliances": {\n    "hsm01": { "address": "10.0.0.5", },\n    "secret-looking": x\n  }\n}';
  const [problem] = await problems(text);
  // The trailing comma at line 3: JSON.parse's own message has no position for some errors and quotes
  // the text for others; neither reaches the problem.
  assert.equal(problem, 'fleet.json: not valid JSON at line 3, column 39: property name expected');
  assert.deepEqual((await parseInventory(text)).appliances, {});
  assert.equal(
    (await problems('{"appliances": x}'))[0],
    'fleet.json: not valid JSON at line 1, column 16: unexpected character',
  );
  assert.equal((await problems(''))[0], 'fleet.json: not valid JSON at line 1, column 1: value expected');
  assert.equal(
    (await problems('{"appliances": {}}\n// note'))[0],
    'fleet.json: not valid JSON at line 2, column 1: comments are not JSON',
  );
  assert.ok(!(await problems('{"appliances": {"evil\u0007": 1')).join('').includes('evil'));
});

test('an invalid appliance name is told by its position, never echoed, and costs only its own entry', async () => {
  const text = '{"appliances": {\n  "hsm01": {},\n  "evil\\nname": {"address": "10.0.0.9"},\n  "hsm02": {}\n}}';
  const inventory = await parseInventory(text);
  assert.deepEqual(inventory.problems, [
    'fleet.json: appliances.<invalid appliance name> at line 3, column 3: appliance names must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
  ]);
  assert.deepEqual(Object.keys(inventory.appliances), ['hsm01', 'hsm02']);
  assert.ok(!inventory.problems?.join('').includes('evil'));
});

test('unknown keys are problems, and at the top level they do not cost the appliances', async () => {
  const inventory = await parseInventory('{"appliances":{"hsm01":{}},"defaults":{}}');
  assert.deepEqual(inventory.problems, ['fleet.json: (top level): unknown key(s) defaults']);
  assert.deepEqual(inventory.appliances, { hsm01: {} });
  assert.deepEqual(await problems('{"appliances":{"hsm01":{"treshholdDays":45}}}'), [
    'fleet.json: appliances.hsm01: unknown key(s) treshholdDays',
  ]);
  assert.deepEqual(await problems('[]'), ['fleet.json: (top level): expected an object with "appliances"']);
  assert.deepEqual(await problems('{"appliances":[]}'), ['fleet.json: appliances: expected an object of appliances']);
});

test('a file with many problems lists a bounded number and counts the rest', async () => {
  const appliances = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`hsm${i}`, { repeatHours: 0 }]));
  const list = await problems(JSON.stringify({ appliances }));
  assert.equal(list.length, MAX_LISTED_PROBLEMS);
  assert.equal(list.at(-1), `fleet.json: and ${50 - MAX_LISTED_PROBLEMS + 1} more problem(s)`);
});

test("label values are an operator's free text: any printable Unicode up to 256 characters", async () => {
  const labels = {
    site: 'Frankfurt DC 2',
    owner: 'PKI Ops <pki-ops@example.net>',
    note: 'Rack 4 — renew via runbook #12 (Zürich → 東京)',
    longest: 'x'.repeat(256),
  };
  const inventory = await parseInventory(JSON.stringify({ appliances: { hsm01: { labels } } }));
  assert.equal(inventory.problems, undefined);
  assert.deepEqual(inventory.appliances.hsm01?.labels, labels);
});

test('label values that would not show as what they are are refused, naming the key path', async () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['line one\nline two', 'a line break'],
    ['tab\there', 'a control character'],
    ['abc\u202Efed', 'a bidirectional override'],
    ['next\u2028line', 'a line separator'],
    ['', 'nothing'],
    ['x'.repeat(257), 'more than 256 characters'],
  ];
  for (const [value, why] of cases) {
    const found = await problems(JSON.stringify({ appliances: { hsm01: { labels: { site: value } } } }));
    assert.deepEqual(
      found,
      ['fleet.json: appliances.hsm01.labels.site: expected a label value (1 to 256 printable characters)'],
      why,
    );
  }
  const badName = await problems(JSON.stringify({ appliances: { hsm01: { labels: { 'data center': 'x' } } } }));
  assert.match(
    badName[0] ?? '',
    /^fleet\.json: appliances\.hsm01\.labels\.data center: expected /,
    'names stay identifiers',
  );
});

test('named certificates: {NAME: {port}} per appliance; bad names are told by position, never echoed', async () => {
  const text = `{"appliances": {
  "hsm01": {"certificates": {"web": {"port": 8443}, "api-2": {"port": 9443}}},
  "hsm02": {"certificates": {"Bad Name": {"port": 8443}, "ntls": {"port": 1}, "api": {"port": 0}, "x": {"prt": 1}}},
  "hsm03": {"certificates": []}
}}`;
  const inventory = await parseInventory(text);
  assert.deepEqual(inventory.appliances.hsm01, { certificates: { web: { port: 8443 }, 'api-2': { port: 9443 } } });
  assert.deepEqual(inventory.appliances.hsm02, {}, 'a bad value leaves the name only, as for any key');
  const rule = 'certificate names must match ^[a-z][a-z0-9-]{0,31}$ and not be server or ntls';
  assert.deepEqual(inventory.problems, [
    `fleet.json: appliances.hsm02.certificates.<invalid certificate name> at line 3, column 30: ${rule}`,
    `fleet.json: appliances.hsm02.certificates.<invalid certificate name> at line 3, column 58: ${rule}`,
    'fleet.json: appliances.hsm02.certificates.api.port: expected a whole number from 1 to 65535',
    'fleet.json: appliances.hsm02.certificates.x.port: expected a whole number from 1 to 65535',
    'fleet.json: appliances.hsm02.certificates.x: unknown key(s) prt',
    'fleet.json: appliances.hsm03.certificates: expected an object of named certificates',
  ]);
});

test('policy.replaced turns replaced notifications on; anything but a boolean is a problem', async () => {
  const on = await parseInventory(JSON.stringify({ appliances: {}, policy: { replaced: true } }));
  assert.deepEqual(on, { appliances: {}, replaced: true });
  const off = await parseInventory(JSON.stringify({ appliances: {}, policy: { replaced: false } }));
  assert.deepEqual(off, { appliances: {} });
  const bad = await parseInventory(JSON.stringify({ appliances: {}, policy: { replaced: 'yes' } }));
  assert.deepEqual(bad.problems, ['fleet.json: policy.replaced: expected true or false']);
});

test('policy.replaced: true stays on beside a bad finding key of the same policy, whose problem is told', async () => {
  const mixed = await parseInventory(JSON.stringify({ appliances: {}, policy: { replaced: true, minRsaBits: 0 } }));
  assert.deepEqual(mixed, {
    appliances: {},
    policy: {},
    replaced: true,
    problems: ['fleet.json: policy.minRsaBits: expected a whole number from 1 to 16384'],
  });
  const notObject = await parseInventory(JSON.stringify({ appliances: {}, policy: [true] }));
  assert.equal(notObject.replaced, undefined);
});
