import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatElapsed, ProgressBar, progressWanted } from '../../cli/progressBar.ts';

const CLEAR = '\r\x1b[2K';

/** A bar on a string buffer, driven by a fake clock and a timer the test fires by hand. */
function fakeBar(options: { columns?: number; shown?: readonly string[]; shownWhenSeen?: readonly string[] } = {}) {
  let now = 1_000;
  let fire: (() => void) | undefined;
  let cancelled = false;
  const out = {
    text: '',
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    write(s: string) {
      this.text += s;
      return true;
    },
  };
  const bar = new ProgressBar({
    out,
    ...(options.shown ? { shown: options.shown } : {}),
    ...(options.shownWhenSeen ? { shownWhenSeen: options.shownWhenSeen } : {}),
    clock: () => now,
    every: (fn, ms) => {
      assert.equal(ms, 100);
      fire = fn;
      return () => {
        cancelled = true;
      };
    },
  });
  return {
    bar,
    out,
    advance: (ms: number) => {
      now += ms;
    },
    fire: () => fire?.(),
    cancelled: () => cancelled,
  };
}

describe('progressWanted', () => {
  it('shows progress only on a terminal, without --json, off CI, not on a dumb terminal', () => {
    const env = { TERM: 'xterm-256color' };
    assert.equal(progressWanted({ isTTY: true, json: false, env }), true);
    assert.equal(progressWanted({ isTTY: false, json: false, env }), false);
    assert.equal(progressWanted({ isTTY: undefined, json: false, env }), false);
    assert.equal(progressWanted({ isTTY: true, json: true, env }), false);
    assert.equal(progressWanted({ isTTY: true, json: false, env: { ...env, CI: 'true' } }), false);
    assert.equal(progressWanted({ isTTY: true, json: false, env: { ...env, CI: '1' } }), false);
    assert.equal(progressWanted({ isTTY: true, json: false, env: { ...env, CI: 'false' } }), true);
    assert.equal(progressWanted({ isTTY: true, json: false, env: { ...env, CI: '' } }), true);
    assert.equal(progressWanted({ isTTY: true, json: false, env: { TERM: 'dumb' } }), false);
  });
});

describe('formatElapsed', () => {
  it('minutes and seconds, hours from an hour on', () => {
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(59_999), '0:59');
    assert.equal(formatElapsed(61_000), '1:01');
    assert.equal(formatElapsed(3_723_000), '1:02:03');
  });
});

