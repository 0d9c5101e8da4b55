/** The expiry policy's settings (docs/reference.md, Expiry policy): the run's flags and variables, the inventory's keys, their merge. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseInventory } from '../../adapters/parseInventory.ts';
import { CHECK_VARIABLES, parseCheckConfig } from '../../app/checkConfig.ts';
import { ConfigError } from '../../app/errors.ts';
import { applianceSettings } from '../../app/evaluateAppliance.ts';

const BASE = { CERTMONITOR_SOURCE: 'dir:fleet', CERTMONITOR_STATE: 'dir:state' };

function refusal(env: Record<string, string>, flags = {}): string {
  try {
    parseCheckConfig(env, flags);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('configuration accepted');
}

describe('the run: --percent, --critical, --critical-percent, --critical-hours and their variables', () => {
  it('unset: exactly the settings of before, no percent, no critical level', () => {
    assert.deepEqual(parseCheckConfig(BASE).settings, { thresholdDays: 30, repeatHours: 24 });
  });

  it('are known variables (the Lambda reads the same), flags win', () => {
    for (const name of [
      'CERTMONITOR_THRESHOLD_PERCENT',
      'CERTMONITOR_CRITICAL_DAYS',
      'CERTMONITOR_CRITICAL_PERCENT',
      'CERTMONITOR_CRITICAL_HOURS',
    ]) {
      assert.ok(CHECK_VARIABLES.includes(name), name);
    }
    const env = {
      ...BASE,
      CERTMONITOR_THRESHOLD_PERCENT: '33',
      CERTMONITOR_CRITICAL_DAYS: '3',
      CERTMONITOR_CRITICAL_PERCENT: '10',
      CERTMONITOR_CRITICAL_HOURS: '6',
    };
    assert.deepEqual(parseCheckConfig(env).settings, {
      thresholdDays: 30,
      repeatHours: 24,
      thresholdPercent: 33,
      critical: { days: 3, percent: 10, repeatHours: 6 },
    });
    assert.deepEqual(parseCheckConfig(env, { percent: '12.5', criticalPercent: '2.25' }).settings, {
      thresholdDays: 30,
      repeatHours: 24,
      thresholdPercent: 12.5,
      critical: { days: 3, percent: 2.25, repeatHours: 6 },
    });
  });

  it('the Lambda gets them from parameters of serverless.yml, unset by default', () => {
    const yml = parseYaml(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as {
      params: { default: Record<string, string> };
      provider: { environment: Record<string, string> };
    };
    const expected = {
      CERTMONITOR_THRESHOLD_PERCENT: 'thresholdPercent',
      CERTMONITOR_CRITICAL_DAYS: 'criticalDays',
      CERTMONITOR_CRITICAL_PERCENT: 'criticalPercent',
      CERTMONITOR_CRITICAL_HOURS: 'criticalHours',
    };
    for (const [variable, param] of Object.entries(expected)) {
      assert.equal(yml.provider.environment[variable], `\${param:${param}}`);
      assert.equal(yml.params.default[param], '', `${param} is empty (unset) by default`);
    }
    const env = Object.fromEntries(Object.keys(expected).map((v) => [v, '']));
    assert.deepEqual(parseCheckConfig({ ...BASE, ...env }).settings, { thresholdDays: 30, repeatHours: 24 });
  });

  it('any one critical setting configures the level; its repeat interval defaults to H', () => {
    assert.deepEqual(parseCheckConfig(BASE, { critical: '7', hours: '12' }).settings.critical, {
      days: 7,
      repeatHours: 12,
    });
    assert.deepEqual(parseCheckConfig({ ...BASE, CERTMONITOR_CRITICAL_HOURS: '2' }).settings.critical, {
      repeatHours: 2,
    });
    assert.equal(parseCheckConfig({ ...BASE, CERTMONITOR_CRITICAL_DAYS: '' }).settings.critical, undefined);
  });

  it('refuses each bad value, naming the flag or variable and never clamping', () => {
    const percent = /must be a percent of the certificate's lifetime, more than 0 and less than 100/;
    for (const bad of ['0', '100', '-5', '150', 'ten', '33.333', '1e1', '0.00']) {
      const message = refusal({ ...BASE, CERTMONITOR_THRESHOLD_PERCENT: bad });
      assert.match(message, new RegExp(`^CERTMONITOR_THRESHOLD_PERCENT ${percent.source}`), bad);
      assert.ok(message.endsWith(`got '${bad}'`), message);
    }
    assert.match(refusal(BASE, { percent: '100' }), new RegExp(`^--percent ${percent.source}.*, got '100'$`));
    assert.match(refusal(BASE, { criticalPercent: '0' }), /^--critical-percent must be a percent/);
    assert.match(refusal({ ...BASE, CERTMONITOR_CRITICAL_PERCENT: '99.999' }), /^CERTMONITOR_CRITICAL_PERCENT must/);
    assert.match(refusal(BASE, { critical: 'soon' }), /^--critical must be a whole number of days from 0 to 36500/);
    assert.match(refusal({ ...BASE, CERTMONITOR_CRITICAL_DAYS: '-1' }), /^CERTMONITOR_CRITICAL_DAYS must be a whole/);
    assert.match(refusal(BASE, { criticalHours: '0' }), /^--critical-hours must be a whole number of hours from 1/);
    assert.match(refusal({ ...BASE, CERTMONITOR_CRITICAL_HOURS: '1.5' }), /^CERTMONITOR_CRITICAL_HOURS must/);
  });

  it('refuses a critical level above the warning level', () => {
    assert.equal(
      refusal(BASE, { critical: '31' }),
      '--critical (31) must not exceed the default CERTMONITOR_THRESHOLD_DAYS (--days) (30)',
    );
    assert.equal(
      refusal({ ...BASE, CERTMONITOR_CRITICAL_DAYS: '8' }, { days: '7' }),
      'CERTMONITOR_CRITICAL_DAYS (8) must not exceed --days (7)',
    );
    assert.equal(
      refusal({ ...BASE, CERTMONITOR_THRESHOLD_PERCENT: '10' }, { criticalPercent: '20' }),
      '--critical-percent (20) must not exceed CERTMONITOR_THRESHOLD_PERCENT (10)',
    );
    assert.match(
      refusal(BASE, { hours: '6', criticalHours: '12' }),
      /^--critical-hours \(12\) must not exceed --hours \(6\)/,
    );
    // Equal is a level: allowed.
    assert.equal(parseCheckConfig(BASE, { critical: '30' }).settings.critical?.days, 30);
  });
});

describe('the inventory: thresholdPercent and critical per appliance', () => {
  async function problems(entry: unknown): Promise<readonly string[]> {
    return (await parseInventory(JSON.stringify({ appliances: { hsm01: entry } }))).problems ?? [];
  }

  it('takes them', async () => {
    const entry = {
      thresholdDays: 20,
      repeatHours: 12,
      thresholdPercent: 33.3,
      critical: { days: 3, percent: 10, repeatHours: 6 },
    };
    const inventory = await parseInventory(JSON.stringify({ appliances: { hsm01: entry } }));
    assert.equal(inventory.problems, undefined);
    assert.deepEqual(inventory.appliances.hsm01, entry);
  });

  it('refuses bad values and unknown keys, naming the key path', async () => {
    const percent = 'expected a percent more than 0 and less than 100';
    assert.deepEqual(await problems({ thresholdPercent: 100 }), [
      `fleet.json: appliances.hsm01.thresholdPercent: ${percent}`,
    ]);
    assert.deepEqual(await problems({ thresholdPercent: '33' }), [
      `fleet.json: appliances.hsm01.thresholdPercent: ${percent}`,
    ]);
    assert.deepEqual(await problems({ critical: { percent: 0 } }), [
      `fleet.json: appliances.hsm01.critical.percent: ${percent}`,
    ]);
    assert.deepEqual(await problems({ critical: { days: 2, hours: 6 } }), [
      'fleet.json: appliances.hsm01.critical: unknown key(s) hours',
    ]);
    assert.deepEqual(await problems({ critical: 7 }), [
      'fleet.json: appliances.hsm01.critical: expected an object with days, percent and repeatHours',
    ]);
    assert.deepEqual(await problems({ critical: { repeatHours: 0 } }), [
      'fleet.json: appliances.hsm01.critical.repeatHours: expected a whole number from 1 to 8760',
    ]);
  });

  it('refuses a critical level above the same entry warning level', async () => {
    assert.deepEqual(await problems({ thresholdDays: 10, critical: { days: 11 } }), [
      'fleet.json: appliances.hsm01.critical.days: critical days must not exceed thresholdDays',
    ]);
    assert.deepEqual(await problems({ thresholdPercent: 10, critical: { percent: 10.5 } }), [
      'fleet.json: appliances.hsm01.critical.percent: critical percent must not exceed thresholdPercent',
    ]);
    assert.deepEqual(await problems({ repeatHours: 6, critical: { repeatHours: 7 } }), [
      'fleet.json: appliances.hsm01.critical.repeatHours: critical repeatHours must not exceed repeatHours',
    ]);
    // A bad entry keeps the appliance with the run's settings.
    const inventory = await parseInventory(
      JSON.stringify({ appliances: { hsm01: { thresholdDays: 10, critical: { days: 11 } } } }),
    );
    assert.deepEqual(inventory.appliances.hsm01, {});
  });
});

describe('the settings of one appliance', () => {
  const run = { thresholdDays: 30, repeatHours: 24, thresholdPercent: 20, critical: { days: 5, repeatHours: 24 } };

  it('without the new settings anywhere: the days and hours, nothing else', () => {
    assert.deepEqual(applianceSettings({ thresholdDays: 45 }, { thresholdDays: 30, repeatHours: 24 }), {
      thresholdDays: 45,
      repeatHours: 24,
    });
  });

  it("the inventory's percent and critical level replace the run's; its critical hours default to the appliance's H", () => {
    assert.deepEqual(applianceSettings(undefined, run), run);
    assert.deepEqual(applianceSettings({ repeatHours: 6, thresholdPercent: 33, critical: { percent: 10 } }, run), {
      thresholdDays: 30,
      repeatHours: 6,
      thresholdPercent: 33,
      critical: { percent: 10, repeatHours: 6 },
    });
  });

  it("the run's critical level repeats at most every H of the appliance", () => {
    assert.deepEqual(applianceSettings({ repeatHours: 6 }, run).critical, { days: 5, repeatHours: 6 });
    assert.deepEqual(applianceSettings({ repeatHours: 48 }, run).critical, { days: 5, repeatHours: 24 });
  });
});
