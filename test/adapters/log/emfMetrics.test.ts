import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmfMetrics } from '../../../adapters/log/emfMetrics.ts';

/** Captures what is written to stdout while `run` executes (Powertools writes EMF there). */
function captureStdout(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};

describe('EmfMetrics', () => {
  it('emits DaysToExpiry per appliance, counts per status and delivery totals in EMF', () => {
    delete process.env.POWERTOOLS_DEV;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const metrics = new EmfMetrics();
    const blobs = captureStdout(() => {
      metrics.recordOutcome({ appliance: 'hsm01', status: 'expiring', action: 'trap', daysRemaining: 12 });
      metrics.recordOutcome({ appliance: 'hsm02', status: 'missing', action: 'none' });
      metrics.recordRun({
        byStatus: { valid: 3, expiring: 1, missing: 1 },
        notifications: { sent: 1, failed: 2 },
        durationMs: 1234,
        trapHosts: { failing: 2 },
        stopped: true,
        inventoryProblems: 3,
        succeeded: false,
        failovers: 2,
      });
    });
    const days = blobs.filter((b) => 'DaysToExpiry' in b);
    assert.equal(days.length, 1);
    assert.equal(days[0]?.Appliance, 'hsm01');
    assert.equal(days[0]?.DaysToExpiry, 12);
    const meta = (days[0] as unknown as Emf)._aws.CloudWatchMetrics[0];
    assert.equal(meta?.Namespace, 'Certmonitor');
    assert.ok(meta?.Dimensions[0]?.includes('Appliance'));
    const statuses = blobs.filter((b) => 'Appliances' in b);
    assert.equal(statuses.length, 7);
    assert.equal(statuses.find((b) => b.Status === 'expiring')?.Appliances, 1);
    assert.equal(statuses.find((b) => b.Status === 'unavailable')?.Appliances, 0);
    const totals = blobs.find((b) => 'NotificationsFailed' in b);
    assert.equal(totals?.NotificationsFailed, 2);
    assert.equal(totals?.NotificationsSent, 1);
    assert.equal(totals?.RunDuration, 1234);
    assert.equal(totals?.TrapHostsFailing, 2, 'trap hosts failing for H or more');
    assert.equal(totals?.RunsStopped, 1);
    assert.equal(totals?.InventoryProblems, 3);
    assert.equal(totals?.RunsSucceeded, 0);
    assert.equal(totals?.GatewayFailovers, 2, 'requests that went on to a standby gateway');
    // The alarms of serverless.yml select these by the service dimension.
    assert.equal(totals?.service, 'certmonitor');
    const ok = captureStdout(() =>
      metrics.recordRun({ byStatus: {}, notifications: { sent: 0, failed: 0 }, durationMs: 1, succeeded: true }),
    ).find((b) => 'RunsSucceeded' in b);
    assert.equal(ok?.TrapHostsFailing, 0);
    assert.equal(ok?.RunsSucceeded, 1);
    assert.equal(ok?.InventoryProblems, 0);
    assert.equal(ok?.GatewayFailovers, 0);
  });
});
