import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHECK_VARIABLES,
  LAMBDA_ONLY_VARIABLES,
  lambdaOnlyVariablesSet,
  parseCheckConfig,
} from '../../app/checkConfig.ts';
import { ConfigError } from '../../app/errors.ts';
import { DEFAULT_GATEWAY_TIMEOUT_MS } from '../../app/gatewayTimeouts.ts';

const BASE = { CERTMONITOR_SOURCE: 'dir:fleet', CERTMONITOR_STATE: 'dir:state' };

function refusal(env: Record<string, string | undefined>, flags = {}, options = {}): string {
  try {
    parseCheckConfig(env, flags, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('configuration accepted');
}

test('defaults, environment, and flags winning over the environment', () => {
  assert.deepEqual(parseCheckConfig(BASE), {
    source: 'dir:fleet',
    state: 'dir:state',
    settings: { thresholdDays: 30, repeatHours: 24 },
    concurrency: 32,
  });
  const config = parseCheckConfig(
    { ...BASE, CERTMONITOR_THRESHOLD_DAYS: '45', CERTMONITOR_REPEAT_HOURS: '6', CERTMONITOR_CONCURRENCY: '8' },
    { days: '10', source: 's3://bucket/certs/' },
  );
  assert.deepEqual(config.settings, { thresholdDays: 10, repeatHours: 6 });
  assert.equal(config.source, 's3://bucket/certs/');
  assert.equal(config.concurrency, 8);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_SOURCE: 'ssm:/hsm/' }).source, 'ssm:/hsm/');
  assert.equal(
    parseCheckConfig({ ...BASE, CERTMONITOR_THRESHOLD_DAYS: '' }).settings.thresholdDays,
    30,
    'empty = unset',
  );
});

test('numbers: whole, in range, the error names where the value came from', () => {
  assert.match(refusal(BASE, { days: '-1' }), /^--days must be a whole number of days from 0 to 36500, got '-1'$/);
  assert.match(refusal({ ...BASE, CERTMONITOR_THRESHOLD_DAYS: '1e3' }), /^CERTMONITOR_THRESHOLD_DAYS .* got '1e3'$/);
  assert.match(refusal(BASE, { hours: '0' }), /^--hours must be a whole number of hours from 1 to 8760, got '0'$/);
  assert.match(refusal({ ...BASE, CERTMONITOR_REPEAT_HOURS: '8761' }), /CERTMONITOR_REPEAT_HOURS/);
  assert.match(refusal(BASE, { concurrency: '0' }), /--concurrency/);
  assert.equal(parseCheckConfig(BASE, { days: '0' }).settings.thresholdDays, 0);
});

