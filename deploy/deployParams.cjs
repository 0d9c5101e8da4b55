'use strict';
/**
 * The `${certmonitor:NAME}` variables of serverless.yml (docs/aws.md, Deploying to AWS): everything the IAM role,
 * the conditions and the VPC endpoints need is derived from the parameters an operator sets once, so the
 * role can never disagree with the locations the function reads. `source` (s3://bucket/prefix/ or
 * ssm:/path/) and `state` (s3://bucket/prefix/) give the bucket, prefix and SSM path of every IAM
 * statement; `vpcEndpoints` names the endpoints to create. A value the function would refuse at run time,
 * or settings that contradict each other, stop `serverless package` / `deploy` with a message naming the
 * parameter. Plain CommonJS: the framework loads it with `require`, before anything is built.
 */

/** S3 bucket naming rules (3-63 characters, lowercase, digits, dots, hyphens), as the S3 adapter checks them. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** What an SSM location may hold after `ssm:`, as the SSM adapter checks it. */
const SSM_LOCATION = /^ssm:(\/[A-Za-z0-9_.\-/]*)$/;
/** An SSM parameter name (the gateway secret). */
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
/** The endpoints `vpcEndpoints` may name. */
const ENDPOINTS = ['s3', 'ssm', 'sqs'];
/** Parameters the role used to take separately; they are derived now, and a leftover one is refused. */
const DERIVED = ['certBucket', 'certPrefix', 'ssmPath', 'stateBucket', 'statePrefix', 'schedulePeriodSeconds'];
/** Every parameter read here. */
const READ = [
  'source',
  'state',
  'gatewayUrl',
  'gatewayKeyId',
  'gatewaySecretParam',
  'gatewayTimeoutMs',
  'timeout',
  'subnetIds',
  'securityGroupIds',
  'vpcId',
  'vpcEndpoints',
  'routeTableIds',
  'scheduleRate',
  'fleetDashboard',
  'expiryAlarm',
  'allowEmpty',
];
/** The value a parameter takes when it is not used (osls refuses an empty --param value). */
const NONE = 'none';

const { ExtraCaCertsError, packageExtraCaCerts } = require('./extraCaCerts.cjs');

/** A parameter that cannot be used; the framework prints the message as it is. */
class DeployParamError extends Error {
  constructor(param, message) {
    super(`--param ${param}: ${message}`);
    this.name = 'DeployParamError';
  }
}

