/** Waiting for a condition with a deadline (never a timing assertion: the deadline only ends a hung test). */

/** Polls `condition` every 10 ms; throws naming `what` if it is still false after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
