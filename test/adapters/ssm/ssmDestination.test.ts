import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { createSsmClient } from '../../../adapters/ssm/ssmClient.ts';
import { SsmDestination } from '../../../adapters/ssm/ssmDestination.ts';
import { SsmSource } from '../../../adapters/ssm/ssmSource.ts';
import { DestinationError } from '../../../app/errors.ts';
import { type SsmStandIn, startSsmStandIn } from '../../helpers/ssmStandIn.ts';

const live = () => new AbortController().signal;
const text = (length: number, fill = 'a') => new TextEncoder().encode(fill.repeat(length));
const NAME = (appliance: string) => `/certmonitor/certs/${appliance}/server.pem`;

describe('SsmDestination against the SSM JSON-protocol stand-in', () => {
  let ssm: SsmStandIn;
  let client: SSMClient;
  let destination: SsmDestination;

  before(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    ssm = await startSsmStandIn([
      [NAME('secret'), 'kept as a SecureString'],
      ['/certmonitor/certs/hsm01x/server.pem', 'a sibling path, not hsm01'],
    ]);
    client = createSsmClient({ env: { AWS_ENDPOINT_URL_SSM: ssm.endpoint } });
    destination = new SsmDestination(client, '/certmonitor/certs/');
  });
  after(async () => {
    client?.destroy();
    await ssm?.stop();
  });

  it('writes parameter {prefix}{appliance}/server.pem where the SSM source reads it, reading with GetParametersByPath only', async () => {
    ssm.calls.length = 0;
    assert.deepEqual(await destination.read('hsm01', live()), {});
    await destination.write('hsm01', text(1200), {}, live());
    const stored = await destination.read('hsm01', live());
    assert.deepEqual(stored, { bytes: text(1200), token: 'String' });
    assert.deepEqual(ssm.calls, ['GetParametersByPath', `PutParameter ${NAME('hsm01')}`, 'GetParametersByPath']);
    assert.equal(ssm.tiers.get(NAME('hsm01')), 'Standard', 'standard tier up to 4 KB');
    assert.equal(ssm.types.get(NAME('hsm01')), 'String', 'a certificate is public: String');
    const fetched = await new SsmSource(client, '/certmonitor/certs/').fetch('hsm01');
    assert.deepEqual(fetched.kind === 'found' && fetched.bytes, text(1200));
  });

  it('asks for the Advanced tier only over 4 KB, and keeps it once the parameter has it', async () => {
    await destination.write('chain', text(5000, 'b'), {}, live());
    assert.equal(ssm.tiers.get(NAME('chain')), 'Advanced');
    const stored = await destination.read('chain', live());
    // Back to a small certificate: SSM refuses a move back to the standard tier, so Advanced is kept.
    await destination.write('chain', text(1000, 'c'), stored, live());
    assert.equal(ssm.parameters.get(NAME('chain')), 'c'.repeat(1000));
    assert.equal(ssm.tiers.get(NAME('chain')), 'Advanced');
  });

  it('keeps an existing parameter type', async () => {
    const stored = await destination.read('secret', live());
    assert.equal(stored.token, 'SecureString');
    await destination.write('secret', text(10), stored, live());
    assert.equal(ssm.types.get(NAME('secret')), 'SecureString');
  });

  it('writes parameter {prefix}fleet.json where the SSM source reads the inventory, reading one level of the prefix', async () => {
    ssm.calls.length = 0;
    assert.deepEqual(await destination.readInventory(live()), {}, 'the certificates below the prefix are not it');
    const file = new TextEncoder().encode('{"appliances": {"hsm01": {}}}');
    await destination.writeInventory(file, {}, live());
    const stored = await destination.readInventory(live());
    assert.deepEqual(stored, { bytes: file, token: 'String' });
    assert.deepEqual(ssm.calls, [
      'GetParametersByPath',
      'PutParameter /certmonitor/certs/fleet.json',
      'GetParametersByPath',
    ]);
    assert.deepEqual(await new SsmSource(client, '/certmonitor/certs/').readInventory(), {
      appliances: { hsm01: {} },
    });
    await assert.rejects(destination.writeInventory(text(8193), stored, live()), {
      message: 'an inventory of 8193 bytes does not fit an SSM parameter (at most 8192)',
    });
    assert.equal(ssm.parameters.get('/certmonitor/certs/fleet.json'), '{"appliances": {"hsm01": {}}}');
  });

  it('refuses a value no SSM parameter can hold, without a request, and reports SSM errors by name', async () => {
    ssm.calls.length = 0;
    await assert.rejects(destination.write('huge', text(8193), {}, live()), {
      message: 'a certificate chain of 8193 bytes does not fit an SSM parameter (at most 8192)',
    });
    assert.deepEqual(ssm.calls, []);
    ssm.throttle((operation) => operation === 'PutParameter', 10);
    await assert.rejects(destination.write('hsm02', text(10), {}, live()), (error: unknown) => {
      assert.ok(error instanceof DestinationError);
      assert.match(error.message, /^server\.pem could not be written: ThrottlingException/);
      return true;
    });
    assert.equal(ssm.parameters.has(NAME('hsm02')), false);
  });
});
