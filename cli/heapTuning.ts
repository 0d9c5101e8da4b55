/**
 * Memory tuning for the long runs (`check` over a fleet). A run streams the fleet and keeps about 30 MB
 * live whatever its size, but it allocates fast (every S3 request, every state record), and V8's default
 * is to double the young generation each time it fills, up to 32 MB and more; the old generation then
 * grows with what survives between collections. Keeping the young generation at its initial size costs
 * more, shorter scavenges (an I/O-bound run does not notice) and takes the peak resident memory of a
 * 10,000-appliance run from about 170 MB to about 125 MB (bench/fleet.ts measures it). The flag only
 * governs growth, so it can be set after start-up.
 */
import { setFlagsFromString } from 'node:v8';

/** Stops the young generation from growing for the rest of the process's life. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
