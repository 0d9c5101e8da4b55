/**
 * Preloaded into a measured process (`node --import ./bench/peakRssAtExit.mjs …`): at exit, writes the
 * process's peak resident memory in MB, its CPU seconds (user and system) and V8's heap statistics, as JSON
 * to the file named by
 * BENCH_RSS_FILE. Plain JavaScript, so it loads into any build of the command without a TypeScript loader.
 */
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const heap = getHeapStatistics();
    writeFileSync(
      file,
      JSON.stringify({
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        heapSizeMb: heap.total_heap_size / 2 ** 20,
        peakMallocedMb: heap.peak_malloced_memory / 2 ** 20,
      }),
    );
  });
}
