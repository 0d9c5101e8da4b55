import type { RunSummary } from './runSummary.ts';

/**
 * What a finished run left undone, in words, or undefined when it did everything: the Lambda fails such
 * an invocation and `check` exits 1. An inventory problem is not among them: a retry cannot fix the file
 * (it has its own metric and alarm).
 */
export function incompleteReason(summary: RunSummary): string | undefined {
  const reasons = [
    summary.notifications.failed > 0 ? `${summary.notifications.failed} due notification(s) not delivered` : '',
    summary.errors > 0 ? `${summary.errors} appliance(s) could not be processed` : '',
    summary.clientErrors ? `${summary.clientErrors} Luna client(s) could not be checked` : '',
    summary.byStatus.unavailable > 0
      ? `${summary.byStatus.unavailable} certificate(s) could not be read from the source`
      : '',
    summary.stopped ? 'the run stopped before the end of the fleet' : '',
  ].filter(Boolean);
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}
