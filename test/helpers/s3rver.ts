/**
 * Starts the real s3rver (an S3-compatible server) for tests, in a child process on a free loopback port
 * with its own temp directory. The child runs with `--openssl-legacy-provider` because s3rver 3.7.1's
 * ListObjectsV2 continuation tokens need it beyond 1,000 keys. Also a tiny fault-injecting proxy that sits
 * in front of it, for retry tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** s3rver's built-in credentials (any other key is refused). */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface S3rverHandle {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const CHILD = `
const S3rver = require('s3rver');
const buckets = JSON.parse(process.env.S3RVER_BUCKETS).map((name) => ({ name, configs: [] }));
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIR, configureBuckets: buckets })
  .run()
  .then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'))
  .catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });
`;

/** Starts s3rver with the given buckets; the project root must be the working directory's package. */
export async function startS3rver(buckets: readonly string[]): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'certmonitor-s3rver-'));
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    cwd: resolve(import.meta.dirname, '..', '..'),
    env: { ...process.env, S3RVER_DIR: dir, S3RVER_BUCKETS: JSON.stringify(buckets) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolvePort((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) =>
      reject(new Error(`s3rver exited with ${code} before listening (is the s3rver package installed?): ${stderr}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}

/** Puts objects with bounded concurrency (s3rver serves about 1,000 requests/s). */
export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: Iterable<readonly [key: string, body: string | Uint8Array]>,
  concurrency = 32,
): Promise<void> {
  const queue = [...objects];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const [key, body] = queue[next++]!;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The text of one object (the SDK's NoSuchKey error when it is absent). */
export async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await answer.Body?.transformToString('utf8')) ?? '';
}

/** Decides, per request, whether the proxy answers with a fault instead of forwarding. */
export type FaultDecider = (request: http.IncomingMessage) => { status: number; code: string } | undefined;

export interface FaultProxy {
  readonly endpoint: string;
  /** Requests seen, by method and path. */
  readonly seen: string[];
  stop(): Promise<void>;
}

/** An HTTP proxy in front of `target` that answers S3-style XML errors when `decide` says so. */
export async function startFaultProxy(target: string, decide: FaultDecider): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const fault = decide(request);
    if (fault) {
      request.resume();
      response.writeHead(fault.status, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message></Error>`,
      );
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
