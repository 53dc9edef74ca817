import type { Reach } from '../reach/reach-from';

// The words the lens and the hover share for where traffic goes, so the two never say it differently
// (test/core/lens-agreement.test.ts holds them to it).

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `2 endpoints in cluster1 (PreferClose)`, or `no reachable endpoint from cluster0`. */
export function reachSummary(reach: Reach): string {
  const endpoints = reach.chosen.reduce((sum, entry) => sum + entry.endpoints, 0);
  if (endpoints === 0) return `no reachable endpoint from ${reach.from}`;
  const clusters = reach.chosen.map((entry) => entry.cluster).join(', ');
  return `${plural(endpoints, 'endpoint')} in ${clusters} (${reach.mode})`;
}

/** What the lens and the hover say of a backend read as a Service name (MESH140). */
export const NOT_A_HOSTNAME_BACKEND = 'resolves to nothing (not a Hostname backend)';

/** What the lens and the hover say of a hostname that names no service. */
export const RESOLVES_TO_NOTHING = 'resolves to nothing';

/**
 * `global · 2 of 3 clusters export · 3 endpoints`: how many of the clusters holding a Service of that
 * name export it. Counted in clusters, not instances: two files in one cluster are one cluster.
 */
export function exportSummary(exporting: Iterable<string>, holding: Iterable<string>): string {
  const exported = new Set(exporting).size;
  const total = new Set(holding).size;
  return `${exported} of ${plural(total, 'cluster')} export${exported === 1 ? 's' : ''}`;
}

/**
 * Whether a client uses one cluster's instance of a service, in the words of the hover's table and
 * the reach panel: chosen, reachable but passed over by the mode, or why not.
 */
export function reachableWords(cluster: string, exported: boolean, reach: Reach): string {
  if (!exported) return 'no: not exported';
  if (reach.chosen.some((entry) => entry.cluster === cluster)) return 'yes: chosen';
  const excluded = reach.excluded.find((entry) => entry.cluster === cluster);
  if (excluded) return `no: ${excluded.reason}`;
  const ready = reach.candidates.some((entry) => entry.cluster === cluster && entry.endpoints > 0);
  return ready ? `yes, not chosen by ${reach.mode}` : 'no ready endpoint';
}
