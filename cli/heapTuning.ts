/**
 * Memory tuning for the long runs (`check` over a fleet; docs/decisions.md, Memory of a fleet run).
 * A run streams the fleet and keeps about 20-25 MB live whatever its size (about 14 MB of it is loaded
 * code), but it allocates fast: every S3 request builds its middleware chain, signs, parses, and lives for
 * the request's round trip, so with 32 requests in flight much of it outlives the young generation and
 * dies in the old one. What the peak resident memory is made of is then V8's defaults, not the run's data:
 * - the young generation doubles each time it fills, up to 32 MB and more; kept at its initial size it
 *   costs more, shorter scavenges (an I/O-bound run does not notice). It never shrinks back, and loading
 *   the AWS SDK alone grows it to 8 MB on Node 24, so `check` sets this before its modules load
 *   (cli/program.ts);
 * - the old generation is allowed to grow to up to four times what survived the last full collection
 *   before the next one (a fast collector and an idle main thread earn the largest factor). With a live
 *   set of 20-25 MB that is close to 100 MB of heap, nearly all of it garbage. One and a half times what
 *   survived bounds it to about 35-40 MB; the full collections it takes more often each cost a few
 *   milliseconds over a live set this small.
 * Measured by bench/fleet.ts on Node 24, the real `check` of 10,000 appliances with its report step: about
 * 280 MB peak RSS with V8's defaults, 170-185 MB with the young generation kept and twice the live set,
 * and less again with one and a half times (bench/README.md has the figures). The flags only govern
 * growth, so they can be set after start-up, before the growth they are meant to stop.
 */
import { setFlagsFromString } from 'node:v8';

/** Percent the old generation may grow over what survived the last full collection (V8's largest is 300). */
const OLD_GENERATION_GROWTH_PERCENT = 50;

/**
 * Keeps the young generation at its initial size and the old generation within one and a half times its
 * live set, for the rest of the process's life.
 */
export function tuneHeapForFleetRun(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}
