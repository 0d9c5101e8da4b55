/** What the run makes of the gateway's results for the newer kinds (docs/gateway.md, Newer notifications). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecidedAppliance } from '../../app/decidedAppliance.ts';
import { incompleteReason } from '../../app/incompleteReason.ts';
import type { DeliveryResult } from '../../app/ports.ts';
import { readDeliveryResults } from '../../app/readDeliveryResults.ts';
import { counted, NO_COUNTS } from '../../app/runCounts.ts';
import { summaryOf } from '../../app/runSummary.ts';
import type { LogEntry } from '../../core/types.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';

const finding: NotificationV2 = {
  id: 'hsm01:AB:finding:weak_key',
  appliance: 'hsm01',
  address: '10.0.0.5',
  event: 'finding',
  finding: 'weak_key',
  observedAt: '2026-11-24T12:00:00Z',
};
const critical: NotificationV2 = { ...finding, id: 'hsm01:AB:expiring', event: 'expiring', severity: 'critical' };
delete (critical as { finding?: string }).finding;

/** An appliance whose decision is these notifications (only what reading results looks at). */
const decided = (notifications: NotificationV2[]) =>
  ({
    input: { appliance: 'hsm01' },
    decision: { notifications, retries: [] },
    context: {},
  }) as unknown as DecidedAppliance;

function read(notifications: NotificationV2[], results: DeliveryResult[]) {
  const lines: LogEntry[] = [];
  const seen = {
    log: { write: (e: LogEntry) => lines.push(e) },
    hosts: { failed: new Set<string>(), ok: new Set<string>() },
  };
  const out = readDeliveryResults(decided(notifications), new Map(results.map((r) => [r.id, r])), seen);
  return { ...out, lines };
}

describe('readDeliveryResults with the newer kinds', () => {
  it('a notification a gateway without /v2 could not take is not delivered, and the run is not complete', () => {
    const { events, outcomes, lines } = read(
      [finding],
      [{ id: finding.id, delivered: false, traps: [], error: 'gateway has no /v2/notifications', gatewayTooOld: true }],
    );
    assert.deepEqual(events, [{ kind: 'due', delivery: 'failed' }]);
    assert.equal(outcomes.size, 0);
    assert.deepEqual(lines, []);
    const counts = events.reduce(counted, NO_COUNTS);
    const summary = summaryOf(counts, {
      stopped: false,
      inventoryProblems: 0,
      durationMs: 1,
      failing: 0,
      dryRun: false,
      forwarding: true,
    });
    assert.equal(incompleteReason(summary), '1 due notification(s) not delivered');
  });

  it("a newer kind's trap outcomes are eventTrapSent / eventTrapFailed naming the kind; an NTLS one's stay Luna's", () => {
    const traps = [
      { host: 'nms1', ok: true },
      { host: 'nms2', ok: false, error: 'timeout' },
    ];
    const { lines } = read(
      [finding, critical],
      [
        { id: finding.id, delivered: false, traps },
        { id: critical.id, delivered: false, traps },
      ],
    );
    assert.deepEqual(
      lines.map((l) => l.text),
      [
        'Certificate finding SNMP trap sent to trap host nms1',
        'Failed to send certificate finding SNMP trap to trap host nms2',
        'NTLS certificate expiry SNMP trap sent to trap host nms1',
        'Failed to send NTLS certificate expiry SNMP trap to trap host nms2',
      ],
    );
  });
});
