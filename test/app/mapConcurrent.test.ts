import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapConcurrent } from '../../app/mapConcurrent.ts';

async function* numbers(count: number, onPull?: () => void) {
  for (let i = 0; i < count; i++) {
    onPull?.();
    yield i;
  }
}

test('processes every item with at most `limit` in flight', async () => {
  let inFlight = 0;
  let max = 0;
  const seen: number[] = [];
  await mapConcurrent(numbers(100), 7, async (n) => {
    inFlight++;
    max = Math.max(max, inFlight);
    await new Promise((resolve) => setTimeout(resolve, n % 3));
    seen.push(n);
    inFlight--;
  });
  assert.equal(max, 7);
  assert.deepEqual(
    seen.sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test('an error stops new items, lets started ones finish, and is rethrown; the stream is closed', async () => {
  let finished = 0;
  let pulled = 0;
  const items = numbers(1000, () => pulled++);
  await assert.rejects(
    mapConcurrent(items, 3, async (n) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (n === 5) throw new Error('boom');
      finished++;
    }),
    /boom/,
  );
  assert.ok(pulled < 20, `pulled ${pulled}`);
  assert.ok(finished >= 5);
  assert.deepEqual(await items.next(), { done: true, value: undefined });
});

test('shouldStop stops pulling and reports it', async () => {
  let started = 0;
  const result = await mapConcurrent(
    numbers(50),
    2,
    async () => {
      started++;
    },
    () => started >= 10,
  );
  assert.deepEqual(result, { stopped: true });
  assert.ok(started >= 10 && started <= 12);
});

test('a listing error is rethrown', async () => {
  async function* failing() {
    yield 1;
    throw new Error('listing failed');
  }
  await assert.rejects(
    mapConcurrent(failing(), 4, async () => {}),
    /listing failed/,
  );
});
