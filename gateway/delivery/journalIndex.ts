/**
 * The journal's in-memory index of completed ids (docs/design.md, Delivery guarantees: the journal's
 * memory): per id a 16-byte digest, the second it was accepted, and where its latest complete record
 * sits in the journal file. Open addressing with linear probing in typed arrays, so a million ids cost
 * tens of megabytes and no objects for the garbage collector; nothing is deleted in place (compaction
 * builds a new index without the expired ids).
 */
import { createHash } from 'node:crypto';

const DIGEST_WORDS = 4;
const MAX_LOAD = 0.7;
const MIN_CAPACITY = 1024;

/** The fixed-size key of an id: the first 16 bytes of its SHA-256, as four 32-bit words. */
export function digestOf(id: string): Uint32Array {
  const hash = createHash('sha256').update(id).digest();
  return Uint32Array.of(hash.readUInt32LE(0), hash.readUInt32LE(4), hash.readUInt32LE(8), hash.readUInt32LE(12));
}

/** Smallest power of two holding `count` ids below the load limit. */
function capacityFor(count: number): number {
  let capacity = MIN_CAPACITY;
  while (count >= capacity * MAX_LOAD) capacity *= 2;
  return capacity;
}

/** Digest → (acceptedAt seconds, byte offset, byte length) of the id's latest complete record. */
export class JournalIndex {
  /** Bytes one slot takes: digest 16, acceptedAt 4, offset 8 (files past 4 GiB), length 4. */
  static readonly BYTES_PER_SLOT = DIGEST_WORDS * 4 + 4 + 8 + 4;
  private keys: Uint32Array;
  private ats: Uint32Array;
  private offsets: Float64Array;
  private lengths: Uint32Array;
  private used = 0;

  /** An empty index with room for `expected` ids before it first grows. */
  constructor(expected = 0) {
    const capacity = capacityFor(expected);
    this.keys = new Uint32Array(capacity * DIGEST_WORDS);
    this.ats = new Uint32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.lengths = new Uint32Array(capacity);
  }

  /** Ids held. */
  get size(): number {
    return this.used;
  }

  /** Slots allocated (a power of two); iterate 0..capacity-1 with `isUsed`. */
  get capacity(): number {
    return this.lengths.length;
  }

  /** Bytes the typed arrays take. */
  get byteLength(): number {
    return this.capacity * JournalIndex.BYTES_PER_SLOT;
  }

  /** The slot holding `digest`, or -1. */
  find(digest: Uint32Array): number {
    const mask = this.capacity - 1;
    for (let slot = digest[0]! & mask; this.lengths[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.matches(slot, digest)) return slot;
    }
    return -1;
  }

  /** Adds `digest` or points it at a newer record. `length` must be positive (0 marks a free slot). */
  set(digest: Uint32Array, atSeconds: number, offset: number, length: number): void {
    if (this.used + 1 > this.capacity * MAX_LOAD) this.grow();
    const mask = this.capacity - 1;
    let slot = digest[0]! & mask;
    while (this.lengths[slot] !== 0 && !this.matches(slot, digest)) slot = (slot + 1) & mask;
    if (this.lengths[slot] === 0) {
      this.used++;
      this.keys.set(digest.subarray(0, DIGEST_WORDS), slot * DIGEST_WORDS);
    }
    this.ats[slot] = atSeconds;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  /** True when `slot` holds an id. */
  isUsed(slot: number): boolean {
    return this.lengths[slot] !== 0;
  }

  /** The digest stored in `slot` (a view: copy it before the index changes). */
  digestAt(slot: number): Uint32Array {
    return this.keys.subarray(slot * DIGEST_WORDS, (slot + 1) * DIGEST_WORDS);
  }

  /** When the id in `slot` was accepted, in Unix seconds. */
  atOf(slot: number): number {
    return this.ats[slot]!;
  }

  /** Byte offset of the id's complete record in the journal file. */
  offsetOf(slot: number): number {
    return this.offsets[slot]!;
  }

  /** Byte length of that record (without its newline). */
  lengthOf(slot: number): number {
    return this.lengths[slot]!;
  }

  private matches(slot: number, digest: Uint32Array): boolean {
    const k = slot * DIGEST_WORDS;
    const keys = this.keys;
    return keys[k] === digest[0] && keys[k + 1] === digest[1] && keys[k + 2] === digest[2] && keys[k + 3] === digest[3];
  }

  private grow(): void {
    const old = { keys: this.keys, ats: this.ats, offsets: this.offsets, lengths: this.lengths };
    const capacity = this.capacity * 2;
    this.keys = new Uint32Array(capacity * DIGEST_WORDS);
    this.ats = new Uint32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.used = 0;
    for (let slot = 0; slot < old.lengths.length; slot++) {
      if (old.lengths[slot] === 0) continue;
      const digest = old.keys.subarray(slot * DIGEST_WORDS, (slot + 1) * DIGEST_WORDS);
      this.set(digest, old.ats[slot]!, old.offsets[slot]!, old.lengths[slot]!);
    }
  }
}
