/** Bounded-concurrency consumption of an async stream, without buffering it. */

/**
 * Runs `fn` on each item of `items` with at most `limit` calls in flight, pulling the next item only when
 * a worker is free: a listing of 100,000 names is never held in memory. Stops pulling once `shouldStop`
 * says so (the items already started finish). `fn` should handle its own errors; if it (or the stream)
 * throws, no new item is started, the calls in flight finish, and the first error is rethrown.
 */
export async function mapConcurrent<T>(
  items: AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<{ stopped: boolean }> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('mapConcurrent: limit must be a positive integer');
  const iterator = items[Symbol.asyncIterator]();
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;

  async function worker(): Promise<void> {
    while (!finished && failure === undefined) {
      if (shouldStop()) {
        stopped = true;
        finished = true;
        return;
      }
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done) {
        finished = true;
        return;
      }
      try {
        await fn(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  }

  await Promise.all(Array.from({ length: limit }, worker));
  if (failure !== undefined || stopped) await iterator.return?.();
  if (failure !== undefined) throw failure.error;
  return { stopped };
}
