import type { RunSummary } from '../../app/runSummary.ts';

/** The summary of a run of three valid appliances that did everything and has nothing to fix. */
export const COMPLETE_RUN: RunSummary = {
  appliances: 3,
  byStatus: { valid: 3, expiring: 0, expired: 0, not_yet_valid: 0, invalid: 0, missing: 0, unavailable: 0 },
  notifications: { sent: 0, failed: 0 },
  trapHosts: { partial: 0, retried: 0, owed: 0, failing: 0 },
  errors: 0,
  stopped: false,
  inventoryProblems: 0,
  durationMs: 5,
};
