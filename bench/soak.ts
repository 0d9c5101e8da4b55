/**
 * Soak (bench/README.md, Soak): the built gateway as a child process under a steady mixed load for 30
 * minutes (fresh ids, duplicates, bad signatures, oversize bodies), a trap host that flaps and an rsyslog
 * restarted every 5 minutes, sampled every 10 s; then fitted slopes after the warm-up, a restart that
 * shows the compacted journal, and a count at the receivers. Writes bench/results/soak-<date>.json and the
 * Soak figures in bench/README.md; exits 1 when a target is missed. Not part of `npm run bench`.
 * Run: node --import tsx bench/soak.ts [--minutes 30] [--scale F] [--load F] [--no-readme] [--no-build]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Notification } from '../protocol/notification.ts';
import { SEED_PREFIX, seedJournal } from './soak/journalSeed.ts';
import { idsInformsMayDouble, type RequestSpan, tallySyslog, tallyTraps } from './soak/receiverCheck.ts';
import { type RestartCheck, restartCheck } from './soak/restartCheck.ts';
import {
  buildDist,
  FLAPPING_HOST,
  FLAPPING_INFORM,
  RETENTION_DAYS,
  SOAK_KEY_ID,
  SOAK_SECRET,
  type SoakGateway,
  type SoakPeerPorts,
  STEADY_HOST,
  startSoakGateway,
} from './soak/soakGateway.ts';
import { SoakLoad } from './soak/soakLoad.ts';
import { parseSoakOptions, type SoakOptions } from './soak/soakOptions.ts';
import { type Disruptions, type SoakPeers, startDisruptions, startSoakPeers } from './soak/soakPeers.ts';
import { writeSoakReadme } from './soak/soakReadme.ts';
import { readmeFigures, summarise } from './soak/soakResults.ts';
import { type SoakSample, takeSample } from './soak/soakSampler.ts';
import type { SoakEvidence } from './soak/soakSummary.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const HOSTS = [STEADY_HOST, FLAPPING_HOST];
const RETENTION_MS = RETENTION_DAYS * 86_400_000;
/** After the flapping host comes back, an interval still counts as disturbed for this long (its inform timeout). */
const SETTLE_SECONDS = ((FLAPPING_INFORM.retries + 1) * FLAPPING_INFORM.timeoutMs) / 1000 + 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the load phase produced. */
interface LoadPhase {
  readonly samples: SoakSample[];
  readonly final: SoakSample;
  readonly disruptions: Disruptions;
  readonly load: SoakLoad;
  readonly unacknowledgedAfterDrain: number;
  readonly gatewayExitDuringRun: string | undefined;
  readonly startedAt: string;
  readonly loadSeconds: number;
  /** performance.now() at the start of the load. */
  readonly t0: number;
}

