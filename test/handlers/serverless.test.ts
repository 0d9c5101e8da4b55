/**
 * The deployment unit as operators use it, offline with dummy credentials (docs/design.md, The scheduled Lambda): `serverless package`
 * builds a zip of at most 1 MiB, and `serverless invoke local -f check` runs the bundled handler against a
 * real S3-compatible server. Slow (two esbuild bundles), so each command runs once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const MiB = 1024 * 1024;

type Template = {
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
};

/** Evaluates the intrinsic functions the template's conditions and alarm actions use (params are resolved). */
function resolveIntrinsics(template: Template, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(template, v));
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Record<string, unknown>;
  const condition = (name: unknown) => resolveIntrinsics(template, template.Conditions[String(name)]) === true;
  if ('Fn::Equals' in node) {
    const [a, b] = resolveIntrinsics(template, node['Fn::Equals']) as unknown[];
    return a === b;
  }
  if ('Fn::Not' in node) return !(resolveIntrinsics(template, (node['Fn::Not'] as unknown[])[0]) === true);
  if ('Condition' in node && Object.keys(node).length === 1) return condition(node.Condition);
  if ('Fn::If' in node) {
    const [name, yes, no] = node['Fn::If'] as unknown[];
    return resolveIntrinsics(template, condition(name) ? yes : no);
  }
  return value;
}

