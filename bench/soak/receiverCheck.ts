/**
 * What the receivers saw, counted per appliance (each fresh id of the soak has an appliance of its own):
 * traps per trap host from snmptrapd's lines, syslog lines from rsyslog's file.
 */

/** Traps one receiver logged, against the ids that should have reached it. */
export interface TrapTally {
  readonly expected: number;
  readonly exactlyOnce: number;
  readonly lost: number;
  readonly doubled: number;
  /** Extra copies beyond the first, summed over the doubled ids. */
  readonly extraCopies: number;
  /** Doubled ids the inform protocol may double (see {@link idsInformsMayDouble}); any other is a defect. */
  readonly doubledByInformRetry: number;
  /** The first 20 doubled appliances and their copies, to look into. */
  readonly doubledExamples: ReadonlyArray<{ readonly appliance: string; readonly copies: number }>;
  /** Traps for appliances that must get none (refused requests, ids the journal remembered). */
  readonly unexpected: number;
  readonly lines: number;
}

/** Syslog lines rsyslog wrote, against the lines the fresh ids should have produced. */
export interface SyslogTally {
  /** Event line plus one `trap sent` line per trap host, per fresh id. */
  readonly expected: number;
  readonly distinctSeen: number;
  readonly missing: number;
  /** Copies beyond the first of expected lines (at-least-once delivery after a reconnect). */
  readonly duplicates: number;
  readonly trapFailedLines: number;
  /** Lines about the gateway itself (started, requestRejected, syslogDropped, …). */
  readonly gatewayLines: number;
  readonly lines: number;
}

/** The appliance a snmptrapd line's ssLogReference names (`[appliance:address / lunalogs / …]`). */
export function trapAppliance(line: string): string | undefined {
  return /\[([A-Za-z0-9][A-Za-z0-9._-]*):[^ \]]* \/ lunalogs \//.exec(line)?.[1];
}

/**
 * Counts one receiver's traps per appliance against `expected` (appliance names); `mayDouble`
 * names the appliances whose id an inform receiver may rightly log twice.
 */
export function tallyTraps(
  lines: readonly string[],
  expected: ReadonlySet<string>,
  mayDouble: ReadonlySet<string> = new Set(),
): TrapTally {
  const seen = new Map<string, number>();
  let unexpected = 0;
  for (const line of lines) {
    const appliance = trapAppliance(line);
    if (appliance === undefined || !expected.has(appliance)) {
      unexpected++;
      continue;
    }
    seen.set(appliance, (seen.get(appliance) ?? 0) + 1);
  }
  let exactlyOnce = 0;
  let doubled = 0;
  let extraCopies = 0;
  let doubledByInformRetry = 0;
  const doubledExamples: Array<{ appliance: string; copies: number }> = [];
  for (const [appliance, count] of seen) {
    if (count === 1) exactlyOnce++;
    else {
      doubled++;
      extraCopies += count - 1;
      if (mayDouble.has(appliance)) doubledByInformRetry++;
      if (doubledExamples.length < 20) doubledExamples.push({ appliance, copies: count });
    }
  }
  return {
    expected: expected.size,
    exactlyOnce,
    lost: expected.size - seen.size,
    doubled,
    extraCopies,
    doubledByInformRetry,
    doubledExamples,
    unexpected,
    lines: lines.length,
  };
}

/** The kind of one rsyslog line (`facility|severity|hostname|tag|rawmsg`) as a key, or undefined. */
function syslogKey(line: string, hosts: readonly string[]): { key: string; failed: boolean } | undefined {
  const [, , hostname, , ...rest] = line.split('|');
  const raw = rest.join('|');
  if (raw.includes('will be expire on')) return { key: `${hostname}|event`, failed: false };
  for (const host of hosts) {
    if (raw.endsWith(`trap sent to trap host ${host}`)) return { key: `${hostname}|sent:${host}`, failed: false };
  }
  if (raw.includes('Failed to send NTLS certificate expiry SNMP trap')) return { key: '', failed: true };
  return undefined;
}

/** Counts rsyslog's lines against the lines every fresh appliance should have produced. */
export function tallySyslog(
  lines: readonly string[],
  appliances: ReadonlySet<string>,
  hosts: readonly string[],
): SyslogTally {
  const seen = new Map<string, number>();
  let trapFailedLines = 0;
  let gatewayLines = 0;
  for (const line of lines) {
    const k = syslogKey(line, hosts);
    if (k?.failed) trapFailedLines++;
    else if (k && appliances.has(k.key.slice(0, k.key.indexOf('|')))) seen.set(k.key, (seen.get(k.key) ?? 0) + 1);
    else gatewayLines++;
  }
  const expected = appliances.size * (1 + hosts.length);
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;
  return {
    expected,
    distinctSeen: seen.size,
    missing: expected - seen.size,
    duplicates,
    trapFailedLines,
    gatewayLines,
    lines: lines.length,
  };
}

/** A notification request as the load logged it: when it was sent and answered (seconds) and its ids. */
export interface RequestSpan {
  readonly start: number;
  readonly end: number;
  readonly ids: readonly string[];
}

/**
 * The ids an inform receiver may rightly have logged twice (informs are at least once, docs/gateway.md,
 * Delivery guarantees): those the gateway once answered as failed for some host (the receiver may have
 * logged an inform whose acknowledgement never came back in time, and the id was sent again), and those
 * in a request that took at least the inform timeout (the SNMP session may have sent the inform again
 * while the receiver was slow to answer; it logs both copies).
 */
export function idsInformsMayDouble(
  requests: readonly RequestSpan[],
  failed: ReadonlySet<string>,
  timeoutSeconds: number,
): Set<string> {
  const ids = new Set(failed);
  for (const r of requests) if (r.end - r.start >= timeoutSeconds) for (const id of r.ids) ids.add(id);
  return ids;
}