test('locations: required, and only the schemes each setting supports', () => {
  assert.match(refusal({}), /CERTMONITOR_SOURCE \(--source\) is required/);
  assert.match(refusal({ CERTMONITOR_SOURCE: 'dir:x' }), /CERTMONITOR_STATE \(--state\) is required/);
  assert.match(
    refusal(BASE, { source: 'ftp://x' }),
    /^--source must be dir:PATH, s3:\/\/bucket\/prefix\/, ssm:\/prefix\/, tls:FLEET.json, got 'ftp:\/\/x'$/,
  );
  assert.equal(
    parseCheckConfig(BASE, { source: 'tls:/etc/certmonitor/fleet.json' }).source,
    'tls:/etc/certmonitor/fleet.json',
  );
  assert.match(
    refusal(BASE, { state: 'tls:/etc/fleet.json' }),
    /^--state must be dir:PATH, s3:\/\/bucket\/prefix\/, got/,
  );
  assert.match(refusal(BASE, { state: 'ssm:/state/' }), /^--state must be dir:PATH, s3:\/\/bucket\/prefix\//);
  assert.match(refusal(BASE, { source: 'dir:' }), /--source must be/);
  const control = refusal(BASE, { source: 'dir:a\nb' });
  assert.ok(!control.includes('\n'), 'the value is sanitized in the message');
});

test('unknown CERTMONITOR_* variables are refused by name; callers may declare their own', () => {
  assert.match(refusal({ ...BASE, CERTMONITOR_TRESHOLD_DAYS: '3' }), /^unknown variable CERTMONITOR_TRESHOLD_DAYS/);
  assert.doesNotThrow(() =>
    parseCheckConfig({ ...BASE, CERTMONITOR_QUEUE_URL: 'x' }, {}, { extraVariables: ['CERTMONITOR_QUEUE_URL'] }),
  );
  assert.doesNotThrow(() => parseCheckConfig({ ...BASE, OTHER_VARIABLE: 'x' }));
  // One environment file may serve the check and the collector.
  assert.doesNotThrow(() => parseCheckConfig({ ...BASE, CERTMONITOR_COLLECT_TO: 's3://fleet/certs/' }));
  assert.ok(CHECK_VARIABLES.includes('CERTMONITOR_GATEWAY_SECRET_PARAM'));
});

test('one rule for CERTMONITOR_*: every variable of certmonitor is known, a foreign one is told the rule', () => {
  // The Lambda-only shard variables are certmonitor's own: accepted everywhere, read by the Lambda only.
  const lambdaEnv = { ...BASE, CERTMONITOR_SHARD_SIZE: '2000', CERTMONITOR_SHARDS: '1', CERTMONITOR_SHARD_QUEUE: 'q' };
  assert.doesNotThrow(() => parseCheckConfig(lambdaEnv));
  assert.deepEqual(LAMBDA_ONLY_VARIABLES, ['CERTMONITOR_SHARDS', 'CERTMONITOR_SHARD_SIZE', 'CERTMONITOR_SHARD_QUEUE']);
  assert.deepEqual(lambdaOnlyVariablesSet({ ...lambdaEnv, CERTMONITOR_SHARDS: '' }), [
    'CERTMONITOR_SHARD_SIZE',
    'CERTMONITOR_SHARD_QUEUE',
  ]);
  // A variable an operator named for the gateway (the old example's communityEnv) is refused with the rule.
  assert.match(
    refusal({ ...BASE, CERTMONITOR_COMMUNITY: 'public' }),
    /^unknown variable CERTMONITOR_COMMUNITY \(known: .*CERTMONITOR_SHARD_SIZE.*\); CERTMONITOR_ names are reserved for certmonitor's own settings, so give a variable you name yourself \(such as a gateway's communityEnv or authKeyEnv\) another prefix$/,
  );
  assert.ok(!refusal({ ...BASE, CERTMONITOR_COMMUNITY: 'public' }).includes('public'), 'never the value');
});

test('gateway: URL, key id and exactly one secret location', () => {
  const gw = { CERTMONITOR_GATEWAY_URL: 'https://gw.example:8443', CERTMONITOR_GATEWAY_KEY_ID: 'lambda' };
  assert.deepEqual(
    parseCheckConfig({ ...BASE, ...gw, CERTMONITOR_GATEWAY_SECRET_PARAM: '/certmonitor/secret' }).forwarder,
    {
      url: 'https://gw.example:8443',
      keyId: 'lambda',
      secretParam: '/certmonitor/secret',
    },
  );
  assert.deepEqual(
    parseCheckConfig(BASE, { gateway: 'http://127.0.0.1:8443', keyId: 'k', secretFile: 'gw.secret' }).forwarder,
    {
      url: 'http://127.0.0.1:8443',
      keyId: 'k',
      secretFile: 'gw.secret',
    },
  );
  // A --secret-file flag wins over a parameter from the environment.
  assert.equal(
    parseCheckConfig({ ...BASE, ...gw, CERTMONITOR_GATEWAY_SECRET_PARAM: '/p' }, { secretFile: 'f' }).forwarder
      ?.secretFile,
    'f',
  );
  assert.match(
    refusal({ ...BASE, ...gw, CERTMONITOR_GATEWAY_SECRET_PARAM: '/p', CERTMONITOR_GATEWAY_SECRET_FILE: 'f' }),
    /set only one of/,
  );
  assert.match(refusal({ ...BASE, ...gw }), /needs its signing secret/);
  assert.match(
    refusal(BASE, { gateway: 'http://h', secretFile: 'f' }),
    /CERTMONITOR_GATEWAY_KEY_ID \(--key-id\) is required/,
  );
  assert.match(refusal(BASE, { keyId: 'k' }), /^--key-id is set but CERTMONITOR_GATEWAY_URL \(--gateway\) is not/);
  assert.match(refusal(BASE, { gateway: 'gw:8443', keyId: 'k', secretFile: 'f' }), /--gateway must be an http/);
  assert.match(refusal(BASE, { gateway: 'not a url', keyId: 'k', secretFile: 'f' }), /--gateway is not a URL/);
  const withPassword = refusal(BASE, { gateway: 'https://user:hunter2@gw', keyId: 'k', secretFile: 'f' });
  assert.match(withPassword, /must not carry credentials/);
  assert.ok(!withPassword.includes('hunter2'));
  assert.match(refusal(BASE, { gateway: 'https://gw', keyId: 'bad key', secretFile: 'f' }), /--key-id must be/);
  assert.match(
    refusal({ ...BASE, ...gw, CERTMONITOR_GATEWAY_SECRET_PARAM: 'secret' }),
    /must be an SSM parameter name/,
  );
});

