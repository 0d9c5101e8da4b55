import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SsmLocationError } from '../../../adapters/errors.ts';
import { createSsmClient } from '../../../adapters/ssm/ssmClient.ts';
import { parseSsmLocation } from '../../../adapters/ssm/ssmLocation.ts';
import { SsmSource } from '../../../adapters/ssm/ssmSource.ts';
import { type SsmStandIn, startSsmStandIn } from '../../helpers/ssmStandIn.ts';

const COUNT = 35;
const names = Array.from({ length: COUNT }, (_, i) => `hsm${String(i).padStart(2, '0')}`);
const text = (result: Awaited<ReturnType<SsmSource['fetch']>>) =>
  result.kind === 'found' ? new TextDecoder().decode(result.bytes) : result.kind;

describe('SsmSource against an SSM JSON-protocol stand-in', () => {
  let ssm: SsmStandIn;
  let client: SSMClient;

  before(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    ssm = await startSsmStandIn([
      ...names.map((n) => [`/certmonitor/prod/${n}/server.pem`, `pem of ${n}`] as const),
      ['/certmonitor/prod/fleet.json', JSON.stringify({ appliances: { hsm00: { address: '10.0.0.5' }, ghost: {} } })],
      ['/certmonitor/prod/bad name/server.pem', 'x'],
      ['/certmonitor/prod/hsm01/notes', 'x'],
      ['/certmonitor/prod/site/hsm77/server.pem', 'nested one level too deep'],
      ['/certmonitor/prodx/hsm99/server.pem', 'sibling path, not ours'],
      ['/certmonitor/broken/fleet.json', '{"appliances": []}'],
    ]);
    client = createSsmClient({ env: { AWS_ENDPOINT_URL_SSM: ssm.endpoint } });
  });

  after(async () => {
    client?.destroy();
    await ssm?.stop();
  });

  it('parses ssm:/path/ locations', () => {
    assert.equal(parseSsmLocation('ssm:/certmonitor/prod'), '/certmonitor/prod/');
    assert.equal(parseSsmLocation('ssm:/certmonitor/prod/'), '/certmonitor/prod/');
    assert.throws(() => parseSsmLocation('ssm:certmonitor'), SsmLocationError);
  });

  it('never answers from an earlier listing: a parameter deleted since reads as missing', async () => {
    const source = new SsmSource(client, '/certmonitor/prod/');
    for await (const _ of source.list()) {
      // first run lists (a warm Lambda, or a shard that fetches only its own names) but does not fetch
    }
    const name = '/certmonitor/prod/hsm34/server.pem';
    const value = ssm.parameters.get(name)!;
    ssm.parameters.delete(name);
    try {
      for await (const _ of source.list()) {
        // second run's listing
      }
      assert.equal(text(await source.fetch('hsm34')), 'missing');
    } finally {
      ssm.parameters.set(name, value);
    }
  });

  it('lists every page of 10, then serves values from the listing without another request', async () => {
    const source = new SsmSource(client, '/certmonitor/prod/');
    ssm.calls.length = 0;
    const listed: string[] = [];
    for await (const { name } of source.list()) listed.push(name);
    assert.deepEqual(listed.sort(), names);
    assert.deepEqual(source.skippedKeys(), { count: 2, examples: ['bad name/server.pem', 'site/hsm77/server.pem'] });
    // 35 certificates + fleet.json + 3 others under the path = 39 parameters: 4 pages.
    assert.equal(ssm.calls.filter((c) => c === 'GetParametersByPath').length, 4);
    assert.equal(text(await source.fetch('hsm07')), 'pem of hsm07');
    assert.equal(ssm.calls.filter((c) => c.startsWith('GetParameter ')).length, 0);
    // A second fetch no longer has the cached value and asks SSM.
    assert.equal(text(await source.fetch('hsm07')), 'pem of hsm07');
    assert.deepEqual(
      ssm.calls.filter((c) => c.startsWith('GetParameter ')),
      ['GetParameter /certmonitor/prod/hsm07/server.pem'],
    );
  });

  it('reads fleet.json, reports an absent parameter as missing and refuses a corrupt inventory', async () => {
    const source = new SsmSource(client, '/certmonitor/prod/');
    assert.deepEqual((await source.readInventory())?.appliances.hsm00, { address: '10.0.0.5' });
    assert.deepEqual(await source.fetch('ghost'), { kind: 'missing' });
    assert.equal(await new SsmSource(client, '/certmonitor/none/').readInventory(), undefined);
    assert.deepEqual(await new SsmSource(client, '/certmonitor/broken/').readInventory(), {
      appliances: {},
      problems: ['fleet.json: appliances: expected an object of appliances'],
    });
  });

  it('retries throttling and succeeds; persistent throttling is unavailable, not missing', async () => {
    const source = new SsmSource(client, '/certmonitor/prod/');
    ssm.throttle((op, body) => op === 'GetParameter' && body.Name === '/certmonitor/prod/hsm03/server.pem', 2);
    assert.equal(text(await source.fetch('hsm03')), 'pem of hsm03');
    ssm.throttle((op, body) => op === 'GetParameter' && body.Name === '/certmonitor/prod/hsm04/server.pem', 100);
    const [failed, fine] = await Promise.all([source.fetch('hsm04'), source.fetch('hsm05')]);
    assert.deepEqual(failed, { kind: 'unavailable', reason: 'ThrottlingException (HTTP 400)' });
    assert.equal(text(fine), 'pem of hsm05');
  });
});
