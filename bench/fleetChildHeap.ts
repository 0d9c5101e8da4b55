/**
 * Imported first by bench/fleetChild.ts: the pipeline side takes `check`'s heap settings before the AWS SDK
 * and the rest of the run load, as the command does (cli/program.ts, cli/heapTuning.ts).
 */
import { tuneHeapForFleetRun } from '../cli/heapTuning.ts';

if (process.argv.includes('--pipeline')) tuneHeapForFleetRun();