test('gateway CA file: a flag or variable, only with an https:// gateway', () => {
  const gateway = {
    ...BASE,
    CERTMONITOR_GATEWAY_URL: 'https://gw.example:8443',
    CERTMONITOR_GATEWAY_KEY_ID: 'lambda',
    CERTMONITOR_GATEWAY_SECRET_FILE: './gw.secret',
  };
  assert.equal(parseCheckConfig({ ...gateway, CERTMONITOR_GATEWAY_CA_FILE: './ca.pem' }).forwarder?.caFile, './ca.pem');
  assert.equal(parseCheckConfig(gateway, { caFile: './other.pem' }).forwarder?.caFile, './other.pem');
  assert.equal(parseCheckConfig(gateway).forwarder?.caFile, undefined);
  assert.ok(CHECK_VARIABLES.includes('CERTMONITOR_GATEWAY_CA_FILE'));
  assert.equal(
    refusal({ ...BASE, CERTMONITOR_GATEWAY_CA_FILE: './ca.pem' }),
    'CERTMONITOR_GATEWAY_CA_FILE is set but CERTMONITOR_GATEWAY_URL (--gateway) is not: set the gateway URL too',
  );
  assert.equal(
    refusal({ ...gateway, CERTMONITOR_GATEWAY_URL: 'http://gw.example:8443' }, { caFile: './ca.pem' }),
    '--ca-file is set but CERTMONITOR_GATEWAY_URL is not an https:// URL',
  );
});

test("gateway answer timeout: a flag or variable, in milliseconds, default above the example's worst inform time", () => {
  const gateway = {
    ...BASE,
    CERTMONITOR_GATEWAY_URL: 'https://gw.example:8443',
    CERTMONITOR_GATEWAY_KEY_ID: 'lambda',
    CERTMONITOR_GATEWAY_SECRET_FILE: './gw.secret',
  };
  // The shipped example's inform host: timeoutMs 2000, backoff 2, retries 3 → 2 + 4 + 8 + 16 s.
  assert.equal(parseCheckConfig(gateway).forwarder?.timeoutMs, undefined);
  assert.ok(DEFAULT_GATEWAY_TIMEOUT_MS > 30_000);
  assert.equal(parseCheckConfig({ ...gateway, CERTMONITOR_GATEWAY_TIMEOUT_MS: '60000' }).forwarder?.timeoutMs, 60_000);
  assert.equal(
    parseCheckConfig({ ...gateway, CERTMONITOR_GATEWAY_TIMEOUT_MS: '60000' }, { gatewayTimeoutMs: '2000' }).forwarder
      ?.timeoutMs,
    2_000,
  );
  assert.ok(CHECK_VARIABLES.includes('CERTMONITOR_GATEWAY_TIMEOUT_MS'));
  assert.equal(
    refusal(gateway, { gatewayTimeoutMs: '10s' }),
    "--gateway-timeout-ms must be a whole number of milliseconds from 1000 to 600000, got '10s'",
  );
  assert.equal(
    refusal({ ...BASE, CERTMONITOR_GATEWAY_TIMEOUT_MS: '5000' }),
    'CERTMONITOR_GATEWAY_TIMEOUT_MS is set but CERTMONITOR_GATEWAY_URL (--gateway) is not: set the gateway URL too',
  );
});