/** Packages the service offline into `out` with extra `--param` values; resolves to the template. */
async function packageInto(out: string, params: readonly string[] = []): Promise<Template> {
  await run('npx', ['serverless', 'package', '--package', out, ...params.map((p) => `--param=${p}`)], {
    cwd: ROOT,
    env: cleanEnv({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' }),
    timeout: 180_000,
  });
  return JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

/** The child's environment: nothing of ours leaks in (unknown CERTMONITOR_* variables are refused). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CERTMONITOR_') && !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'))
      env[name] = value;
  }
  return { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...extra };
}

describe('serverless.yml with osls, offline', () => {
  let s3: S3rverHandle;
  let out: string;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'certmonitor-sls-'));
    s3 = await startS3rver(['certmonitor-fleet']);
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint, ...S3RVER_CREDENTIALS } });
    Object.assign(process.env, S3RVER_CREDENTIALS);
    await putObjects(client, 'certmonitor-fleet', [
      ['certs/hsm01/server.pem', await readFile(join(ROOT, 'test', 'fixtures', 'certs', 'leaf.pem'))],
      ['certs/hsm02/server.pem', 'not a certificate'],
      // Not JSON (a trailing comma): the bundled handler finds its position and checks the listing anyway.
      ['certs/fleet.json', '{"appliances": {"hsm01": {"address": "10.0.0.5"},}}'],
      ['certs/hsm03/server.crt', 'a certificate under the wrong name'],
    ]);
    client.destroy();
  });

  after(async () => {
    await s3?.stop();
    await rm(out, { recursive: true, force: true });
  });

  let template: Template;

  it('packages check and checkShard into zips of at most 1 MiB each', async () => {
    template = await packageInto(out);
    for (const name of ['check.zip', 'checkShard.zip']) {
      const zip = await stat(join(out, name));
      assert.ok(zip.size > 0 && zip.size <= MiB, `${name} is ${zip.size} bytes`);
    }
    const properties = (name: string) => template.Resources[name]?.Properties ?? {};
    const fn = properties('CheckLambdaFunction');
    // Both functions reach the gateway, so both get the optional VPC settings.
    for (const name of ['CheckLambdaFunction', 'CheckShardLambdaFunction']) {
      const vpc = properties(name).VpcConfig as { 'Fn::If'?: unknown[] } | undefined;
      assert.equal(vpc?.['Fn::If']?.[0], 'UseVpc', `${name} VpcConfig`);
    }
    assert.equal(fn.Runtime, 'nodejs22.x');
    assert.equal(fn.ReservedConcurrentExecutions, 1);
    assert.equal(properties('CheckEventsRuleSchedule1').ScheduleExpression, 'rate(1 hour)');
    assert.ok(template.Resources.CheckErrorsAlarm);
    const mapping = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    assert.deepEqual(mapping?.Properties.EventSourceArn, { 'Fn::GetAtt': ['CheckShardQueue', 'Arn'] });
    const destinations = properties('CheckLambdaEvConf').DestinationConfig as { OnFailure?: unknown } | undefined;
    assert.deepEqual(destinations?.OnFailure, { Destination: { 'Fn::GetAtt': ['CheckDeadLetterQueue', 'Arn'] } });
  });

  it('alarms on undelivered notifications, on fleet.json problems, and when no run succeeded for two periods', () => {
    const alarm = (name: string) => template.Resources[name]?.Properties ?? {};
    const service = [{ Name: 'service', Value: 'certmonitor' }];
    assert.deepEqual(
      {
        ...alarm('NotificationsFailedAlarm'),
        AlarmName: undefined,
        AlarmDescription: undefined,
        AlarmActions: undefined,
        OKActions: undefined,
      },
      {
        AlarmName: undefined,
        AlarmDescription: undefined,
        Namespace: 'Certmonitor',
        MetricName: 'NotificationsFailed',
        Dimensions: service,
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: undefined,
        OKActions: undefined,
      },
    );
    const inventory = alarm('InventoryProblemsAlarm');
    assert.equal(inventory.MetricName, 'InventoryProblems');
    assert.equal(inventory.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(inventory.Threshold, 0);
    // The dead man's switch: RunsSucceeded below 1 in two schedule periods (rate(1 hour)); no data breaches.
    const deadMan = alarm('CheckDeadManAlarm');
    assert.equal(deadMan.MetricName, 'RunsSucceeded');
    assert.deepEqual(deadMan.Dimensions, service);
    assert.equal(deadMan.Statistic, 'Sum');
    assert.equal(deadMan.ComparisonOperator, 'LessThanThreshold');
    assert.equal(deadMan.Threshold, 1);
    assert.equal(Number(deadMan.Period) * Number(deadMan.EvaluationPeriods), 2 * 3600);
    assert.equal(deadMan.DatapointsToAlarm, deadMan.EvaluationPeriods);
    assert.equal(deadMan.TreatMissingData, 'breaching');
  });

  it('every alarm notifies an SNS topic created by default, which is an output to subscribe to', () => {
    assert.equal(template.Resources.AlarmTopic?.Type, 'AWS::SNS::Topic');
    assert.equal(
      resolveIntrinsics(template, template.Conditions[template.Resources.AlarmTopic?.Condition ?? '']),
      true,
    );
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    assert.deepEqual(alarms.map(([name]) => name).sort(), [
      'CheckDeadManAlarm',
      'CheckErrorsAlarm',
      'CheckFailuresAlarm',
      'InventoryProblemsAlarm',
      'NotificationsFailedAlarm',
    ]);
    for (const [name, alarm] of alarms) {
      assert.deepEqual(resolveIntrinsics(template, alarm.Properties.AlarmActions), [{ Ref: 'AlarmTopic' }], name);
      assert.deepEqual(resolveIntrinsics(template, alarm.Properties.OKActions), [{ Ref: 'AlarmTopic' }], name);
    }
    assert.deepEqual(resolveIntrinsics(template, template.Outputs.AlarmTopicArn?.Value), { Ref: 'AlarmTopic' });
    // No e-mail subscription unless alarmEmail is given.
    const subscription = template.Resources.AlarmEmailSubscription;
    assert.equal(resolveIntrinsics(template, template.Conditions[subscription?.Condition ?? '']), false);
  });

  it('with alarmTopicArn and alarmEmail: no topic is created, the alarms notify the given one, the address is subscribed', async () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops-pager';
    const given = await packageInto(join(out, 'existing-topic'), [
      `alarmTopicArn=${topic}`,
      'alarmEmail=ops@example.com',
    ]);
    assert.equal(resolveIntrinsics(given, given.Conditions[given.Resources.AlarmTopic?.Condition ?? '']), false);
    for (const [name, alarm] of Object.entries(given.Resources).filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
    )) {
      assert.deepEqual(resolveIntrinsics(given, alarm.Properties.AlarmActions), [topic], name);
    }
    const subscription = given.Resources.AlarmEmailSubscription;
    assert.equal(resolveIntrinsics(given, given.Conditions[subscription?.Condition ?? '']), true);
    assert.equal(resolveIntrinsics(given, subscription?.Properties.TopicArn), topic);
    assert.equal(subscription?.Properties.Endpoint, 'ops@example.com');
  });

  it('invokes the bundled handler locally with examples/event.json against s3rver', async () => {
    const { stdout } = await run('npx', ['serverless', 'invoke', 'local', '-f', 'check', '-p', 'examples/event.json'], {
      cwd: ROOT,
      env: cleanEnv({ ...S3RVER_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: s3.endpoint }),
      timeout: 180_000,
    });
    const records = stdout
      .split('\n')
      .filter((line) => line.startsWith('{"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = records.find((r) => r.event === 'summary');
    assert.equal(summary?.appliances, 2);
    assert.deepEqual(summary?.byStatus, {
      valid: 0,
      expiring: 1,
      expired: 0,
      not_yet_valid: 0,
      invalid: 1,
      missing: 0,
      unavailable: 0,
    });
    assert.ok(records.some((r) => r.text === 'NTLS certificate will be expire on Nov 27 09:30:00 2026 GMT'));
    // EMF: DaysToExpiry for the appliance whose certificate was read.
    const emf = records.find((r) => '_aws' in r && 'DaysToExpiry' in r);
    assert.equal(emf?.Appliance, 'hsm01');
    assert.equal(emf?.DaysToExpiry, 2);
    // fleet.json is not JSON: reported with its position, counted in the metric; the run still succeeded.
    const problem = records.find((r) => r.key === 'inventoryProblems');
    assert.equal(
      problem?.text,
      'NTLS certificate expiry monitor inventory is not valid and is used in part: fleet.json: not valid JSON at line 1, column 50: property name expected',
    );
    assert.equal(problem?.errorCode, 'CM_ERR_INVENTORY_INVALID');
    assert.equal(summary?.inventoryProblems, 1);
    const totals = records.find((r) => '_aws' in r && 'RunsSucceeded' in r);
    assert.equal(totals?.InventoryProblems, 1);
    assert.equal(totals?.RunsSucceeded, 1);
    const skipped = records.find((r) => r.key === 'layoutSkipped');
    assert.deepEqual(skipped?.files, ['hsm03/server.crt']);
  });
});