/** Waits until `count()` has not changed for `quietMs` (the receivers logged what was coming), at most `maxMs`. */
async function settle(count: () => number, quietMs: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  let last = count();
  let since = Date.now();
  while (Date.now() < until && Date.now() - since < quietMs) {
    await sleep(250);
    const now = count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/** One progress line per sample on stderr. */
function progress(s: SoakSample, load: SoakLoad, disruptions: Disruptions): void {
  const down = disruptions.flaps.some((w) => w.up === undefined) ? ' flaky=down' : '';
  process.stderr.write(
    `soak: t=${Math.round(s.t)}s rss=${s.rssMb}MB heap=${s.heapUsedMb}MB fds=${s.fds} ` +
      `journal=${s.journalBytes}B/${s.journalRecords} p50=${s.p50Ms} p99=${s.p99Ms}ms req=${s.requests} ` +
      `unacked=${load.unacknowledged.size}${down}\n`,
  );
}

/** The load phase: sends, disrupts and samples for `o.minutes`, then sends unacknowledged ids until none is left. */
async function runLoad(
  o: SoakOptions,
  gw: SoakGateway,
  peers: SoakPeers,
  seeds: readonly Notification[],
  seedExpiresAtSeconds: number,
): Promise<LoadPhase> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const load = new SoakLoad({
    url: gw.url,
    keyId: SOAK_KEY_ID,
    secret: SOAK_SECRET,
    rates: o.rates,
    retryEverySeconds: o.retryEverySeconds,
    hosts: HOSTS,
    seeds,
    // Duplicates of seeded ids stop well before they expire, so none is in flight as the journal forgets it.
    seedUsableUntil: t0 + Math.max(0, seedExpiresAtSeconds - 30 * o.scale) * 1000,
  });
  load.start();
  const disruptions = startDisruptions(peers, o, t0);
  const samples: SoakSample[] = [];
  const endAt = t0 + o.minutes * 60_000;
  while (performance.now() < endAt - 1000 && gw.exit() === undefined) {
    await sleep(Math.min(o.sampleSeconds * 1000, endAt - performance.now()));
    if (gw.exit() !== undefined) break;
    const t = (performance.now() - t0) / 1000;
    samples.push(await takeSample(t, gw.pid, gw.metricsUrl, gw.stateDir, load.takeInterval()));
    progress(samples.at(-1)!, load, disruptions);
  }
  const gatewayExitDuringRun = gw.exit();
  const loadSeconds = (performance.now() - t0) / 1000;
  await load.stop();
  await disruptions.stop();
  const unacknowledgedAfterDrain = gatewayExitDuringRun ? load.unacknowledged.size : await load.drain(2000, 120_000);
  const total = () => peers.steady.lines().length + peers.flapping.lines().length + peers.rsyslog.lines().length;
  await settle(total, 3000, 30_000);
  const t = (performance.now() - t0) / 1000;
  const final = await takeSample(t, gw.pid, gw.metricsUrl, gw.stateDir, load.takeInterval());
  return {
    samples,
    final,
    disruptions,
    load,
    unacknowledgedAfterDrain,
    gatewayExitDuringRun,
    startedAt,
    loadSeconds,
    t0,
  };
}

/** Sums the counts of the gateway's `syslogDropped` lines on its stderr (every minute and at shutdown). */
function droppedFromStderr(stderr: string): number {
  let n = 0;
  for (const m of stderr.matchAll(/Dropped (\d+) syslog message/g)) n += Number(m[1]);
  return n;
}

/** The load's requests in seconds since the start of the run. */
function requestSpans(phase: LoadPhase): RequestSpan[] {
  const seconds = (at: number) => (at - phase.t0) / 1000;
  return phase.load.requestLog.map((r) => ({ start: seconds(r.start), end: seconds(r.end), ids: r.ids }));
}

/** Appliances whose id an inform receiver may rightly have logged twice. */
function appliancesInformsMayDouble(phase: LoadPhase): Set<string> {
  const timeout = FLAPPING_INFORM.timeoutMs / 1000;
  const ids = idsInformsMayDouble(requestSpans(phase), phase.load.everFailed, timeout);
  return new Set([...ids].map((id) => phase.load.sent.get(id)?.appliance ?? id));
}

/** What the targets are judged on: the series, the receivers' logs, the journal before and after the restart. */
function gatherEvidence(
  o: SoakOptions,
  phase: LoadPhase,
  peers: SoakPeers,
  restart: RestartCheck,
  stderr: string,
  seedExpiresAtSeconds: number,
): SoakEvidence {
  const appliances = new Set([...phase.load.sent.values()].map((n) => n.appliance));
  const mayDouble = appliancesInformsMayDouble(phase);
  return {
    samples: phase.samples,
    final: { ...phase.final, syslogDropped: Math.max(phase.final.syslogDropped, droppedFromStderr(stderr)) },
    warmupSeconds: o.warmupMinutes * 60,
    sampleSeconds: o.sampleSeconds,
    flaps: phase.disruptions.flaps,
    settleSeconds: SETTLE_SECONDS,
    seedExpiresAtSeconds,
    restart,
    idsSent: phase.load.sent.size,
    traps: {
      [STEADY_HOST]: tallyTraps(peers.steady.lines(), appliances, mayDouble),
      [FLAPPING_HOST]: tallyTraps(peers.flapping.lines(), appliances, mayDouble),
    },
    unacknowledgedAfterDrain: phase.unacknowledgedAfterDrain,
    forgotten: phase.load.forgotten,
    syslog: tallySyslog(peers.rsyslog.lines(), appliances, HOSTS),
    gatewayExit: phase.gatewayExitDuringRun,
    internalErrors: (stderr.match(/internal error/g) ?? []).length,
  };
}

/** Up to `n` of the ids sent, spread over the run (the restarted gateway must know them all). */
function spreadSample(sent: ReadonlyMap<string, Notification>, n: number): Notification[] {
  const all = [...sent.values()];
  const step = Math.max(1, Math.floor(all.length / n));
  return all.filter((_, i) => i % step === 0).slice(0, n);
}

/** Writes the results file and, unless told not to, the README's Soak figures; prints the targets. */
function report(o: SoakOptions, phase: LoadPhase, evidence: SoakEvidence, stopStatus: number | null): boolean {
  const summary = summarise(
    o,
    {
      startedAt: phase.startedAt,
      loadSeconds: phase.loadSeconds,
      load: phase.load,
      flaps: phase.disruptions.flaps,
      rsyslogRestarts: phase.disruptions.rsyslogRestarts,
      gatewayStopStatus: stopStatus,
      t0: phase.t0,
    },
    evidence,
  );
  const name = `soak-${phase.startedAt.slice(0, 10)}${o.minutes === 30 ? '' : `-${o.minutes}min`}.json`;
  const results = { summary, series: phase.samples, final: evidence.final };
  writeFileSync(join(HERE, 'results', name), `${JSON.stringify(results, null, 2)}\n`);
  if (o.writeReadme) {
    writeSoakReadme(join(HERE, 'README.md'), {
      date: phase.startedAt,
      resultsFile: `results/${name}`,
      description: `${o.minutes} min (warm-up ${summary.run.warmupMinutes} min, periods ×${summary.run.scale}, load ×${o.load}) on Node ${process.version}, ${cpus().length} cores`,
      figures: readmeFigures(summary),
      targets: summary.targets,
    });
  }
  for (const t of summary.targets) process.stdout.write(`${t.pass ? 'pass' : 'FAIL'}  ${t.name}: ${t.value}\n`);
  process.stdout.write(`soak: results in bench/results/${name}\n`);
  return summary.pass;
}

async function main(): Promise<number> {
  const o = parseSoakOptions(process.argv.slice(2));
  if (o.build) buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-soak-'));
  const stateDir = join(dir, 'state');
  const peers = await startSoakPeers();
  const ports: SoakPeerPorts = {
    steadyTrapPort: peers.steady.port,
    flappingTrapPort: peers.flapping.port,
    syslogTcpPort: peers.rsyslog.tcpPort!,
  };
  let gw: SoakGateway | undefined;
  try {
    // The seeded ids pass the retention period just after the warm-up.
    const seeds = seedJournal(stateDir, RETENTION_MS, (o.seedExpiresAtSeconds + 5) * 1000, HOSTS, o.seedIds);
    const seededAt = performance.now();
    gw = await startSoakGateway(dir, ports);
    process.stderr.write(
      `soak: gateway pid ${gw.pid} at ${gw.url}; ${o.minutes} min, warm-up ${o.warmupMinutes} min\n`,
    );
    const seedExpiresAtSeconds = o.seedExpiresAtSeconds + 5 - (performance.now() - seededAt) / 1000;
    const phase = await runLoad(o, gw, peers, seeds, seedExpiresAtSeconds);
    const stopStatus = await gw.stop();
    const stderr = readFileSync(gw.stderrFile, 'utf8');
    const probe = spreadSample(phase.load.sent, 100);
    const restart = await restartCheck(dir, stateDir, ports, RETENTION_MS, SEED_PREFIX, probe);
    const total = () => peers.steady.lines().length + peers.flapping.lines().length + peers.rsyslog.lines().length;
    await settle(total, 2000, 10_000);
    const evidence = gatherEvidence(o, phase, peers, restart, stderr, seedExpiresAtSeconds);
    return report(o, phase, evidence, stopStatus) ? 0 : 1;
  } finally {
    await gw?.stop();
    await peers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
