/** Raised when state cannot be read or written for a reason other than a lost race; the message is safe to log. */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}
