import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportCrash } from '../../gateway/crashDump.ts';
import { SyslogWriter } from '../../gateway/syslog/syslogWriter.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-crash-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reportCrash', () => {
  it('writes certmonitord_bt_<timestamp> with the stack and logs crashDumped with its path', () => {
    const seen: string[] = [];
    const writer = new SyslogWriter([], 'gw', 3, (l) => seen.push(l));
    const crashDir = join(dir, 'crash');
    const path = reportCrash(crashDir, new Error('boom'), writer, new Date('2026-11-24T12:00:00Z'));
    assert.ok(path);
    assert.deepEqual(readdirSync(crashDir), [`certmonitord_bt_20261124T120000Z_${process.pid}`]);
    assert.match(readFileSync(path, 'utf8'), /Error: boom\n\s+at /);
    assert.equal(seen.length, 1);
    assert.ok(
      seen[0]!.endsWith(`crit  certmonitord[3]: info : 0 : certmonitord CRASH AND BURN! Stack dump saved to ${path}\n`),
    );
  });

  it('logs crashNoDump when the dump cannot be written', () => {
    const seen: string[] = [];
    const writer = new SyslogWriter([], 'gw', 3, (l) => seen.push(l));
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    chmodSync(blocker, 0o400);
    assert.equal(reportCrash(join(blocker, 'sub'), new Error('boom'), writer), undefined);
    assert.ok(
      seen[0]!.endsWith(
        'crit  certmonitord[3]: info : 0 : certmonitord CRASH AND BURN and unable to dump the stack!\n',
      ),
    );
  });
});
