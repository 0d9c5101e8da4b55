/**
 * The deployment unit as operators use it, offline with dummy credentials (docs/design.md, The scheduled Lambda): `serverless package`
 * builds a zip of at most 512 KiB, and `serverless invoke local -f check` runs the bundled handler against a
 * real S3-compatible server. Slow (two esbuild bundles), so each command runs once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';
import { readZip, unpackZip } from '../helpers/zipReader.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
/** The bundle budget (bench/README.md, lambda): the zip stays within 512 KiB. */
const ZIP_BUDGET = 512 * 1024;
/** A chunk an earlier `invoke local` could have left in serverless-esbuild's build folder. */
const STALE_CHUNK = join(ROOT, '.esbuild', '.build', 'handlers', 'chunks', 'chunk-STALE0000.js');

const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

// biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is read as plain JSON.
type Template = { Conditions: Record<string, unknown>; Resources: Record<string, any>; Outputs: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; [key: string]: unknown };

/**
 * Evaluates the template's conditions as CloudFormation would (Fn::Equals on the literal strings the
 * parameters resolved to, Fn::Not, Fn::Or, Fn::And, Condition).
 */
function evaluateConditions(template: Template): Record<string, boolean> {
  const done: Record<string, boolean> = {};
  const value = (node: unknown): boolean => {
    const [[fn, arg]] = Object.entries(node as Record<string, unknown>) as [[string, unknown]];
    if (fn === 'Condition') return condition(arg as string);
    const args = arg as unknown[];
    if (fn === 'Fn::Equals') return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    if (fn === 'Fn::Not') return !value(args[0]);
    if (fn === 'Fn::Or') return args.some(value);
    if (fn === 'Fn::And') return args.every(value);
    throw new Error(`unexpected condition function ${fn}`);
  };
  const condition = (name: string): boolean => {
    done[name] ??= value(template.Conditions[name]);
    return done[name];
  };
  for (const name of Object.keys(template.Conditions)) condition(name);
  return done;
}

