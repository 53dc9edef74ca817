// The machine's load around each measured section: the benchmark machine is shared, and a figure
// measured under load says so next to it (issue #18).
import { loadavg } from 'node:os';
import { round } from './stats';

/** `os.loadavg()` (1, 5 and 15 minutes) when a section started and when it ended. */
export interface Load {
  start: number[];
  end: number[];
}

const now = () => loadavg().map((value) => round(value, 2));

export async function withLoad<T>(measure: () => Promise<T>): Promise<{ value: T; load: Load }> {
  const start = now();
  const value = await measure();
  return { value, load: { start, end: now() } };
}

/** The 1-minute load at the start and end of each section, e.g. "1.2→1.9". */
export function describeLoad(load: Load | undefined): string {
  if (!load) return '?';
  return `${(load.start[0] ?? Number.NaN).toFixed(1)}→${(load.end[0] ?? Number.NaN).toFixed(1)}`;
}