describe('ProgressBar', () => {
  it('draws nothing until the timer fires, then the count, rate, elapsed time and per-status counts', () => {
    const t = fakeBar();
    for (let i = 0; i < 1500; i++) t.bar.tick('valid');
    t.bar.tick('expiring');
    t.bar.tick('expired');
    t.bar.tick('expired');
    t.bar.tick('missing');
    t.bar.tick('invalid');
    assert.equal(t.out.text, '', 'counting alone never writes');
    t.advance(2_000);
    t.fire();
    assert.equal(t.out.text, `${CLEAR}1,505 appliances  752/s  0:02  |  expiring 1, expired 2, invalid 1, missing 1`);
  });

  it('redraws at most once per interval however often it is asked', () => {
    const t = fakeBar();
    t.bar.tick('valid');
    t.advance(500);
    t.fire();
    t.bar.tick('valid');
    t.advance(50);
    t.fire();
    t.bar.refresh();
    assert.equal(t.out.text.split(CLEAR).length - 1, 1, 'one draw within 100 ms');
    t.advance(50);
    t.fire();
    assert.equal(t.out.text.split(CLEAR).length - 1, 2);
    assert.match(t.out.text, /2 appliances {2}3\.3\/s {2}0:00 {2}\|/);
  });

  it('shows a bar and a percentage once the total is known, and unavailable appliances when there are some', () => {
    const t = fakeBar();
    t.bar.setTotal(400);
    for (let i = 0; i < 100; i++) t.bar.tick('valid');
    t.bar.tick('unavailable');
    t.advance(10_000);
    t.fire();
    assert.equal(
      t.out.text,
      `${CLEAR}[#####---------------]  25%  101/400 appliances  10/s  0:10  |  expiring 0, expired 0, invalid 0, missing 0, unavailable 1`,
    );
  });

  it("counts the collector's outcomes when told which to show", () => {
    const t = fakeBar({ shown: ['changed', 'unchanged', 'failed', 'skipped'], shownWhenSeen: [] });
    t.bar.setTotal(200);
    for (let i = 0; i < 97; i++) t.bar.tick('unchanged');
    t.bar.tick('changed');
    t.bar.tick('failed');
    t.bar.tick('failed');
    t.advance(1_000);
    t.fire();
    assert.equal(
      t.out.text,
      `${CLEAR}[##########----------]  50%  100/200 appliances  100/s  0:01  |  changed 1, unchanged 97, failed 2, skipped 0`,
    );
  });

  it('never draws a line wider than the terminal (a wrapped line could not be erased)', () => {
    const t = fakeBar({ columns: 30 });
    t.bar.tick('valid');
    t.advance(1_000);
    t.fire();
    assert.equal(t.out.text, `${CLEAR}${'1 appliances  1.0/s  0:01  |  expiring'.slice(0, 29)}`);
  });

  it('through above(), each line is written on an erased line and the bar is put back under it unchanged', () => {
    const t = fakeBar();
    // The bar and the lines share one terminal: one transcript records both, in order.
    const above = t.bar.above({ write: (s: string) => t.out.write(s) });
    above.write('before any draw\n');
    assert.equal(t.out.text, 'before any draw\n', 'nothing to erase or put back before the first draw');
    t.bar.tick('expired');
    t.advance(200);
    t.fire();
    const bar = '1 appliances  5.0/s  0:00  |  expiring 0, expired 1, invalid 0, missing 0';
    t.bar.tick('valid');
    t.advance(30);
    above.write('2026-11-24T12:00:00Z hsm01 error : 0 : NTLS certificate has expired on …\n');
    above.write('second line\n');
    assert.equal(
      t.out.text,
      [
        'before any draw\n',
        `${CLEAR}${bar}`,
        `${CLEAR}2026-11-24T12:00:00Z hsm01 error : 0 : NTLS certificate has expired on …\n${bar}`,
        `${CLEAR}second line\n${bar}`,
      ].join(''),
      'the line put back is the one last drawn: its content changes only on the timer',
    );
    t.bar.finish();
    above.write('summary\n');
    assert.ok(t.out.text.endsWith(`${CLEAR}summary\n`), 'after finish the bar stays away');
  });

  it('finish() stops the timer, erases the line and draws no more', () => {
    const t = fakeBar();
    t.bar.tick('valid');
    t.advance(200);
    t.fire();
    t.bar.finish();
    assert.ok(t.cancelled());
    assert.ok(t.out.text.endsWith(CLEAR));
    const after = t.out.text;
    t.advance(1_000);
    t.fire();
    t.bar.refresh();
    t.bar.finish();
    assert.equal(t.out.text, after);
  });

  it('the default timer draws by itself and finish() stops it', async () => {
    const out = { text: '', write: (s: string) => (out.text += s) };
    const bar = new ProgressBar({ out, intervalMs: 10 });
    bar.tick('valid');
    await new Promise((r) => setTimeout(r, 50));
    bar.finish();
    assert.match(out.text, /1 appliances/);
    assert.ok(out.text.endsWith(CLEAR));
  });
});

describe('countForProgress', () => {
  it('gives the bar the fleet size from a separate listing pass, before the run starts', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { countForProgress } = await import('../../cli/check.ts');
    const dir = mkdtempSync(join(tmpdir(), 'certmonitor-count-'));
    try {
      for (const name of ['hsm01', 'hsm02', 'hsm03']) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'server.pem'), 'not read by the count');
      }
      writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ appliances: { hsm01: {}, hsm99: {} } }));
      const { bar, fire, out } = fakeBar();
      const stop = await countForProgress(`dir:${dir}`, {}, bar);
      stop();
      bar.tick('valid');
      fire();
      // Three listed, plus hsm99 from the inventory (it will be reported missing).
      assert.match(out.text, /1\/4 appliances/);
      bar.finish();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never counts an ssm: fleet (its listing would read every certificate a second time)', async () => {
    const http = await import('node:http');
    const { countForProgress } = await import('../../cli/check.ts');
    // An SSM endpoint that only counts what reaches it: a count would list parameters through it.
    let requests = 0;
    const server = http.createServer((_, response) => {
      requests++;
      response.writeHead(500);
      response.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const { bar, fire, out } = fakeBar();
      // The SDK takes credentials from the process environment; without them it would send nothing anyway.
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
      const env = { AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1' };
      const stop = await countForProgress('ssm:/certmonitor/prod/', env, bar);
      stop();
      bar.tick('valid');
      fire();
      assert.doesNotMatch(out.text, /\d+\/\d+ appliances/, 'no total');
      assert.equal(requests, 0, 'nothing was listed');
      bar.finish();
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
