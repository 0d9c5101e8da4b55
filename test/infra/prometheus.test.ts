/**
 * The Prometheus examples in infra/prometheus/ as Prometheus's own tool reads them: the configuration
 * (with its rule file) is valid, and the alert rules fire on series named as certmonitor writes them
 * (`promtool test rules` with the unit test beside them).
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promtool } from '../helpers/promtool.ts';

const DIR = resolve(import.meta.dirname, '..', '..', 'infra', 'prometheus');

test('the example configuration and its rules are valid', () => {
  const config = promtool(['check', 'config', join(DIR, 'prometheus.yml')]);
  assert.equal(config.status, 0, config.output);
  assert.match(config.output, /SUCCESS: 1 rule files found/);
  const rules = promtool(['check', 'rules', join(DIR, 'certmonitor-rules.yml')]);
  assert.equal(rules.status, 0, rules.output);
  assert.match(rules.output, /SUCCESS: 2 rules found/);
});

test('the example alert rules fire on certmonitor-shaped series, and only then', () => {
  const result = promtool(['test', 'rules', join(DIR, 'certmonitor-rules.test.yml')]);
  assert.equal(result.status, 0, result.output);
  assert.match(result.output, /SUCCESS/);
});
