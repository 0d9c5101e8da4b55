/**
 * A minimal zip reader (stored and deflated entries, no zip64), enough for the archives serverless writes;
 * it avoids depending on an `unzip` binary. Used by the Lambda package's tests and bench/lambda.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** One entry of a zip archive, read from its central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** The entries of a zip archive (directories left out), their data inflated. */
export function readZip(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`zip entry ${name}: unsupported method ${method}`);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
  }
  return entries;
}

/** Writes the entries under `dir` (as Lambda unpacks a function's code); an entry may not leave `dir`. */
export async function unpackZip(entries: readonly ZipEntry[], dir: string): Promise<void> {
  const root = resolve(dir);
  for (const entry of entries) {
    const target = resolve(root, entry.name);
    if (!target.startsWith(`${root}/`)) throw new Error(`zip entry ${entry.name} lies outside the target directory`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, entry.data);
  }
}
