/**
 * The parameters of serverless.yml that the role and the VPC endpoints are derived from: the same locations
 * the function parses at run time give the same bucket, prefix and SSM path, and settings that contradict
 * each other are refused naming the parameter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseS3Location } from '../../adapters/s3/s3Location.ts';
import { parseSsmLocation } from '../../adapters/ssm/ssmLocation.ts';

const require = createRequire(import.meta.url);
const { deriveDeployParams } = require('../../deploy/deployParams.cjs') as {
  deriveDeployParams: (params: Record<string, string>, cliParams?: string[]) => Record<string, string | number>;
};

const BASE = { source: 's3://fleet-bucket/certs/', state: 's3://state-bucket/state/' };

function refused(params: Record<string, string>, pattern: RegExp, cli: string[] = []): void {
  assert.throws(() => deriveDeployParams(params, cli), pattern);
}

describe('deploy parameters derived from source and state', () => {
  it('an S3 source gives its bucket and prefix and no SSM path', () => {
    assert.deepEqual(deriveDeployParams(BASE), {
      sourceBucket: 'fleet-bucket',
      sourcePrefix: 'certs/',
      ssmPath: 'none',
      stateBucket: 'state-bucket',
      statePrefix: 'state/',
      vpcEndpointS3: 'false',
      vpcEndpointSsm: 'false',
      vpcEndpointSqs: 'false',
      schedulePeriodSeconds: 3600,
      gatewayTimeoutMs: '',
    });
  });

  it('an SSM source gives its path without the trailing slash and no bucket', () => {
    const derived = deriveDeployParams({ ...BASE, source: 'ssm:/certmonitor/prod/' });
    assert.equal(derived.ssmPath, '/certmonitor/prod');
    assert.equal(derived.sourceBucket, 'none');
    assert.equal(derived.sourcePrefix, 'none');
  });

  it('reads every location exactly as the function does', () => {
    for (const source of ['s3://b-1/', 's3://b-1', 's3://b.1/a/b/c/', 's3://b-1/deep/er', 's3://b-1/x//y/']) {
      const derived = deriveDeployParams({ ...BASE, source });
      const { bucket, prefix } = parseS3Location(source);
      assert.deepEqual([derived.sourceBucket, derived.sourcePrefix], [bucket, prefix], source);
    }
    for (const source of ['ssm:/', 'ssm:/a', 'ssm:/a/b/', 'ssm:/a_b.c-d/e']) {
      const derived = deriveDeployParams({ ...BASE, source });
      assert.equal(`${derived.ssmPath}/`, parseSsmLocation(source), source);
    }
    for (const source of ['s3://UPPER/x/', 's3:///x/', 's3://b-1//x/', 'ssm:relative/', 'ssm:/sp ace/']) {
      assert.throws(() => parseS3OrSsm(source), source);
      refused({ ...BASE, source }, /--param source: /);
    }
  });

  it('refuses a directory, or a state that is not in S3', () => {
    refused(
      { ...BASE, source: 'dir:./fleet' },
      /--param source: the Lambda reads certificates from s3:.*'dir:\.\/fleet'/,
    );
    refused({ ...BASE, state: 'dir:./state' }, /--param state: the Lambda keeps its state in s3:/);
    refused({ ...BASE, state: 'ssm:/state/' }, /--param state: /);
    refused({ state: BASE.state }, /--param source: is required/);
  });

  it('refuses the parameters it derives when they are given on the command line', () => {
    for (const name of ['certBucket', 'certPrefix', 'ssmPath', 'stateBucket', 'statePrefix']) {
      refused(BASE, new RegExp(`--param ${name}: is derived from source and state`), ['source', name]);
    }
  });

  it('sizes the alarms from scheduleRate, and refuses a schedule it cannot size', () => {
    const period = (scheduleRate: string) => deriveDeployParams({ ...BASE, scheduleRate }).schedulePeriodSeconds;
    assert.equal(period('rate(1 hour)'), 3600);
    assert.equal(period('rate(15 minutes)'), 900);
    assert.equal(period('rate(6 hours)'), 21600);
    refused({ ...BASE, scheduleRate: 'cron(0 * * * ? *)' }, /--param scheduleRate: must be a rate expression/);
    refused({ ...BASE, scheduleRate: 'rate(2 hour)' }, /--param scheduleRate: write rate\(1 hour\) or rate\(N hours\)/);
    refused({ ...BASE, scheduleRate: 'rate(1 days)' }, /--param scheduleRate: write/);
    refused({ ...BASE, scheduleRate: 'rate(2 days)' }, /--param scheduleRate: must run at least every 12 hours/);
    refused(BASE, /--param schedulePeriodSeconds: is derived from scheduleRate/, ['schedulePeriodSeconds']);
  });

  it('refuses an on/off switch that is neither true nor false', () => {
    refused({ ...BASE, fleetDashboard: 'False' }, /--param fleetDashboard: must be true or false, got 'False'/);
    refused({ ...BASE, expiryAlarm: 'off' }, /--param expiryAlarm: must be true or false/);
    assert.doesNotThrow(() => deriveDeployParams({ ...BASE, fleetDashboard: 'false', expiryAlarm: 'true' }));
    refused({ ...BASE, allowEmpty: 'yes' }, /--param allowEmpty: must be true or false, got 'yes'/);
    assert.doesNotThrow(() => deriveDeployParams({ ...BASE, allowEmpty: 'true' }));
  });

  it('gateway settings go together', () => {
    const gateway = { gatewayUrl: 'https://gw.example:8443', gatewayKeyId: 'lambda', gatewaySecretParam: '/cm/secret' };
    assert.ok(deriveDeployParams({ ...BASE, ...gateway }));
    refused({ ...BASE, ...gateway, gatewayKeyId: '' }, /--param gatewayKeyId: is required with gatewayUrl/);
    refused({ ...BASE, ...gateway, gatewaySecretParam: '' }, /--param gatewaySecretParam: is required/);
    refused({ ...BASE, ...gateway, gatewaySecretParam: 'cm/secret' }, /--param gatewaySecretParam: must be an SSM/);
    refused({ ...BASE, ...gateway, gatewayUrl: 'gw:8443' }, /--param gatewayUrl: must be an http/);
    refused({ ...BASE, gatewayKeyId: 'lambda' }, /--param gatewayKeyId: is set but gatewayUrl is not/);
  });

  it('gatewayTimeoutMs: milliseconds, at most a quarter of the timeout; empty without a gateway', () => {
    const gateway = { gatewayUrl: 'https://gw.example:8443', gatewayKeyId: 'lambda', gatewaySecretParam: '/cm/secret' };
    assert.equal(deriveDeployParams({ ...BASE, ...gateway, gatewayTimeoutMs: '45000' }).gatewayTimeoutMs, '45000');
    assert.equal(deriveDeployParams({ ...BASE, gatewayTimeoutMs: '45000' }).gatewayTimeoutMs, '');
    refused(
      { ...BASE, ...gateway, gatewayTimeoutMs: '45s' },
      /--param gatewayTimeoutMs: must be a whole number of milliseconds from 1000 to 600000, got '45s'/,
    );
    refused(
      { ...BASE, ...gateway, gatewayTimeoutMs: '45000', timeout: '120' },
      /--param gatewayTimeoutMs: 45000 is more than a quarter of the function's timeout \(120 s\)/,
    );
    assert.equal(
      deriveDeployParams({ ...BASE, ...gateway, gatewayTimeoutMs: '90000', timeout: '900' }).gatewayTimeoutMs,
      '90000',
    );
  });

  it('gatewayUrl may list standby gateways after the primary, each checked on its own', () => {
    const gateway = { gatewayKeyId: 'lambda', gatewaySecretParam: '/cm/secret' };
    assert.doesNotThrow(() =>
      deriveDeployParams({ ...BASE, ...gateway, gatewayUrl: 'https://gw1.example:8443,https://gw2.example:8443' }),
    );
    refused(
      { ...BASE, ...gateway, gatewayUrl: 'https://gw1.example,gw2:8443' },
      /--param gatewayUrl: entry 2 of 2 must be an http:\/\/ or https:\/\/ URL without credentials or query, got 'gw2:8443'/,
    );
    refused({ ...BASE, ...gateway, gatewayUrl: 'https://gw1.example,' }, /--param gatewayUrl: entry 2 of 2 must be/);
    const credentials = (() => {
      try {
        deriveDeployParams({ ...BASE, ...gateway, gatewayUrl: 'https://gw1,https://u:hunter2@gw2' });
      } catch (error) {
        return String(error);
      }
      return '';
    })();
    assert.match(credentials, /entry 2 of 2 must be .* got 'https:\/\/…@gw2'/);
    assert.ok(!credentials.includes('hunter2'), 'the password is never shown');
    refused(
      { ...BASE, ...gateway, gatewayUrl: 'https://gw1.example, https://gw1.example/' },
      /--param gatewayUrl: lists https:\/\/gw1.example\/ twice: list each gateway once/,
    );
  });

  it('VPC settings go together and name the endpoints to create', () => {
    const vpc = { subnetIds: 'subnet-a,subnet-b', securityGroupIds: 'sg-1', vpcId: 'vpc-1' };
    assert.equal(deriveDeployParams({ ...BASE, ...vpc }).vpcEndpointSsm, 'false');
    const all = deriveDeployParams({ ...BASE, ...vpc, vpcEndpoints: 's3,ssm,sqs', routeTableIds: 'rtb-1' });
    assert.deepEqual([all.vpcEndpointS3, all.vpcEndpointSsm, all.vpcEndpointSqs], ['true', 'true', 'true']);
    const ssm = deriveDeployParams({ ...BASE, ...vpc, vpcEndpoints: 'ssm' });
    assert.deepEqual([ssm.vpcEndpointS3, ssm.vpcEndpointSsm, ssm.vpcEndpointSqs], ['false', 'true', 'false']);
    refused({ ...BASE, subnetIds: 'subnet-a' }, /--param securityGroupIds: is required with subnetIds/);
    refused({ ...BASE, securityGroupIds: 'sg-1' }, /--param subnetIds: is required with securityGroupIds/);
    refused({ ...BASE, vpcEndpoints: 'ssm' }, /--param vpcEndpoints: needs subnetIds/);
    refused({ ...BASE, ...vpc, vpcEndpoints: 'ssm,kms' }, /--param vpcEndpoints: 'kms' is not one of s3, ssm, sqs/);
    refused({ ...BASE, ...vpc, vpcId: 'none', vpcEndpoints: 'sqs' }, /--param vpcId: is required with vpcEndpoints/);
    refused({ ...BASE, ...vpc, vpcEndpoints: 's3' }, /--param routeTableIds: is required for the s3 gateway endpoint/);
  });
});

/** The function's own parsing of a source location (throws when it refuses it). */
function parseS3OrSsm(source: string): unknown {
  return source.startsWith('ssm:') ? parseSsmLocation(source) : parseS3Location(source);
}

describe('docs/aws.md, Deploying to AWS', () => {
  it('documents every parameter of serverless.yml in its table', () => {
    const root = new URL('../../', import.meta.url);
    const params = Object.keys(
      (parseYaml(readFileSync(new URL('serverless.yml', root), 'utf8')) as { params: { default: object } }).params
        .default,
    );
    const page = readFileSync(new URL('docs/aws.md', root), 'utf8');
    const section = page.slice(page.indexOf('## Deploying to AWS'), page.indexOf('## The bundle'));
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]));
    assert.deepEqual(
      params.filter((p) => !documented.includes(p)),
      [],
      'every params.default entry has a row',
    );
  });
});
