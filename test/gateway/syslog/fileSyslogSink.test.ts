/**
 * The lunalogs file sink when writing fails (docs/gateway.md, Syslog delivery): a directory that
 * disappears and comes back, a full disk (/dev/full), a full buffer whose count is written where the lines
 * are missing, and a file moved away (rotation) without a reopen signal.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileSyslogSink } from '../../../gateway/syslog/fileSyslogSink.ts';
import { SyslogWriter } from '../../../gateway/syslog/syslogWriter.ts';
import { waitUntil } from '../../helpers/waitUntil.ts';

const clock = () => new Date('2026-11-24T09:05:01Z');
const line = (host: string) =>
  `2026 Nov 24 09:05:01 ${host}  local5 warn  certmonitord[7]: warning : 0 : NTLS certificate is missing`;
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-filesink-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('FileSyslogSink', () => {
  it('keeps the lines written while its directory is gone and writes them, in order, once it is back', async () => {
    const logs = join(dir, 'gone', 'logs');
    const file = join(logs, 'lunalogs');
    const sink = new FileSyslogSink(file);
    const w = new SyslogWriter([sink], 'gw', 7, null, clock);
    assert.equal(w.appliance('hsm1', 'missing'), true);
    rmSync(join(dir, 'gone'), { recursive: true });
    for (const h of ['hsm2', 'hsm3', 'hsm4']) assert.equal(w.appliance(h, 'missing'), true, 'held for retry');
    assert.equal(sink.stats().waiting, 3);
    assert.equal(existsSync(logs), false, 'the sink does not create the directory again');
    mkdirSync(logs, { recursive: true });
    await waitUntil('the retry to write the held lines', () => read(file).length === 3);
    assert.deepEqual(read(file), [line('hsm2'), line('hsm3'), line('hsm4')]);
    assert.deepEqual(sink.stats(), { waiting: 0, unconfirmed: 0, dropped: 0, reconnects: 1 });
    await w.close();
  });

  it('retries a write the disk refused (ENOSPC) once the path names a writable file again', async () => {
    const file = join(dir, 'full.lunalogs');
    symlinkSync('/dev/full', file);
    const sink = new FileSyslogSink(file);
    const w = new SyslogWriter([sink], 'gw', 7, null, clock);
    assert.equal(w.appliance('hsm1', 'missing'), true);
    assert.equal(w.appliance('hsm2', 'missing'), true);
    assert.equal(sink.stats().waiting, 2);
    rmSync(file);
    assert.equal(w.appliance('hsm3', 'missing'), true);
    assert.deepEqual(read(file), [line('hsm1'), line('hsm2'), line('hsm3')]);
    await w.close();
  });

  it('drops the newest lines at the bound and writes their count where they are missing', async () => {
    const logs = join(dir, 'bounded');
    const file = join(logs, 'lunalogs');
    const sink = new FileSyslogSink(file, 3);
    const stderr: string[] = [];
    const w = new SyslogWriter([sink], 'gw', 7, (l) => stderr.push(l), clock);
    rmSync(logs, { recursive: true });
    const accepted = ['hsm1', 'hsm2', 'hsm3', 'hsm4', 'hsm5'].map((h) => w.appliance(h, 'missing'));
    assert.deepEqual(accepted, [true, true, true, false, false]);
    assert.equal(w.reportDrops(), 2, 'reported on stderr every minute meanwhile');
    assert.equal(stderr.length, 1);
    mkdirSync(logs);
    await waitUntil('the held lines and the drop line', () => read(file).length === 4);
    w.appliance('hsm6', 'missing');
    assert.deepEqual(read(file), [
      line('hsm1'),
      line('hsm2'),
      line('hsm3'),
      '2026 Nov 24 09:05:01 gw  local5 warn  certmonitord[7]: warning : 0 : Dropped 2 syslog message(s) for syslog host file lunalogs',
      line('hsm6'),
    ]);
    assert.equal(sink.stats().dropped, 2);
    await w.close();
  });

  it('follows the path when the file is moved away (rotation) without waiting for a reopen', async () => {
    const file = join(dir, 'rotated');
    const sink = new FileSyslogSink(file);
    const w = new SyslogWriter([sink], 'gw', 7, null, clock);
    w.appliance('hsm1', 'missing');
    renameSync(file, `${file}.1`);
    w.appliance('hsm2', 'missing');
    assert.deepEqual(read(`${file}.1`), [line('hsm1')]);
    assert.deepEqual(read(file), [line('hsm2')]);
    await w.close();
  });
});
