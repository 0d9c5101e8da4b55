/**
 * What `--help` tells an operator who wires a command into a timer or a monitoring agent: the exit
 * statuses, on the built command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin/certmonitor.js');

function help(command: string): string {
  const child = spawnSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout;
}

describe('certmonitor COMMAND --help', () => {
  for (const command of ['check', 'collect', 'report']) {
    it(`${command} lists its exit statuses 0, 1 and 2`, () => {
      const text = help(command);
      const section = text.slice(text.indexOf('Exit status:'));
      assert.ok(text.includes('Exit status:'), `${command} --help has no exit statuses:\n${text}`);
      for (const code of ['0', '1', '2']) assert.match(section, new RegExp(`^  ${code}  \\S`, 'm'));
    });
  }

  it('inspect gives the monitoring-plugin statuses 0 to 3', () => {
    const text = help('inspect');
    for (const state of ['0 OK', '1 WARNING', '2 CRITICAL', '3 UNKNOWN']) assert.ok(text.includes(state), state);
  });
});
