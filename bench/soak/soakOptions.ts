/**
 * The soak's command line (bench/README.md, Soak): `--minutes N` (default 30), `--warmup-minutes N`
 * (default a sixth of the run), `--scale F` (multiplies the flap, restart and retry periods; default
 * minutes / 30, so a short trial keeps the 30-minute run's proportions), `--load F` (multiplies every
 * request rate), `--no-readme` (leave bench/README.md alone), `--no-build` (use dist/ as it is).
 */

/** How often one kind of request is sent, and how many notifications it carries at most. */
export interface RequestRate {
  readonly perSecond: number;
  readonly maxBatch: number;
}

/** Everything a soak run is configured by; periods in seconds, rates per second. */
export interface SoakOptions {
  readonly minutes: number;
  readonly warmupMinutes: number;
  readonly scale: number;
  readonly load: number;
  readonly sampleSeconds: number;
  /** The flapping trap host goes down every `flapEverySeconds` for `flapDownSeconds`. */
  readonly flapEverySeconds: number;
  readonly flapDownSeconds: number;
  /** rsyslog is restarted every `rsyslogEverySeconds`. */
  readonly rsyslogEverySeconds: number;
  /** Ids that some trap host did not acknowledge are sent again this often (as the next check run would). */
  readonly retryEverySeconds: number;
  /** Seconds into the run at which the pre-seeded journal ids pass the retention period. */
  readonly seedExpiresAtSeconds: number;
  readonly seedIds: number;
  /**
   * Requests per second and notifications per request (uniform 1–maxBatch) of each kind: batches of
   * fresh ids, of ids sent before, with a bad signature, over the size limit.
   */
  readonly rates: Readonly<Record<'valid' | 'duplicate' | 'badSignature' | 'oversize', RequestRate>>;
  readonly build: boolean;
  readonly writeReadme: boolean;
}

function numberFlag(argv: readonly string[], name: string): number | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

/** Reads the soak's flags; unknown flags are refused so a typo never runs a 30-minute soak by mistake. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const known = new Set(['--minutes', '--warmup-minutes', '--scale', '--load', '--no-readme', '--no-build']);
  for (const [i, a] of argv.entries()) {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag ${a}`);
    if (!a.startsWith('--') && !['--minutes', '--warmup-minutes', '--scale', '--load'].includes(argv[i - 1] ?? '')) {
      throw new Error(`unexpected argument ${a}`);
    }
  }
  const minutes = numberFlag(argv, '--minutes') ?? 30;
  const scale = numberFlag(argv, '--scale') ?? Math.min(1, minutes / 30);
  const load = numberFlag(argv, '--load') ?? 1;
  const warmupMinutes = numberFlag(argv, '--warmup-minutes') ?? minutes / 6;
  if (warmupMinutes >= minutes) throw new Error('--warmup-minutes must be shorter than --minutes');
  return {
    minutes,
    warmupMinutes,
    scale,
    load,
    sampleSeconds: 10,
    flapEverySeconds: 180 * scale,
    flapDownSeconds: 60 * scale,
    rsyslogEverySeconds: 300 * scale,
    retryEverySeconds: Math.max(2, 15 * scale),
    seedExpiresAtSeconds: warmupMinutes * 60,
    seedIds: 200,
    // Fresh ids are what a gateway must remember (for retentionDays): at about 5.5 a second an index of
    // under 100 bytes an id grows by about 0.3 MB per 10 minutes, well under the RSS target, so a slope
    // above it is a leak or a larger index. Duplicates, refusals and retries are the bulk of the traffic.
    rates: {
      valid: { perSecond: 1 * load, maxBatch: 10 },
      duplicate: { perSecond: 2 * load, maxBatch: 50 },
      badSignature: { perSecond: 1 * load, maxBatch: 10 },
      oversize: { perSecond: 0.2 * load, maxBatch: 1 },
    },
    build: !argv.includes('--no-build'),
    writeReadme: !argv.includes('--no-readme'),
  };
}