test('standby gateways: a comma-separated list, primary first, each URL checked on its own', () => {
  const flags = { keyId: 'k', secretFile: 'f' };
  assert.deepEqual(
    parseCheckConfig({
      ...BASE,
      CERTMONITOR_GATEWAY_URL: 'https://gw1.example:8443, https://gw2.example:8443/,http://10.0.0.9:8080',
      CERTMONITOR_GATEWAY_KEY_ID: 'lambda',
      CERTMONITOR_GATEWAY_SECRET_PARAM: '/certmonitor/secret',
    }).forwarder,
    {
      url: 'https://gw1.example:8443',
      standbys: ['https://gw2.example:8443/', 'http://10.0.0.9:8080'],
      keyId: 'lambda',
      secretParam: '/certmonitor/secret',
    },
  );
  assert.equal(parseCheckConfig(BASE, { ...flags, gateway: 'http://a:1' }).forwarder?.standbys, undefined);
  // The URL at fault is named by its place and shown (credentials masked).
  assert.equal(
    refusal(BASE, { ...flags, gateway: 'https://gw1.example,gw:8443' }),
    "--gateway entry 2 of 2 'gw:8443' must be an http:// or https:// URL",
  );
  assert.equal(
    refusal({ ...BASE, CERTMONITOR_GATEWAY_URL: 'not a url,https://gw2' }, flags),
    "CERTMONITOR_GATEWAY_URL entry 1 of 2 'not a url' is not a URL",
  );
  const withPassword = refusal(BASE, { ...flags, gateway: 'https://gw1,https://user:hunter2@gw2' });
  assert.equal(
    withPassword,
    "--gateway entry 2 of 2 'https://…@gw2' must not carry credentials; use the key id and secret settings",
  );
  assert.ok(!withPassword.includes('hunter2'), 'the password is never shown');
  assert.equal(
    refusal(BASE, { ...flags, gateway: 'https://gw1,https://gw2/?x=1' }),
    "--gateway entry 2 of 2 'https://gw2/?x=1' must not carry a query or fragment",
  );
  assert.equal(
    refusal(BASE, { ...flags, gateway: 'https://gw1,,https://gw2' }),
    '--gateway entry 2 of 3 is empty: separate gateway URLs with single commas',
  );
  assert.match(refusal(BASE, { ...flags, gateway: 'https://gw1,' }), /^--gateway entry 2 of 2 is empty/);
  // The same gateway twice, however it is spelt, would only be tried twice for nothing.
  assert.equal(
    refusal(BASE, { ...flags, gateway: 'http://GW1:80/, http://gw1' }),
    '--gateway lists http://gw1 twice (entries 1 and 2): list each gateway once',
  );
  assert.match(
    refusal(BASE, { ...flags, gateway: Array.from({ length: 9 }, (_, i) => `https://gw${i}`).join(',') }),
    /^--gateway lists 9 gateway URLs; at most 8$/,
  );
  // A CA file is for https gateways: a plain http standby is named.
  assert.equal(
    refusal(BASE, { ...flags, caFile: 'ca.pem', gateway: 'https://gw1,http://gw2:8080' }),
    '--ca-file is set but --gateway (http://gw2:8080) is not an https:// URL',
  );
});

test('an empty fleet on purpose: --allow-empty or CERTMONITOR_ALLOW_EMPTY=true; other values are refused', () => {
  assert.equal(parseCheckConfig(BASE).allowEmpty, undefined, 'by default a run that evaluates nothing fails');
  assert.equal(parseCheckConfig(BASE, { allowEmpty: true }).allowEmpty, true);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_ALLOW_EMPTY: 'true' }).allowEmpty, true);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_ALLOW_EMPTY: 'false' }).allowEmpty, undefined);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_ALLOW_EMPTY: '' }).allowEmpty, undefined, 'empty = unset');
  assert.equal(
    refusal({ ...BASE, CERTMONITOR_ALLOW_EMPTY: 'yes' }),
    "CERTMONITOR_ALLOW_EMPTY must be true or false, got 'yes'",
  );
  assert.equal(
    refusal({ ...BASE, CERTMONITOR_ALLOW_EMPTY: 'yes' }, { allowEmpty: true }),
    "CERTMONITOR_ALLOW_EMPTY must be true or false, got 'yes'",
    'a bad value is refused even beside the flag',
  );
  assert.ok(CHECK_VARIABLES.includes('CERTMONITOR_ALLOW_EMPTY'), 'a known variable, not refused as unknown');
});

test('replaced certificates: --replaced or CERTMONITOR_REPLACED=true; other values are refused naming the variable', () => {
  assert.equal(parseCheckConfig(BASE).replaced, undefined, 'off by default');
  assert.equal(parseCheckConfig(BASE, { replaced: true }).replaced, true);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_REPLACED: 'true' }).replaced, true);
  assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_REPLACED: 'false' }).replaced, undefined);
  assert.match(
    refusal({ ...BASE, CERTMONITOR_REPLACED: 'yes' }, { replaced: true }),
    /CERTMONITOR_REPLACED must be true or false/,
  );
});
