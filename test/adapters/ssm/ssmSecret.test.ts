import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretUnavailableError } from '../../../adapters/errors.ts';
import { createSsmClient } from '../../../adapters/ssm/ssmClient.ts';
import { SsmSecret } from '../../../adapters/ssm/ssmSecret.ts';
import { type SsmStandIn, startSsmStandIn } from '../../helpers/ssmStandIn.ts';

describe('SsmSecret against an SSM JSON-protocol stand-in', () => {
  let ssm: SsmStandIn;
  let client: SSMClient;

  before(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    ssm = await startSsmStandIn([
      ['/certmonitor/gateway-secret', '  hunter2-but-longer\n'],
      ['/certmonitor/empty', '   '],
    ]);
    client = createSsmClient({ env: { AWS_ENDPOINT_URL_SSM: ssm.endpoint }, maxAttempts: 1 });
  });

  after(async () => {
    client?.destroy();
    await ssm?.stop();
  });

  it('trims the value, caches it for the TTL, and fetches again after it', async () => {
    let now = 0;
    const secret = new SsmSecret(client, '/certmonitor/gateway-secret', { ttlMs: 1000, clock: () => now });
    ssm.calls.length = 0;
    const [a, b] = await Promise.all([secret.get(), secret.get()]);
    assert.equal(a, 'hunter2-but-longer');
    assert.equal(b, a);
    now = 999;
    await secret.get();
    assert.equal(ssm.calls.length, 1);
    ssm.parameters.set('/certmonitor/gateway-secret', 'rotated');
    now = 1000;
    assert.equal(await secret.get(), 'rotated');
    assert.equal(ssm.calls.length, 2);
  });

  it('does not cache failures and never puts the value in an error', async () => {
    const missing = new SsmSecret(client, '/certmonitor/absent');
    await assert.rejects(missing.get(), (error: unknown) => {
      assert.ok(error instanceof SecretUnavailableError);
      assert.equal(error.message, 'secret parameter could not be read: ParameterNotFound (HTTP 400)');
      return true;
    });
    ssm.parameters.set('/certmonitor/absent', 'now here');
    assert.equal(await missing.get(), 'now here');
    await assert.rejects(new SsmSecret(client, '/certmonitor/empty').get(), /secret parameter is empty/);
  });
});
