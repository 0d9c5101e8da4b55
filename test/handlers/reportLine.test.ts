import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TextOutput } from '../../adapters/log/consoleLogSink.ts';
import type { ReportStore } from '../../app/ports.ts';
import { type ShardOfRun, writeRunReport } from '../../app/writeRunReport.ts';
import type { ApplianceView } from '../../core/types.ts';
import { reportLine } from '../../handlers/reportLine.ts';

class MemoryReports implements ReportStore {
  readonly reportDescription = 's3://bucket/state/_report/';
  readonly files = new Map<string, string>();
  fail = false;
  async writeReportFile(name: string, body: string): Promise<void> {
    if (this.fail) throw new Error('AccessDenied: secret text of the SDK');
    this.files.set(name, body);
  }
  async readReportFile(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }
}

const NOW = new Date('2026-11-24T12:00:00Z');
const views = new Map<string, ApplianceView>([
  ['hsm01', { status: 'missing', thresholdDays: 30 }],
  ['hsm02', { status: 'invalid', thresholdDays: 30 }],
]);

/** The Lambda's report step: the run's report written as a run writes it, then the line that tells of it. */
async function reportStep(input: {
  readonly store: ReportStore;
  readonly now: Date;
  readonly thresholdDays: number;
  readonly views: ReadonlyMap<string, ApplianceView>;
  readonly stopped: boolean;
  readonly shard?: ShardOfRun;
  readonly out: TextOutput;
}): Promise<boolean> {
  const { store, now, thresholdDays, views, stopped, shard, out } = input;
  const report = await writeRunReport(store, {
    now,
    thresholdDays,
    views,
    stopped,
    dryRun: false,
    ...(shard ? { shard } : {}),
  });
  return reportLine(report, now, out);
}

function lines(out: string[]): Array<Record<string, unknown>> {
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("the Lambda's report step", () => {
  test('a what-if run writes no report and says nothing of it', async () => {
    const store = new MemoryReports();
    const report = await writeRunReport(store, { now: NOW, thresholdDays: 30, views, stopped: false, dryRun: true });
    assert.deepEqual(report, { kind: 'skipped', reason: 'dry-run' });
    const out: string[] = [];
    assert.equal(reportLine(report, NOW, { write: (t) => out.push(t) }), true);
    assert.equal(store.files.size, 0);
    assert.deepEqual(out, []);
  });

  test('an unsplit run writes the report and says where', async () => {
    const store = new MemoryReports();
    const out: string[] = [];
    const ok = await reportStep({
      store,
      now: NOW,
      thresholdDays: 30,
      views,
      stopped: false,
      out: { write: (t) => out.push(t) },
    });
    assert.equal(ok, true);
    assert.deepEqual([...store.files.keys()].sort(), ['fleet-status.json', 'index.html']);
    assert.deepEqual(lines(out), [
      { time: '2026-11-24T12:00:00Z', event: 'report', location: 's3://bucket/state/_report/', appliances: 2 },
    ]);
  });

  test('a failure is one reportFailed line with its code, never the SDK text, and no exception', async () => {
    const store = new MemoryReports();
    store.fail = true;
    const out: string[] = [];
    const ok = await reportStep({
      store,
      now: NOW,
      thresholdDays: 30,
      views,
      stopped: false,
      out: { write: (t) => out.push(t) },
    });
    assert.equal(ok, false);
    const [line] = lines(out);
    assert.equal(line?.event, 'reportFailed');
    assert.equal(line?.errorCode, 'CM_ERR_REPORT');
    assert.match(String(line?.text), /^s3:\/\/bucket\/state\/_report\/fleet-status\.json could not be written: Error$/);
    assert.ok(!out.join('').includes('secret text'));
  });

  test('a run that stopped early leaves the last report as it was', async () => {
    const store = new MemoryReports();
    const out: string[] = [];
    assert.equal(
      await reportStep({
        store,
        now: NOW,
        thresholdDays: 30,
        views,
        stopped: true,
        out: { write: (t) => out.push(t) },
      }),
      true,
    );
    assert.equal(store.files.size, 0);
    assert.equal(lines(out)[0]?.event, 'reportSkipped');
  });

  test('a shard writes its part; the report comes with the last shard', async () => {
    const store = new MemoryReports();
    const out: string[] = [];
    const write = { write: (t: string) => out.push(t) };
    await reportStep({
      store,
      now: NOW,
      thresholdDays: 30,
      views,
      stopped: false,
      shard: { shard: 0, shards: 2 },
      out: write,
    });
    assert.deepEqual([...store.files.keys()].sort(), ['parts/2-0.json', 'parts/2-0.time']);
    assert.deepEqual(out, []);
    const other = new Map<string, ApplianceView>([['hsm03', { status: 'missing', thresholdDays: 30 }]]);
    await reportStep({
      store,
      now: NOW,
      thresholdDays: 30,
      views: other,
      stopped: false,
      shard: { shard: 1, shards: 2 },
      out: write,
    });
    assert.equal(lines(out)[0]?.event, 'report');
    const report = JSON.parse(store.files.get('fleet-status.json') ?? '{}') as {
      appliances: Array<{ appliance: string }>;
    };
    assert.deepEqual(
      report.appliances.map((a) => a.appliance),
      ['hsm01', 'hsm02', 'hsm03'],
    );
  });
});
