/** Raised when a `fleet.json` inventory is not valid; the message names the key path and is safe to log. */
export class InventoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InventoryError';
  }
}
