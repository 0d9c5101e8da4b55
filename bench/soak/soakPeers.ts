/**
 * The receivers of the soak, all real Debian daemons on loopback: a steady `snmptrapd` (v2c traps), a
 * second `snmptrapd` that flaps (down for a while, periodically: v2c informs to it then fail), and
 * `rsyslogd` over TCP, restarted periodically. Every stop and start is recorded with its time.
 */
import { type RunningRsyslog, startRsyslog } from '../../test/helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../../test/helpers/snmptrapd.ts';
import type { SoakOptions } from './soakOptions.ts';

/** The three receivers. */
export interface SoakPeers {
  readonly steady: RunningSnmptrapd;
  readonly flapping: RunningSnmptrapd;
  readonly rsyslog: RunningRsyslog;
  stop(): Promise<void>;
}

/**
 * When the flapping host was down, in seconds since the run started: its stop began at `down` and was
 * complete at `stopped`; its start began at `starting` and it was receiving again at `up` (absent while
 * it still is down).
 */
export interface DownWindow {
  readonly down: number;
  stopped?: number;
  starting?: number;
  up?: number;
}

/** What the disruption schedule did, and how to end it with every receiver up. */
export interface Disruptions {
  readonly flaps: DownWindow[];
  /** Seconds since the start at which rsyslog was restarted. */
  readonly rsyslogRestarts: number[];
  /** Stops the schedule and brings the flapping host back up if it is down. */
  stop(): Promise<void>;
}

/** Starts the three receivers. */
export async function startSoakPeers(): Promise<SoakPeers> {
  // A 4 MiB socket buffer (the kernel's usual rmem_max) rides out moments when snmptrapd is short of CPU.
  const steady = await startSnmptrapd({ recvBufferBytes: 4 * 1024 * 1024 });
  const flapping = await startSnmptrapd({ recvBufferBytes: 4 * 1024 * 1024 });
  const rsyslog = await startRsyslog({ tcp: true });
  return {
    steady,
    flapping,
    rsyslog,
    async stop() {
      await Promise.allSettled([steady.stop(), flapping.stop(), rsyslog.stop()]);
    },
  };
}

/**
 * Runs the schedule: the flapping host is up for `flapEvery − flapDown` seconds, then down for
 * `flapDown`, again and again; rsyslog is restarted every `rsyslogEvery` seconds. `t0` is the run's
 * start (performance.now()).
 */
export function startDisruptions(peers: SoakPeers, o: SoakOptions, t0: number): Disruptions {
  const flaps: DownWindow[] = [];
  const rsyslogRestarts: number[] = [];
  const since = () => (performance.now() - t0) / 1000;
  let stopped = false;
  // One chain per receiver, so a stop and a start never overlap.
  let flapChain: Promise<void> = Promise.resolve();
  let syslogChain: Promise<void> = Promise.resolve();
  const timers: NodeJS.Timeout[] = [];
  // Ends a down window early (at the end of the run); the chain then brings the host up.
  let wake: (() => void) | undefined;
  const flapOnce = () => {
    flapChain = flapChain.then(async () => {
      if (stopped) return;
      const window: DownWindow = { down: since() };
      flaps.push(window);
      await peers.flapping.down();
      window.stopped = since();
      // Stopped while going down: come straight back up.
      if (!stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.flapDownSeconds * 1000);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      wake = undefined;
      window.starting = since();
      await peers.flapping.up();
      window.up = since();
    });
  };
  const restartSyslog = () => {
    syslogChain = syslogChain.then(async () => {
      if (stopped) return;
      rsyslogRestarts.push(since());
      await peers.rsyslog.restart();
    });
  };
  const firstDown = (o.flapEverySeconds - o.flapDownSeconds) * 1000;
  timers.push(
    setTimeout(() => {
      flapOnce();
      timers.push(setInterval(flapOnce, o.flapEverySeconds * 1000));
    }, firstDown),
    setInterval(restartSyslog, o.rsyslogEverySeconds * 1000),
  );
  return {
    flaps,
    rsyslogRestarts,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      wake?.();
      await Promise.all([flapChain, syslogChain]);
    },
  };
}
