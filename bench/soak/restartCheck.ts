/**
 * After the measured run: the gateway is started once more on the same state directory. A start compacts
 * the journal (docs/gateway.md, Delivery guarantees), so the file then shows what retention leaves — one
 * record per id within it, none of the seeded ids that passed it — whether or not a compaction on growth
 * happened during the run. A batch of ids sent during the run must come back as duplicates (the journal
 * outlived the process) and reach no receiver.
 */
import type { Notification } from '../../protocol/notification.ts';
import { postNotifications } from '../../test/helpers/gatewayClient.ts';
import { checkJournalFile, type JournalFileCheck } from './journalCheck.ts';
import { SOAK_KEY_ID, SOAK_SECRET, type SoakPeerPorts, startSoakGateway } from './soakGateway.ts';
import { metricValue } from './soakSampler.ts';

/** What the journal looked like before and after the restart, and how the restarted gateway answered. */
export interface RestartCheck {
  readonly before: JournalFileCheck;
  readonly after: JournalFileCheck;
  /** certmonitor_gateway_journal_records of the restarted gateway. */
  readonly recordsAfterRestart: number;
  readonly probeSent: number;
  readonly probeAnsweredDuplicate: number;
  readonly stopExitStatus: number | null;
}

/** Restarts the gateway in `dir` (stopped already), probes it with `probe`, stops it again. */
export async function restartCheck(
  dir: string,
  stateDir: string,
  ports: SoakPeerPorts,
  retentionMs: number,
  seedPrefix: string,
  probe: readonly Notification[],
): Promise<RestartCheck> {
  const before = checkJournalFile(stateDir, retentionMs, seedPrefix);
  const gw = await startSoakGateway(dir, ports);
  let recordsAfterRestart = -1;
  let probeAnsweredDuplicate = 0;
  let stopExitStatus: number | null = null;
  try {
    const r = await postNotifications(gw.url, [...probe], { keyId: SOAK_KEY_ID, secret: SOAK_SECRET });
    const results = (r.body as { results?: Array<{ duplicate: boolean }> } | undefined)?.results ?? [];
    probeAnsweredDuplicate = results.filter((x) => x.duplicate).length;
    recordsAfterRestart = metricValue(await (await fetch(gw.metricsUrl)).text(), 'certmonitor_gateway_journal_records');
  } finally {
    stopExitStatus = await gw.stop();
  }
  return {
    before,
    after: checkJournalFile(stateDir, retentionMs, seedPrefix),
    recordsAfterRestart,
    probeSent: probe.length,
    probeAnsweredDuplicate,
    stopExitStatus,
  };
}
