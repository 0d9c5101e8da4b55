/**
 * The measured side of bench/fleet.ts, bundled with the product's esbuild options and run with plain
 * `node` (no TypeScript loader), so its speed and peak memory are those of the code that ships:
 * `--pipeline` runs one check over the fleet, `--raw` lists and reads every certificate object as fast as
 * the same concurrency allows. Each prints its figures as one JSON line.
 */
import './fleetChildHeap.ts';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createSource } from '../adapters/createSource.ts';
import { createStateStore } from '../adapters/createStateStore.ts';
import { createS3Client } from '../adapters/s3/s3Client.ts';
import type { StateStore } from '../app/ports.ts';
import { DEFAULT_CONCURRENCY, runCheck } from '../app/runCheck.ts';
import { DEFAULT_SETTINGS } from '../core/types.ts';

/** The bucket bench/fleet.ts seeds. */
export const BUCKET = 'fleet';
/** The evaluation instant of every run. */
export const NOW = new Date('2026-11-24T12:00:00Z');

/** The child side: one pipeline run, then its figures as one JSON line on stdout. */
async function pipelineChild(): Promise<void> {
  const source = await createSource(`s3://${BUCKET}/certs/`);
  const store = await createStateStore(`s3://${BUCKET}/state/`);
  let stateWrites = 0;
  let certificateReads = 0;
  const state: StateStore = {
    description: store.description,
    list: () => store.list(),
    load: (appliance) => store.load(appliance),
    save: (appliance, record, version) => {
      stateWrites++;
      return store.save(appliance, record, version);
    },
    loadInventoryReport: () => store.loadInventoryReport(),
    saveInventoryReport: (report, version) => store.saveInventoryReport(report, version),
    loadTrapHostReport: () => store.loadTrapHostReport(),
    saveTrapHostReport: (report, version) => store.saveTrapHostReport(report, version),
  };
  const counted: typeof source = {
    description: source.description,
    readInventory: () => source.readInventory(),
    list: () => source.list(),
    fetch: (appliance) => {
      certificateReads++;
      return source.fetch(appliance);
    },
  };
  const summary = await runCheck({
    source: counted,
    state,
    log: { write() {} },
    settings: DEFAULT_SETTINGS,
    now: NOW,
  });
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ summary, maxRssMb, stateWrites, certificateReads })}\n`);
}

/** Lists the prefix and reads every object body with `concurrency` requests in flight; resolves to objects/s. */
export async function rawGetRate(client: S3Client, concurrency: number): Promise<number> {
  const started = performance.now();
  const keys: AsyncIterator<string> = (async function* () {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: BUCKET, Prefix: 'certs/' })) {
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
    }
  })();
  let count = 0;
  const worker = async () => {
    for (let next = await keys.next(); !next.done; next = await keys.next()) {
      const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: next.value }));
      await response.Body?.transformToByteArray();
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - started) / 1000);
}

/** The child side of the raw measurement: list and read every certificate object, as fast as allowed. */
async function rawChild(): Promise<void> {
  const client = createS3Client();
  const perSecond = await rawGetRate(client, DEFAULT_CONCURRENCY);
  process.stdout.write(`${JSON.stringify({ perSecond })}\n`);
}

// The pipeline side has `check`'s heap settings already (fleetChildHeap.ts, imported first).
if (process.argv.includes('--pipeline')) await pipelineChild();
else if (process.argv.includes('--raw')) await rawChild();
