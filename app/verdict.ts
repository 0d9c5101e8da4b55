/**
 * What a finished run means for whoever runs it (docs/monitoring.md, Failure handling): what it left undone, which a
 * retry or the next run can do (the Lambda fails such an invocation), and what someone must fix that no
 * retry can (`check` exits 1 for either; on Lambda each has its own metric and alarm). A run that
 * evaluated no appliance failed outright, wherever it ran.
 */
import type { EmptyRunError } from './errors.ts';
import { incompleteReason } from './incompleteReason.ts';
import type { RunSummary } from './runSummary.ts';

/** Something to fix beyond a retry: the inventory, a trap host failing for at least H, the fleet report. */
export type Attention = 'inventory' | 'trapHosts' | 'report';

/** The verdict on one run. */
export interface Verdict {
  /** What the run left undone, in words (app/incompleteReason.ts); absent when it did everything. */
  readonly incomplete?: string;
  /** What someone must fix; empty when nothing. */
  readonly attention: readonly Attention[];
  /** Present when the run evaluated no appliance and an empty fleet was not declared: the run failed. */
  readonly empty?: EmptyRunError;
}

/**
 * The verdict on a run from its summary, whether its report could be written, and, when it evaluated no
 * appliance without an empty fleet being declared, the error that says so.
 */
export function verdictOf(summary: RunSummary, reportFailed = false, empty?: EmptyRunError): Verdict {
  const incomplete = incompleteReason(summary);
  const attention: Attention[] = [];
  if (summary.inventoryProblems > 0) attention.push('inventory');
  if (summary.trapHosts.failing > 0) attention.push('trapHosts');
  if (reportFailed) attention.push('report');
  return { ...(incomplete === undefined ? {} : { incomplete }), attention, ...(empty ? { empty } : {}) };
}
