import { setFlagsFromString } from 'node:v8';

// V8 lets the old generation grow to up to four times what survived the last full collection
// before it collects again. The workspace's facts are long-lived and grow steadily while the first
// scan reads every file, so the process ended up holding 2.5 times its live heap: 570 MB of memory
// for 200 MB of facts at 50,000 resources. Growing by 30 % of the live heap instead keeps the peak
// near 1.3 times the facts plus the young generation. Measured (BENCHMARKS.md, 50,000 resources):
// the scan takes no longer, because the young generation, where parsing's garbage dies, is
// unchanged; edits collect more often (edit p95 about 20 → 30 ms at 50 %, 30 %), and the peak
// stays at 340–350 MB where 50 % gave 350–400 MB from run to run. The flag is read at every
// collection, so setting it at start-up, before the workspace is read, is enough.
const HEAP_GROWING_PERCENT = 30;

/** Applies the heap growth the server and the CLI run with, unless the command line sets its own. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
