/**
 * A gateway's journal in a process of its own, to be killed in the middle of a compaction: it opens the
 * journal in `dir`, then runs stepped compactions back to back while intake goes on between the slices
 * (one fresh id accepted, one host recorded and completed, one id left pending). After each call returns
 * it prints `accepted ID` or `completed ID` on stdout (written before the line, so a printed id is in the
 * file; `accepting ID` comes before the call, so a killed process may have written one id more than it
 * printed accepted), and `compacted` after each compaction in place.
 *
 * Argument: JSON {dir, prefix, killAtPause?, killAfterCompactions?, compactions?} — SIGKILLs itself at that
 * pause of the first compaction, or once that many compactions are in place; else runs `compactions`
 * compactions (default: until killed from outside).
 * Run: node --import tsx test/helpers/journalCompactionChild.ts '{"dir":…}'
 */
import { writeSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { DeliveryJournal } from '../../gateway/delivery/deliveryJournal.ts';

interface ChildArgs {
  readonly dir: string;
  readonly prefix: string;
  readonly killAtPause?: number;
  readonly killAfterCompactions?: number;
  readonly compactions?: number;
}

const DAY = 86_400_000;
const args = JSON.parse(process.argv[2]!) as ChildArgs;
const say = (line: string) => writeSync(1, `${line}\n`);
const journal = DeliveryJournal.open(args.dir, 7 * DAY, Date.now());
let n = 0;
let pauses = 0;

/** One step of intake, as the delivery service would take it between two slices. */
function intake(): void {
  const id = `${args.prefix}-${n++}`;
  say(`accepting ${id}`);
  journal.accept(
    [{ id, appliance: 'hsm01', address: '10.0.0.5', event: 'expiring', observedAt: '2026-11-24T12:00:00Z' }],
    Date.now(),
  );
  say(`accepted ${id}`);
  if (n % 3 === 0) return; // left pending
  journal.recordHost(id, 'nms1', { ok: true });
  journal.complete(id, 'ok');
  say(`completed ${id}`);
}

const pause = async () => {
  pauses++;
  if (pauses === args.killAtPause) process.kill(process.pid, 'SIGKILL');
  intake();
  await setImmediate();
};

for (let done = 0; done < (args.compactions ?? Number.POSITIVE_INFINITY); ) {
  if (await journal.compactInSteps(Date.now(), { sliceMs: 0, pause })) {
    done++;
    say('compacted');
    if (done === args.killAfterCompactions) process.kill(process.pid, 'SIGKILL');
  }
}
journal.close();
