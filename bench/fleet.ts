/**
 * Fleet benchmark: one `check` run over 10,000 appliances whose certificates live on a local
 * S3-compatible server (s3rver), compared with the raw GetObject rate of the same server at the same
 * concurrency, measured in the same run (raw before and after the pipeline runs, averaged, so a server
 * that warms up or slows down is not credited to either side).
 *
 * The pipeline runs in a child process so its peak RSS is its own. Two pipeline runs are measured: the
 * first (every state record is created) and the steady state (a typical scheduled run: state read,
 * written only where something changed). State lives on the same S3 server, as in the Lambda.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../adapters/awsClients.ts';
import { DEFAULT_CONCURRENCY } from '../app/runCheck.ts';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';
import { putObjects, S3RVER_CREDENTIALS, startS3rver } from '../test/helpers/s3rver.ts';

const APPLIANCES = Number(process.env.BENCH_APPLIANCES ?? 10_000);
const BUCKET = 'fleet';
const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;

/** The child side: one pipeline run, then its figures as one JSON line on stdout. */
async function pipelineChild(): Promise<void> {
  const { runCheck } = await import('../app/runCheck.ts');
  const { createSource } = await import('../adapters/createSource.ts');
  const { createStateStore } = await import('../adapters/createStateStore.ts');
  const { DEFAULT_SETTINGS } = await import('../core/types.ts');
  const source = await createSource(`s3://${BUCKET}/certs/`);
  const state = await createStateStore(`s3://${BUCKET}/state/`);
  const summary = await runCheck({ source, state, log: { write() {} }, settings: DEFAULT_SETTINGS, now: NOW });
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ summary, maxRssMb })}\n`);
}

/** Lists the prefix and reads every object body with `concurrency` requests in flight; resolves to objects/s. */
async function rawGetRate(client: S3Client, concurrency: number): Promise<number> {
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

/** Runs the pipeline child once against the server and returns its figures. */
function pipelineRun(endpoint: string): { seconds: number; perSecond: number; maxRssMb: number; summary: unknown } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--pipeline'], {
    env: { ...process.env, ...S3RVER_CREDENTIALS, AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 5 * 60_000,
  });
  if (child.status !== 0) throw new Error(`pipeline run failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
  const { summary, maxRssMb } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
    summary: { appliances: number; durationMs: number };
    maxRssMb: number;
  };
  const seconds = summary.durationMs / 1000;
  return { seconds, perSecond: summary.appliances / seconds, maxRssMb, summary };
}

/** Benchmark entry point: figures for bench/results/fleet.json. */
export async function run(): Promise<Record<string, number | string>> {
  const server = await startS3rver([BUCKET]);
  try {
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: server.endpoint, AWS_REGION: 'us-east-1' } });
    Object.assign(process.env, S3RVER_CREDENTIALS);
    // A realistic mix: mostly valid, some expiring, a few expired and corrupt. Certificates are reused
    // across appliances (signing 10,000 would only time node-forge).
    const keys = makeDemoKeys();
    const templates = Array.from({ length: 100 }, (_, i) => {
      const daysLeft = i < 2 ? -3 : i < 5 ? 10 : 200 + i;
      return makeCertificatePem(keys, {
        commonName: `hsm-template-${i}`,
        notBefore: new Date(NOW.getTime() - 365 * DAY),
        notAfter: new Date(NOW.getTime() + daysLeft * DAY),
      });
    });
    const objects = function* (): Generator<readonly [string, string]> {
      for (let i = 0; i < APPLIANCES; i++) {
        const name = `hsm${String(i).padStart(5, '0')}`;
        const body = i % 997 === 0 ? 'not a certificate' : templates[i % templates.length]!;
        yield [`certs/${name}/server.pem`, body];
      }
    };
    const seedStarted = performance.now();
    await putObjects(client, BUCKET, objects(), 32);
    process.stderr.write(
      `fleet: seeded ${APPLIANCES} objects in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );

    // One unmeasured pass first: the server's first read of each object is slower than the rest.
    await rawGetRate(client, DEFAULT_CONCURRENCY);
    const rawBefore = await rawGetRate(client, DEFAULT_CONCURRENCY);
    const first = pipelineRun(server.endpoint);
    const steady = pipelineRun(server.endpoint);
    const rawAfter = await rawGetRate(client, DEFAULT_CONCURRENCY);
    const raw = (rawBefore + rawAfter) / 2;
    const result = {
      appliances: APPLIANCES,
      concurrency: DEFAULT_CONCURRENCY,
      stateBackend: 's3 (same server)',
      seconds: Number(steady.seconds.toFixed(2)),
      rawGetPerSecond: Math.round(raw),
      rawGetPerSecondBefore: Math.round(rawBefore),
      rawGetPerSecondAfter: Math.round(rawAfter),
      pipelinePerSecond: Math.round(steady.perSecond),
      efficiency: Number((steady.perSecond / raw).toFixed(3)),
      peakRssMb: Math.round(Math.max(first.maxRssMb, steady.maxRssMb)),
      firstRunSeconds: Number(first.seconds.toFixed(2)),
      firstRunPerSecond: Math.round(first.perSecond),
      firstRunEfficiency: Number((first.perSecond / raw).toFixed(3)),
    };
    return result;
  } finally {
    await server.stop();
  }
}

if (process.argv.includes('--pipeline')) {
  await pipelineChild();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  writeFileSync(new URL('./results/fleet.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
