/**
 * The fleet report of a run split into shards (docs/design.md, Fleet report): each shard writes its part
 * (its appliances' entries) and a marker naming the run's instant, two writes per shard; the shard that
 * finds every other shard's marker naming the same instant assembles the report. Each shard writes before
 * it looks, so whichever finishes last sees every part (S3 reads are strongly consistent); two that
 * finish together both assemble the same report, which is harmless. The scheduled run that dispatches the
 * next run's shards assembles the previous run if its last shard could not (at the latest by the next run).
 */
import type { ClientView } from '../core/clientState.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { buildFleetStatus, type FleetEntry } from '../core/fleetReport.ts';
import { STATUSES } from '../core/types.ts';
import { isUtcInstant } from '../protocol/isoInstant.ts';
import { isApplianceName } from '../protocol/notification.ts';
import { ReportError } from './errors.ts';
import { withClients, writeFleetReport } from './fleetReportWriter.ts';
import type { ReportStore } from './ports.ts';

/**
 * Checks the run's Luna clients and resolves to their views (docs/clients.md, State): run once, by the
 * shard that assembles the report.
 */
export type ClientsStep = () => Promise<ReadonlyMap<string, ClientView>>;

/** One shard's contribution to a run's report. */
export interface ShardPart {
  /** The run's evaluation instant, ISO 8601 (every shard of a run has the same). */
  readonly time: string;
  readonly shard: number;
  readonly shards: number;
  readonly thresholdDays: number;
  readonly appliances: readonly FleetEntry[];
}

/** The run a scheduled invocation dispatched, and the last run assembled. */
const DISPATCHED = 'parts/dispatched.json';
const ASSEMBLED = 'parts/assembled.json';

const partName = (shards: number, shard: number) => `parts/${shards}-${shard}.json`;
const markerName = (shards: number, shard: number) => `parts/${shards}-${shard}.time`;

const STATUS_SET: ReadonlySet<string> = new Set(STATUSES);

/** Writes a shard's part, then its marker (so a marker never names a part not yet written). */
export async function writeShardPart(store: ReportStore, part: ShardPart): Promise<void> {
  await guarded('the shard part', async () => {
    await store.writeReportFile(partName(part.shards, part.shard), JSON.stringify(part), 'application/json');
    await store.writeReportFile(markerName(part.shards, part.shard), part.time, 'text/plain; charset=utf-8');
  });
}

/**
 * Assembles the report of the run at `time` if every shard's marker names it; resolves to whether it
 * did. The other shards' markers are read starting after `fromShard` and going round, so a shard that
 * finishes early usually stops at its first look.
 */
export async function assembleIfComplete(
  store: ReportStore,
  time: string,
  shards: number,
  fromShard = -1,
  clientsStep?: ClientsStep,
): Promise<boolean> {
  for (let step = 1; step <= shards; step++) {
    const shard = (((fromShard + step) % shards) + shards) % shards;
    const marker = await guarded('a shard marker', () => store.readReportFile(markerName(shards, shard)));
    if (marker?.trim() !== time) return false;
  }
  const parts: ShardPart[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const text = await guarded('a shard part', () => store.readReportFile(partName(shards, shard)));
    const part = parsePart(text);
    // The next run may already have replaced it: then this run's report is no longer the latest.
    if (part.time !== time) return false;
    parts.push(part);
  }
  const thresholdDays = parts[0]?.thresholdDays ?? 0;
  const status = buildFleetStatus(
    new Date(time),
    thresholdDays,
    parts.flatMap((p) => p.appliances),
  );
  // The step that assembles the report checks the run's clients, now that every appliance is done.
  const clients = clientsStep ? await clientsStep() : undefined;
  await writeFleetReport(store, withClients(status, clients));
  await guarded('the assembly marker', () =>
    store.writeReportFile(ASSEMBLED, JSON.stringify({ time }), 'application/json'),
  );
  return true;
}

/**
 * For the scheduled invocation that dispatches a run: assembles the previous run's report if its last
 * shard did not, then records this run as dispatched. Resolves to whether it assembled one.
 */
export async function dispatchReport(store: ReportStore, time: string, shards: number): Promise<boolean> {
  const previous = parseRun(await guarded('the dispatch record', () => store.readReportFile(DISPATCHED)));
  const assembled = parseRun(await guarded('the assembly marker', () => store.readReportFile(ASSEMBLED)));
  let done = false;
  if (previous && previous.time !== assembled?.time) {
    done = await assembleIfComplete(store, previous.time, previous.shards);
  }
  await guarded('the dispatch record', () =>
    store.writeReportFile(DISPATCHED, JSON.stringify({ time, shards }), 'application/json'),
  );
  return done;
}

/** Runs one step of the report's I/O; any failure becomes a {@link ReportError} naming the step. */
async function guarded<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ReportError) throw error;
    const reason = error instanceof CertmonitorError ? error.message : (errorLabel(error) ?? 'failed');
    throw new ReportError(`${what} of the fleet report could not be read or written: ${reason}`, { cause: error });
  }
}

function parseRun(text: string | undefined): { time: string; shards: number } | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { time?: unknown; shards?: unknown };
    if (!isUtcInstant(value.time)) return undefined;
    return { time: value.time, shards: Number.isInteger(value.shards) ? (value.shards as number) : 1 };
  } catch {
    return undefined;
  }
}

/** A part as read back: our own file, still checked, since it comes from storage. */
function parsePart(text: string | undefined): ShardPart {
  if (text === undefined) throw new ReportError('a shard part of the fleet report is missing');
  let value: Partial<ShardPart>;
  try {
    value = JSON.parse(text) as Partial<ShardPart>;
  } catch (error) {
    throw new ReportError('a shard part of the fleet report is not JSON', { cause: error });
  }
  const entries = value.appliances;
  const ok =
    isUtcInstant(value.time) &&
    typeof value.thresholdDays === 'number' &&
    Array.isArray(entries) &&
    entries.every((e) => isApplianceName(String(e?.appliance)) && STATUS_SET.has(String(e?.status)));
  if (!ok) throw new ReportError('a shard part of the fleet report is malformed');
  return value as ShardPart;
}
