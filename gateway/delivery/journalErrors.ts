/**
 * What the journal refuses: a second compaction while one runs (the gateway schedules one at a time,
 * docs/gateway.md, Journal), and any use after it was closed.
 */

type ErrorOptions = { cause?: unknown };

/** A compaction was asked for while another one is under way. */
export class CompactionInProgressError extends Error {
  constructor(options?: ErrorOptions) {
    super('a journal compaction is already running', options);
    this.name = 'CompactionInProgressError';
  }
}

/** The journal was used after `close()`. */
export class JournalClosedError extends Error {
  constructor(options?: ErrorOptions) {
    super('the journal is closed', options);
    this.name = 'JournalClosedError';
  }
}
