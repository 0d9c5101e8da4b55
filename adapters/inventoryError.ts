/**
 * Raised when a `fleet.json` inventory cannot be used; the message names the key path or the read failure
 * and is safe to log. `invalidContent` tells a configuration error (the file says something wrong: the
 * operator must fix it) from a failure to read it (network, permissions: the next run may succeed).
 */
export class InventoryError extends Error {
  readonly invalidContent: boolean;

  constructor(message: string, options?: { cause?: unknown; invalidContent?: boolean }) {
    super(message, options);
    this.name = 'InventoryError';
    this.invalidContent = options?.invalidContent ?? false;
  }
}