/** The role's statements with every Fn::If resolved by `conditions` (AWS::NoValue dropped). */
function roleStatements(template: Template, conditions: Record<string, boolean>): Statement[] {
  const statements: unknown[] = template.Resources.CheckRole.Properties.Policies[0].PolicyDocument.Statement;
  return statements.flatMap((s) => {
    const ifs = (s as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If'];
    const chosen = ifs ? (conditions[ifs[0]] ? ifs[1] : ifs[2]) : s;
    return (chosen as { Ref?: string }).Ref === 'AWS::NoValue' ? [] : [chosen as Statement];
  });
}

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

/** `{ 'Fn::Sub': text }` with each `{Name}` standing for the pseudo parameter `${AWS::Name}`. */
function sub(text: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': text.replace(/\{(\w+)\}/g, (_, name: string) => `\${AWS::${name}}`) };
}

/** The statement granting `action`, if any. */
function statementFor(statements: readonly Statement[], action: string): Statement | undefined {
  return statements.find((s) => [s.Action].flat().includes(action));
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
      // Not JSON (a trailing comma): the bundled handler finds its position and checks the listing anyway.
      ['certs/fleet.json', '{"appliances": {"hsm01": {"address": "10.0.0.5"},}}'],
      ['certs/hsm03/server.crt', 'a certificate under the wrong name'],
    ]);
    client.destroy();
    await mkdir(dirname(STALE_CHUNK), { recursive: true });
    await writeFile(STALE_CHUNK, 'export {};\n');
  });

  after(async () => {
    await rm(STALE_CHUNK, { force: true });
    await s3?.stop();
    await rm(out, { recursive: true, force: true });
  });

  /** Packages with `params` (`name=value`) into out/NAME (once per name) and returns the CloudFormation template. */
  const templates = new Map<string, Promise<Template>>();
  function templateOf(name: string, ...params: string[]): Promise<Template> {
    let template = templates.get(name);
    if (!template) {
      template = (async () => {
        const dir = join(out, name);
        await run('npx', ['serverless', 'package', '--package', dir, ...params.map((p) => `--param=${p}`)], {
          cwd: ROOT,
          env: cleanEnv(DUMMY_CREDENTIALS),
          timeout: 180_000,
        });
        return JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
      })();
      templates.set(name, template);
    }
    return template;
  }

  it('packages check and checkShard into zips of at most 512 KiB each', async () => {
    const template = await templateOf('default');
    for (const name of ['check.zip', 'checkShard.zip']) {
      const zip = await stat(join(out, 'default', name));
      assert.ok(zip.size > 0 && zip.size <= ZIP_BUDGET, `${name} is ${zip.size} bytes`);
    }
    const fn = template.Resources.CheckLambdaFunction.Properties;
    // Both functions reach the gateway, so both get the optional VPC settings.
    for (const name of ['CheckLambdaFunction', 'CheckShardLambdaFunction']) {
      assert.equal(template.Resources[name].Properties.VpcConfig?.['Fn::If']?.[0], 'UseVpc', `${name} VpcConfig`);
    }
    assert.equal(fn.Runtime, 'nodejs24.x');
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

    // The fleet view (docs/aws.md, CloudWatch): a dashboard of the EMF metrics and the expiry alarm, on by default.
    assert.deepEqual(created(template, 'AWS::CloudWatch::Dashboard'), ['FleetDashboard']);
    assert.ok(created(template, 'AWS::CloudWatch::Alarm').includes('CertificateExpiryAlarm'));
    const body = JSON.parse(
      // The CloudFormation reference Fn::Sub fills in at deployment.
      template.Resources.FleetDashboard.Properties.DashboardBody['Fn::Sub'].replace(/\$\{AWS::Region\}/g, 'eu-west-1'),
    ) as { widgets: Array<{ properties: { title?: string; metrics?: unknown } }> };
    const widgets = JSON.stringify(body.widgets);
    for (const metric of [
      'DaysToExpiry',
      'Appliances',
      'NotificationsSent',
      'NotificationsFailed',
      'GatewayFailovers',
      'RunDuration',
      'RunsSucceeded',
      'RunsStopped',
      'ReportsFailed',
      'InventoryProblems',
      'TrapHostsFailing',
    ]) {
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

  it('ships the handler as split ES modules: init loads no AWS SDK client, and nothing stale is zipped', async () => {
    await templateOf('default');
    const entries = readZip(await readFile(join(out, 'default', 'check.zip')));
    const names = entries.map((e) => e.name);
    assert.ok(names.includes('handlers/check.js'), names.join(' '));
    assert.ok(!names.includes('handlers/checkShard.js'), 'the other function is not in this zip');
    const folder = entries.find((e) => e.name === 'handlers/package.json');
    assert.deepEqual(JSON.parse(String(folder?.data)), { type: 'module' }, 'the runtime imports check.js as ESM');
    assert.ok(!names.some((name) => name.endsWith('chunk-STALE0000.js')), 'a chunk of an earlier build is left out');

    // Loaded as Lambda's runtime loads it (import() from an ES module file), recording each module resolved.
    const dir = join(out, 'check-unpacked');
    await unpackZip(entries, dir);
    const record = join(out, 'check-imports.txt');
    const script = join(out, 'load-check.mjs');
    await writeFile(
      script,
      "const mod = await import(process.argv[2]); if (typeof mod.handler !== 'function') process.exit(3);\n",
    );
    await run(
      process.execPath,
      [
        '--import',
        join(ROOT, 'test', 'helpers', 'recordImports.mjs'),
        script,
        pathToFileURL(join(dir, 'handlers', 'check.js')).href,
      ],
      { cwd: dir, env: cleanEnv({ ...DUMMY_CREDENTIALS, RECORD_IMPORTS_FILE: record }), timeout: 60_000 },
    );
    const loaded = (await readFile(record, 'utf8'))
      .split('\n')
      .filter((url) => url.startsWith(pathToFileURL(dir).href))
      .map((url) => relative(dir, new URL(url).pathname));
    assert.ok(loaded.includes('handlers/check.js') && loaded.some((name) => name.startsWith('handlers/chunks/')));
    // The SDK clients are in the zip, in chunks that init does not load (a run imports what it uses).
    const clients = entries.filter((e) => /"(S3Client|SSMClient|SQSClient)"/.test(e.data.toString('latin1')));
    assert.ok(clients.length >= 3, 'the S3, SSM and SQS clients are in the zip');
    assert.deepEqual(
      loaded.filter((name) => clients.some((e) => e.name === name)),
      [],
      `init loads ${loaded.length} of ${names.length} files, none of them an AWS SDK client`,
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

  it('derives the role from source and state: S3 statements on, SSM off, by default', async () => {
    const template = await templateOf('default');
    const conditions = evaluateConditions(template);
    assert.equal(conditions.UseS3Source, true);
    assert.equal(conditions.UseSsmSource, false);
    const statements = roleStatements(template, conditions);
    assert.deepEqual(statementFor(statements, 's3:ListBucket'), {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: sub('arn:{Partition}:s3:::certmonitor-fleet'),
      Condition: { StringLike: { 's3:prefix': ['certs/', 'certs/*'] } },
    });
    assert.deepEqual(
      statements.filter((s) => JSON.stringify(s.Action).includes('s3:GetObject')).map((s) => s.Resource),
      [sub('arn:{Partition}:s3:::certmonitor-fleet/certs/*'), sub('arn:{Partition}:s3:::certmonitor-fleet/state/*')],
    );
    assert.equal(statementFor(statements, 'ssm:GetParametersByPath'), undefined);
    for (const name of [
      'S3GatewayEndpoint',
      'SsmInterfaceEndpoint',
      'SqsInterfaceEndpoint',
      'VpcEndpointSecurityGroup',
    ]) {
      assert.equal(conditions[template.Resources[name].Condition], false, `${name} is not created`);
    }
  });

  it('an SSM source in a VPC: SSM statements on, S3 source statements off, endpoints created', async () => {
    const template = await templateOf(
      'ssm-vpc',
      'source=ssm:/certmonitor/prod/',
      'state=s3://other-state/runs/',
      'subnetIds=subnet-a,subnet-b',
      'securityGroupIds=sg-1,sg-2',
      'vpcId=vpc-1',
      'vpcEndpoints=s3,ssm,sqs',
      'routeTableIds=rtb-1,rtb-2',
    );
    const conditions = evaluateConditions(template);
    assert.equal(conditions.UseS3Source, false);
    assert.equal(conditions.UseSsmSource, true);
    const statements = roleStatements(template, conditions);
    assert.equal(statementFor(statements, 's3:ListBucket'), undefined);
    assert.deepEqual(statementFor(statements, 'ssm:GetParametersByPath')?.Resource, [
      sub('arn:{Partition}:ssm:{Region}:{AccountId}:parameter/certmonitor/prod'),
      sub('arn:{Partition}:ssm:{Region}:{AccountId}:parameter/certmonitor/prod/*'),
    ]);
    assert.deepEqual(
      statementFor(statements, 's3:PutObject')?.Resource,
      sub('arn:{Partition}:s3:::other-state/runs/*'),
    );
    assert.equal(
      template.Resources.CheckLambdaFunction.Properties.Environment.Variables.CERTMONITOR_SOURCE,
      'ssm:/certmonitor/prod/',
    );
    // The endpoints, in the function's VPC and subnets.
    const s3 = template.Resources.S3GatewayEndpoint;
    assert.equal(conditions[s3.Condition], true);
    assert.deepEqual(s3.Properties.RouteTableIds, { 'Fn::Split': [',', 'rtb-1,rtb-2'] });
    assert.equal(s3.Properties.VpcEndpointType, 'Gateway');
    for (const [name, service] of [
      ['SsmInterfaceEndpoint', 'ssm'],
      ['SqsInterfaceEndpoint', 'sqs'],
    ] as const) {
      const endpoint = template.Resources[name];
      assert.equal(conditions[endpoint.Condition], true, name);
      assert.deepEqual(endpoint.Properties.ServiceName, sub(`com.amazonaws.{Region}.${service}`));
      assert.equal(endpoint.Properties.VpcId, 'vpc-1');
      assert.deepEqual(endpoint.Properties.SubnetIds, { 'Fn::Split': [',', 'subnet-a,subnet-b'] });
      assert.equal(endpoint.Properties.PrivateDnsEnabled, true);
    }
    const group = template.Resources.VpcEndpointSecurityGroup;
    assert.equal(conditions[group.Condition], true);
    assert.deepEqual(group.Properties.SecurityGroupIngress, [
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::Select': [0, { 'Fn::Split': [',', 'sg-1,sg-2'] }] },
      },
    ]);
  });

  it('alarms on undelivered notifications, on fleet.json problems, and when no run succeeded for two periods', async () => {
    const template = await templateOf('default');
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
    // A trap host failing for H or more: the invocation succeeds, so this alarm is its page.
    const trapHosts = alarm('TrapHostsFailingAlarm');
    assert.equal(trapHosts.MetricName, 'TrapHostsFailing');
    assert.deepEqual(trapHosts.Dimensions, service);
    assert.equal(trapHosts.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(trapHosts.Threshold, 0);
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

  it('every alarm notifies an SNS topic created by default, which is an output to subscribe to', async () => {
    const template = await templateOf('default');
    assert.equal(template.Resources.AlarmTopic?.Type, 'AWS::SNS::Topic');
    assert.equal(
      resolveIntrinsics(template, template.Conditions[template.Resources.AlarmTopic?.Condition ?? '']),
      true,
    );
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm') as Array<
      [string, { Properties: Record<string, unknown> }]
    >;
    assert.deepEqual(alarms.map(([name]) => name).sort(), [
      'CertificateExpiryAlarm',
      'CheckDeadManAlarm',
      'CheckErrorsAlarm',
      'CheckFailuresAlarm',
      'InventoryProblemsAlarm',
      'NotificationsFailedAlarm',
      'ReportsFailedAlarm',
      'TrapHostsFailingAlarm',
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
    const given = await templateOf(
      'existing-topic',
      `alarmTopicArn=${topic}`,
      'alarmEmail=ops@example.com',
      'scheduleRate=rate(15 minutes)',
    );
    assert.equal(resolveIntrinsics(given, given.Conditions[given.Resources.AlarmTopic?.Condition ?? '']), false);
    for (const [name, alarm] of Object.entries(given.Resources).filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
    )) {
      assert.deepEqual(resolveIntrinsics(given, alarm.Properties.AlarmActions), [topic], name);
    }
    // The fleet view follows the schedule too: one point per run.
    assert.equal(given.Resources.CertificateExpiryAlarm.Properties.Metrics[0].Period, 900);
    assert.equal(given.Resources.ReportsFailedAlarm.Properties.Period, 900);
    const body = given.Resources.FleetDashboard.Properties.DashboardBody['Fn::Sub'] as string;
    assert.deepEqual([...new Set(body.match(/"period": \d+/g))], ['"period": 900']);
    const subscription = given.Resources.AlarmEmailSubscription;
    assert.equal(resolveIntrinsics(given, given.Conditions[subscription?.Condition ?? '']), true);
    assert.equal(resolveIntrinsics(given, subscription?.Properties.TopicArn), topic);
    assert.equal(subscription?.Properties.Endpoint, 'ops@example.com');
  });

  // The other refusals are unit-tested (test/deploy/deployParams.test.ts); these prove the framework stops on them.
  it('packages extraCaCerts in each zip at the path NODE_EXTRA_CA_CERTS names', async () => {
    const bundle = 'test/fixtures/certs/leaf.pem';
    const template = await templateOf('ca', `extraCaCerts=${bundle}`);
    for (const [name, fn] of [
      ['check.zip', 'CheckLambdaFunction'],
      ['checkShard.zip', 'CheckShardLambdaFunction'],
    ] as const) {
      const path = template.Resources[fn].Properties.Environment.Variables.NODE_EXTRA_CA_CERTS;
      assert.equal(path, bundle);
      // Node reads it relative to the working directory: the task root, where the zip is unpacked.
      const entries = readZip(await readFile(join(out, 'ca', name)));
      const shipped = entries.find((e) => e.name === path);
      assert.ok(shipped, `${name} holds ${path}: ${entries.map((e) => e.name).join(' ')}`);
      assert.deepEqual(Buffer.from(shipped.data), await readFile(join(ROOT, bundle)));
    }
    const plain = readZip(await readFile(join(out, 'default', 'check.zip'))).map((e) => e.name);
    assert.ok(!plain.some((n) => n.endsWith('.pem')), 'without extraCaCerts no bundle is shipped');
  });

  it('refuses parameters that disagree, at package time, naming the parameter', async () => {
    for (const [params, message] of [
      [
        ['source=dir:./fleet'],
        "--param source: the Lambda reads certificates from s3://bucket/prefix/ or ssm:/path/, got 'dir:./fleet'",
      ],
      [['certBucket=my-fleet'], '--param certBucket: is derived from source and state now; remove it'],
      // A bundle that would be packaged as nothing: every run would distrust the gateway.
      [['extraCaCerts=certs/no-such-ca.pem'], "--param extraCaCerts: 'certs/no-such-ca.pem' cannot be read (ENOENT)"],
    ] as const) {
      const failed = await run(
        'npx',
        ['serverless', 'package', '--package', join(out, 'refused'), ...params.map((p) => `--param=${p}`)],
        {
          cwd: ROOT,
          env: cleanEnv(DUMMY_CREDENTIALS),
          timeout: 180_000,
        },
      ).then(
        () => undefined,
        (error: { code?: number; stdout: string; stderr: string }) => error,
      );
      assert.ok(failed, `${params.join(' ')} must be refused`);
      assert.ok(`${failed.stdout}${failed.stderr}`.includes(message), `${params.join(' ')}: ${failed.stderr}`);
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

  it('a mistyped source prefix fails the invocation with EmptyRunError, and no run counts as succeeded', async () => {
    // certs/ holds the fleet; cert/ holds nothing: the typo the dead man's switch must not mistake for a run.
    const invoked = await run(
      'npx',
      [
        'serverless',
        'invoke',
        'local',
        '-f',
        'check',
        '-p',
        'examples/event.json',
        '--param=source=s3://certmonitor-fleet/cert/',
      ],
      {
        cwd: ROOT,
        env: cleanEnv({ ...S3RVER_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: s3.endpoint }),
        timeout: 180_000,
      },
    ).then(
      (done) => ({ code: 0, ...done }),
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    assert.notEqual(invoked.code, 0, `the invocation must fail: ${invoked.stdout}`);
    const output = `${invoked.stdout}${invoked.stderr}`;
    assert.match(output, /"errorType": ?"EmptyRunError"/, output);
    assert.match(
      output,
      /no appliance was evaluated: s3:\/\/certmonitor-fleet\/cert\/ holds no certificate and no inventory entry/,
    );
    const records = invoked.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(records.find((r) => r.event === 'summary')?.appliances, 0);
    const totals = records.find((r) => '_aws' in r && 'RunsSucceeded' in r);
    assert.equal(totals?.RunsSucceeded, 0);
    assert.ok(!records.some((r) => '_aws' in r && r.RunsSucceeded === 1), 'no successful run is counted');
  });
});