/** Parses `s3://bucket/prefix/` as the S3 adapter does: a non-empty prefix always ends with `/`. */
function parseS3(param, value) {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(value);
  if (!match) throw new DeployParamError(param, `expected s3://bucket/prefix/, got '${value}'`);
  const bucket = match[1];
  if (!BUCKET.test(bucket)) throw new DeployParamError(param, `'${bucket}' is not a valid S3 bucket name`);
  let prefix = match[2] ?? '';
  if (prefix.startsWith('/')) throw new DeployParamError(param, 'the S3 prefix must not start with /');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

/** The SSM path of `ssm:/path/` without its trailing slash, as IAM resources name it ('' for the root). */
function parseSsm(param, value) {
  const match = SSM_LOCATION.exec(value);
  if (!match) throw new DeployParamError(param, `expected ssm:/path/ (letters, digits, _ . - /), got '${value}'`);
  return match[1].replace(/\/+$/, '');
}

/** The certificate location: exactly one of the S3 or SSM parts is set, the other is `none`. */
function deriveSource(source) {
  if (source.startsWith('s3://')) {
    const { bucket, prefix } = parseS3('source', source);
    return { sourceBucket: bucket, sourcePrefix: prefix, ssmPath: NONE };
  }
  if (source.startsWith('ssm:')) return { sourceBucket: NONE, sourcePrefix: NONE, ssmPath: parseSsm('source', source) };
  throw new DeployParamError(
    'source',
    `the Lambda reads certificates from s3://bucket/prefix/ or ssm:/path/, got '${source}' ` +
      '(a dir: fleet is for certmonitor check, or for invoke local with -e CERTMONITOR_SOURCE=dir:PATH)',
  );
}

/** The state location: S3 only (a Lambda has no directory that outlives it). */
function deriveState(state) {
  if (!state.startsWith('s3://')) {
    throw new DeployParamError('state', `the Lambda keeps its state in s3://bucket/prefix/, got '${state}'`);
  }
  const { bucket, prefix } = parseS3('state', state);
  return { stateBucket: bucket, statePrefix: prefix };
}

/** The gateway settings go together: a URL needs a key id and a secret parameter, and neither makes sense alone. */
function checkGateway(p) {
  const url = p.gatewayUrl ?? '';
  const keyId = p.gatewayKeyId ?? '';
  const secret = p.gatewaySecretParam ?? '';
  if (url === '') {
    const stray = keyId !== '' ? 'gatewayKeyId' : secret !== '' ? 'gatewaySecretParam' : undefined;
    if (stray) throw new DeployParamError(stray, 'is set but gatewayUrl is not: set the gateway URL too');
    return;
  }
  checkGatewayUrls(url);
  if (keyId === '') throw new DeployParamError('gatewayKeyId', 'is required with gatewayUrl');
  if (secret === '') throw new DeployParamError('gatewaySecretParam', 'is required with gatewayUrl');
  if (!SSM_PARAMETER.test(secret)) {
    throw new DeployParamError('gatewaySecretParam', `must be an SSM parameter name starting with /, got '${secret}'`);
  }
}

/**
 * `gatewayUrl` may list standby gateways after the primary, separated by commas (docs/gateway.md, Standby
 * gateways): each entry is checked on its own and named when it is wrong, and none may appear twice.
 */
function checkGatewayUrls(value) {
  const entries = value.split(',').map((s) => s.trim());
  const seen = new Set();
  for (const [index, entry] of entries.entries()) {
    const place = entries.length > 1 ? `entry ${index + 1} of ${entries.length} ` : '';
    if (!/^https?:\/\/[^\s@?#]+$/.test(entry)) {
      const shown = entry.replace(/\/\/[^/]*@/, '//…@');
      throw new DeployParamError(
        'gatewayUrl',
        `${place}must be an http:// or https:// URL without credentials or query, got '${shown}'`,
      );
    }
    const key = entry.toLowerCase().replace(/\/+$/, '');
    if (seen.has(key)) throw new DeployParamError('gatewayUrl', `lists ${entry} twice: list each gateway once`);
    seen.add(key);
  }
}

/**
 * `gatewayTimeoutMs` (docs/aws.md, Deploying to AWS): how long a gateway may take to answer one request, as
 * `CERTMONITOR_GATEWAY_TIMEOUT_MS` takes it. A primary's and a standby's wait must both fit well inside the
 * invocation (its forwarding ends 5 s before the timeout), so it may be at most a quarter of `timeout`.
 * Without a gateway the variable stays empty (the function refuses a gateway setting without a gateway).
 */
function deriveGatewayTimeout(p) {
  const value = p.gatewayTimeoutMs ?? '45000';
  if (!p.gatewayUrl) return { gatewayTimeoutMs: '' };
  if (!/^\d{4,6}$/.test(value) || Number(value) < 1000 || Number(value) > 600000) {
    throw new DeployParamError(
      'gatewayTimeoutMs',
      `must be a whole number of milliseconds from 1000 to 600000, got '${value}'`,
    );
  }
  const timeoutSeconds = Number(p.timeout ?? 300);
  if (Number(value) > (timeoutSeconds * 1000) / 4) {
    throw new DeployParamError(
      'gatewayTimeoutMs',
      `${value} is more than a quarter of the function's timeout (${timeoutSeconds} s): a primary's and a standby's wait must fit well inside one invocation; raise timeout or lower gatewayTimeoutMs`,
    );
  }
  return { gatewayTimeoutMs: value };
}

/** A comma-separated list parameter, or [] for `none`. */
function list(value) {
  return value === undefined || value === NONE ? [] : value.split(',').map((s) => s.trim());
}

/** The VPC settings go together; returns which endpoints to create. */
function deriveVpc(p) {
  const subnets = list(p.subnetIds);
  const groups = list(p.securityGroupIds);
  if (subnets.length > 0 && groups.length === 0) {
    throw new DeployParamError('securityGroupIds', 'is required with subnetIds');
  }
  if (groups.length > 0 && subnets.length === 0)
    throw new DeployParamError('subnetIds', 'is required with securityGroupIds');
  const endpoints = list(p.vpcEndpoints);
  for (const name of endpoints) {
    if (!ENDPOINTS.includes(name)) {
      throw new DeployParamError('vpcEndpoints', `'${name}' is not one of ${ENDPOINTS.join(', ')} (or none)`);
    }
  }
  if (endpoints.length > 0) {
    if (subnets.length === 0) throw new DeployParamError('vpcEndpoints', 'needs subnetIds and securityGroupIds');
    if (list(p.vpcId).length !== 1) throw new DeployParamError('vpcId', 'is required with vpcEndpoints (one VPC id)');
  }
  if (endpoints.includes('s3') && list(p.routeTableIds).length === 0) {
    throw new DeployParamError('routeTableIds', "is required for the s3 gateway endpoint (the subnets' route tables)");
  }
  const flag = (name) => String(endpoints.includes(name));
  return { vpcEndpointS3: flag('s3'), vpcEndpointSsm: flag('ssm'), vpcEndpointSqs: flag('sqs') };
}

/** Seconds per unit of a `rate(N unit)` expression. */
const RATE_UNITS = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/**
 * The schedule's period in seconds, read from `scheduleRate`, for the alarms that count runs (the
 * dead-man alarm fires when no run succeeded within two periods). A cron schedule has no single period:
 * it is refused here with the way out, rather than guessed.
 */
function deriveSchedulePeriod(rate) {
  const match = /^rate\((\d{1,5}) (minutes?|hours?|days?)\)$/.exec(rate ?? 'rate(1 hour)');
  if (!match) {
    throw new DeployParamError(
      'scheduleRate',
      `must be a rate expression such as rate(1 hour) (the alarms are sized from its period), got '${rate}'`,
    );
  }
  const seconds = Number(match[1]) * RATE_UNITS[match[2]];
  if ((Number(match[1]) === 1) !== !match[2].endsWith('s')) {
    throw new DeployParamError(
      'scheduleRate',
      `write rate(1 ${match[2].replace(/s$/, '')}) or rate(N ${match[2].replace(/s?$/, 's')})`,
    );
  }
  if (seconds < 60 || seconds > 43200) {
    throw new DeployParamError('scheduleRate', 'must run at least every 12 hours and at most every minute');
  }
  return { schedulePeriodSeconds: seconds };
}

/**
 * Switches: `true` or `false`, nothing else (a typo must not turn one off). Two turn optional resources on
 * or off; `allowEmpty` says the fleet is empty on purpose (CERTMONITOR_ALLOW_EMPTY).
 */
const SWITCHES = ['fleetDashboard', 'expiryAlarm', 'allowEmpty'];

/** Checks the on/off parameters. */
function checkSwitches(p) {
  for (const name of SWITCHES) {
    const value = p[name];
    if (value !== undefined && value !== 'true' && value !== 'false') {
      throw new DeployParamError(name, `must be true or false, got '${value}'`);
    }
  }
}

/**
 * Every `${certmonitor:NAME}` value from the parameters (`params`: name -> value, undefined when unset).
 * `cliParams` are the `--param` names given on the command line; a parameter that is derived now is
 * refused there, so an old deploy command cannot leave the role pointing elsewhere.
 */
function deriveDeployParams(params, cliParams = []) {
  for (const name of cliParams) {
    if (name === 'schedulePeriodSeconds') {
      throw new DeployParamError(name, 'is derived from scheduleRate; remove it (docs/aws.md, Deploying to AWS)');
    }
    if (DERIVED.includes(name)) {
      throw new DeployParamError(
        name,
        'is derived from source and state now; remove it (docs/aws.md, Deploying to AWS)',
      );
    }
  }
  if (!params.source) throw new DeployParamError('source', 'is required: s3://bucket/prefix/ or ssm:/path/');
  if (!params.state) throw new DeployParamError('state', 'is required: s3://bucket/prefix/');
  checkGateway(params);
  checkSwitches(params);
  return {
    ...deriveSource(params.source),
    ...deriveState(params.state),
    ...deriveVpc(params),
    ...deriveSchedulePeriod(params.scheduleRate),
    ...deriveGatewayTimeout(params),
  };
}

/** The `--param` names given on the command line. */
function cliParamNames(options) {
  const given = options?.param;
  return (Array.isArray(given) ? given : given ? [given] : []).map((item) => String(item).split('=')[0]);
}

/**
 * The serverless plugin: registers the `certmonitor` variable source. A parameter error is raised once, by
 * the `initialize` hook that runs before every command, rather than once per variable that refers to it.
 */
class DeployParams {
  constructor(serverless) {
    const ServerlessError = serverless?.classes?.Error ?? Error;
    let derived;
    let failure;
    this.hooks = {
      initialize: () => {
        if (failure) throw new ServerlessError(failure.message, 'CERTMONITOR_DEPLOY_PARAM');
      },
      // Before serverless-esbuild bundles and zips (its hooks are on createDeploymentArtifacts).
      'package:initialize': () => {
        try {
          packageExtraCaCerts(serverless);
        } catch (error) {
          if (error instanceof ExtraCaCertsError) throw new ServerlessError(error.message, 'CERTMONITOR_DEPLOY_PARAM');
          throw error;
        }
      },
    };
    this.configurationVariablesSources = {
      certmonitor: {
        async resolve({ address, options, resolveVariable }) {
          derived ??= (async () => {
            const params = {};
            for (const name of READ) {
              const value = await resolveVariable(`param:${name}, null`);
              if (value !== null && value !== undefined) params[name] = String(value);
            }
            try {
              return deriveDeployParams(params, cliParamNames(options));
            } catch (error) {
              if (!(error instanceof DeployParamError)) throw error;
              failure = error;
              return undefined;
            }
          })();
          const values = await derived;
          // The placeholder never reaches a template: the initialize hook stops the command first.
          if (values === undefined) return { value: 'invalid' };
          if (!Object.hasOwn(values, address)) {
            throw new ServerlessError(`unknown variable \${certmonitor:${address}}`, 'CERTMONITOR_DEPLOY_PARAM');
          }
          return { value: values[address] };
        },
      },
    };
  }
}

module.exports = DeployParams;
module.exports.deriveDeployParams = deriveDeployParams;
module.exports.DeployParamError = DeployParamError;
