/**
 * Gateway throughput: notifications posted as signed HTTP batches, turned into SNMPv2c traps and counted
 * at Debian's snmptrapd (zero lost is part of the result), side by side in one run with the shell way of
 * sending one trap per `snmptrap` process. Also the p99 latency of a 500-notification request.
 * Run: node --import tsx bench/gateway.ts (writes bench/results/gateway.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildGatewayConfig } from '../gateway/config/gatewayConfig.ts';
import { startGateway } from '../gateway/gatewayRuntime.ts';
import { postNotifications } from '../test/helpers/gatewayClient.ts';
import { startSnmptrapd } from '../test/helpers/snmptrapd.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOTAL = 20_000;
const BATCH = 500;
const CONCURRENT_REQUESTS = 4;
/** Trap pacing per host: snmptrapd keeps up with about 10,000 paced traps/s on an idle machine of this kind. */
const PACE_PER_SECOND = 6000;
const FORKS = 200;
const SECRET = 'bench-secret';
const OID = '1.3.6.1.4.1.23629.1.5.2.2.6';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function waitCount(count: () => number, n: number, idleMs: number): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  while (count() < n) {
    const c = count();
    if (c !== last) {
      last = c;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleMs) {
      return; // nothing more is coming: the rest was lost
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-bench-gw-'));
  writeFileSync(join(dir, 'gw.secret'), SECRET);
  // A 4 MiB socket buffer (the kernel's usual rmem_max) rides out moments when snmptrapd is short of CPU.
  const trapd = await startSnmptrapd({ recvBufferBytes: 4 * 1024 * 1024 });
  try {
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: 0 },
        auth: { keys: [{ id: 'bench', secretFile: './gw.secret' }] },
        rateLimit: { perClient: { perSecond: 10_000, burst: 10_000 }, perKey: { perSecond: 10_000, burst: 10_000 } },
        trapHosts: [
          {
            name: 'nms',
            host: '127.0.0.1',
            port: trapd.port,
            version: '2c',
            community: 'public',
            maxPerSecond: PACE_PER_SECOND,
          },
        ],
        syslog: [{ file: './lunalogs' }],
        stateDir: './state',
        hostname: 'bench',
      },
      dir,
      {},
    );
    const gw = await startGateway(config, { stderr: undefined });
    const batches = Array.from({ length: TOTAL / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        return {
          id: `hsm${n}:FP:expiring:2026-11-24T12`,
          appliance: `hsm${n}`,
          address: '10.0.0.5',
          event: 'expiring',
          notAfter: '2027-07-06T05:04:03Z',
          observedAt: '2026-11-24T12:00:00Z',
        };
      }),
    );
    const latencies: number[] = [];
    let failedTraps = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_REQUESTS }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const t0 = performance.now();
          const r = await postNotifications(gw.url, batch, { keyId: 'bench', secret: SECRET });
          latencies.push(performance.now() - t0);
          if (r.status !== 200) throw new Error(`gateway answered ${r.status}: ${r.text}`);
          for (const res of (r.body as { results: Array<{ traps: Array<{ ok: boolean }> }> }).results) {
            failedTraps += res.traps.filter((t) => !t.ok).length;
          }
        }
      }),
    );
    await waitCount(() => trapd.lines().length, TOTAL, 2000);
    const received = trapd.lines().length;
    const elapsedS = (performance.now() - started) / 1000;
    await gw.stop();

    // The alternative: one snmptrap process per trap, as a shell loop around the CLI does.
    const before = trapd.lines().length;
    const f0 = performance.now();
    for (let i = 0; i < FORKS; i++) {
      const r = spawnSync(
        'snmptrap',
        [
          '-v',
          '2c',
          '-c',
          'public',
          `127.0.0.1:${trapd.port}`,
          '',
          OID,
          `${OID.slice(0, -2)}.1`,
          's',
          `[fork${i}:10.0.0.5 / x / 1]`,
        ],
        { stdio: 'ignore', env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' } },
      );
      if (r.status !== 0) throw new Error('snmptrap failed (apt-get install snmp)');
    }
    const forkS = (performance.now() - f0) / 1000;
    await waitCount(() => trapd.lines().length - before, FORKS, 2000);
    const forkReceived = trapd.lines().length - before;

    latencies.sort((a, b) => a - b);
    const trapsPerSecond = received / elapsedS;
    const snmptrapForkPerSecond = forkReceived / forkS;
    const round = (n: number, d = 1) => Number(n.toFixed(d));
    return {
      input: `${TOTAL} expiring notifications in signed batches of ${BATCH}, ${CONCURRENT_REQUESTS} requests in flight, v2c traps paced at ${PACE_PER_SECOND}/s to snmptrapd, lunalogs file sink, fsynced journal`,
      sent: TOTAL,
      received,
      lost: TOTAL - received,
      failedTraps,
      trapsPerSecond: Math.round(trapsPerSecond),
      snmptrapForks: FORKS,
      snmptrapForkReceived: forkReceived,
      snmptrapForkPerSecond: round(snmptrapForkPerSecond),
      vsSnmptrapFork: round(trapsPerSecond / snmptrapForkPerSecond),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      node: process.version,
    };
  } finally {
    await trapd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  writeFileSync(join(HERE, 'results/gateway.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
