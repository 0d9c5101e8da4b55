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

/** The child's environment: nothing of ours leaks in (unknown CERTMONITOR_* variables are refused). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CERTMONITOR_') && !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'))
      env[name] = value;
  }
  return { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...extra };
}

type Template = {
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
};

/** Evaluates a CloudFormation condition whose parameters were resolved at package time (literals only). */
function holds(template: Template, condition: unknown): boolean {
  const c = condition as Record<string, unknown[]> & { Condition?: string };
  if (typeof c.Condition === 'string') return holds(template, template.Conditions[c.Condition]);
  if (c['Fn::Equals']) return c['Fn::Equals'][0] === c['Fn::Equals'][1];
  if (c['Fn::Not']) return !holds(template, c['Fn::Not'][0]);
  if (c['Fn::Or']) return c['Fn::Or'].some((x) => holds(template, x));
  if (c['Fn::And']) return c['Fn::And'].every((x) => holds(template, x));
  throw new Error(`condition not understood: ${JSON.stringify(condition)}`);
}

/** The resources CloudFormation would create from the packaged template, by type. */
function created(template: Template, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type && (r.Condition === undefined || holds(template, { Condition: r.Condition })))
    .map(([name]) => name);
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
    ]);
    client.destroy();
  });

  after(async () => {
    await s3?.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('packages check and checkShard into zips of at most 1 MiB each', async () => {
    await run('npx', ['serverless', 'package', '--package', out], {
      cwd: ROOT,
      env: cleanEnv({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' }),
      timeout: 180_000,
    });
    for (const name of ['check.zip', 'checkShard.zip']) {
      const zip = await stat(join(out, name));
      assert.ok(zip.size > 0 && zip.size <= MiB, `${name} is ${zip.size} bytes`);
    }
    const template = JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
    const fn = template.Resources.CheckLambdaFunction.Properties;
    // Both functions reach the gateway, so both get the optional VPC settings.
    for (const name of ['CheckLambdaFunction', 'CheckShardLambdaFunction']) {
      assert.equal(template.Resources[name].Properties.VpcConfig?.['Fn::If']?.[0], 'UseVpc', `${name} VpcConfig`);
    }
    assert.equal(fn.Runtime, 'nodejs22.x');
    assert.equal(fn.ReservedConcurrentExecutions, 1);
    assert.ok(template.Resources.CheckEventsRuleSchedule1.Properties.ScheduleExpression === 'rate(1 hour)');
    assert.ok(template.Resources.CheckErrorsAlarm);
    const mapping = Object.values(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    assert.deepEqual(mapping?.Properties.EventSourceArn, { 'Fn::GetAtt': ['CheckShardQueue', 'Arn'] });
    assert.deepEqual(template.Resources.CheckLambdaEvConf.Properties.DestinationConfig.OnFailure.Destination, {
      'Fn::GetAtt': ['CheckDeadLetterQueue', 'Arn'],
    });

    // The fleet view (README, CloudWatch): a dashboard of the EMF metrics and the expiry alarm, on by default.
    assert.deepEqual(created(template, 'AWS::CloudWatch::Dashboard'), ['FleetDashboard']);
    assert.ok(created(template, 'AWS::CloudWatch::Alarm').includes('CertificateExpiryAlarm'));
    const body = JSON.parse(
      // The CloudFormation reference Fn::Sub fills in at deployment.
      template.Resources.FleetDashboard.Properties.DashboardBody['Fn::Sub'].replace(/\$\{AWS::Region\}/g, 'eu-west-1'),
    ) as { widgets: Array<{ properties: { title?: string; metrics?: unknown } }> };
    const widgets = JSON.stringify(body.widgets);
    for (const metric of ['DaysToExpiry', 'Appliances', 'NotificationsSent', 'NotificationsFailed', 'RunDuration']) {
      assert.ok(widgets.includes(metric), `the dashboard shows ${metric}`);
    }
    const alarm = template.Resources.CertificateExpiryAlarm.Properties;
    assert.equal(alarm.ComparisonOperator, 'LessThanThreshold');
    assert.equal(String(alarm.Threshold), '30');
    assert.match(
      alarm.Metrics[0].Expression,
      /^SELECT MIN\(DaysToExpiry\) FROM SCHEMA\("Certmonitor", Appliance, service\)$/,
    );
  });

  it('leaves the dashboard and the expiry alarm out when their parameters are off', async () => {
    const off = await mkdtemp(join(tmpdir(), 'certmonitor-sls-off-'));
    try {
      await run(
        'npx',
        ['serverless', 'package', '--package', off, '--param=fleetDashboard=false', '--param=expiryAlarm=false'],
        {
          cwd: ROOT,
          env: cleanEnv({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' }),
          timeout: 180_000,
        },
      );
      const template = JSON.parse(
        await readFile(join(off, 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template;
      assert.deepEqual(created(template, 'AWS::CloudWatch::Dashboard'), []);
      const alarms = created(template, 'AWS::CloudWatch::Alarm');
      assert.ok(!alarms.includes('CertificateExpiryAlarm'));
      assert.ok(alarms.includes('CheckErrorsAlarm'), 'the other alarms stay');
    } finally {
      await rm(off, { recursive: true, force: true });
    }
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
  });
});
