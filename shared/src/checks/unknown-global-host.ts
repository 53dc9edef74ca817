import type { MeshIndex } from '../model/types';
import type { Finding, Fix } from '../text/findings';
import { boundedEditDistance } from '../util/edit-distance';
import { RecentlyUsed } from '../util/recently-used';
import type { CacheSlot } from '../util/session-cache';
import type { Check } from './check';
import { findingAt, singleFileFix } from './finding';
import { replaceHost, resolvedReferences, writtenHost } from './host-references';

const MAX_SUGGESTIONS = 3;

export const unknownGlobalHost: Check = {
  code: 'MESH121',
  readsTopology: ['clusters', 'segments'],
  name: 'unknown-global-host',
  severity: 'warning',
  description:
    'A hostname looks global (`<name>.<namespace>.mesh.internal`, a segment domain, or a near miss of one), in a route or in any string value (an env URL, a ConfigMap entry), but no Service of that name and namespace exists in any cluster of the workspace. Istio resolves nothing for it and requests fail. Usually a typo in the service or namespace name; otherwise the service lives outside this repository.',
  example: {
    wrong: `
      //- clusters/east/productpage.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: ratings } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: ratings, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: ratings } } } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: productpage, namespace: bookinfo }
      spec:
        template:
          spec:
            containers:
              - name: productpage
                env:
                  - name: RATINGS_URL
                    value: http://rating.bookinfo.mesh.internal:9080/ratings
    `,
    fixed: `
      //- clusters/east/productpage.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: ratings } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: ratings, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: ratings } } } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: productpage, namespace: bookinfo }
      spec:
        template:
          spec:
            containers:
              - name: productpage
                env:
                  - name: RATINGS_URL
                    value: http://ratings.bookinfo.mesh.internal:9080/ratings
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap(({ reference, resolution }): Finding[] => {
      if (resolution.kind !== 'unknown-global') return [];
      const written = reference.host.value;
      const suggestions = nearestHostnames(mesh, written);
      const fixes: Fix[] = suggestions.map((hostname, index) =>
        singleFileFix(
          `Change to ${hostname}`,
          reference.resource,
          [replaceHost(reference, hostname)],
          index === 0 && suggestions.length === 1,
        ),
      );
      const hint =
        suggestions.length > 0
          ? ` Did you mean ${suggestions.map((hostname) => `\`${hostname}\``).join(' or ')}?`
          : '';
      return [
        findingAt(
          unknownGlobalHost,
          reference.resource,
          reference.host,
          `${writtenHost(reference)} matches no service: there is no Service ${resolution.namespace}/${resolution.name} in any cluster, so this hostname resolves to nothing.${hint}`,
          { fixes },
        ),
      ];
    }),
  // Its suggestions read every hostname of the mesh: a hostname close to one written here appearing
  // or going away anywhere changes this shard's message.
  beyondShard: {
    hostnames: {
      watched: (shard, mesh) =>
        resolvedReferences(shard, mesh)
          .filter(({ resolution }) => resolution.kind === 'unknown-global')
          .map(({ reference }) => reference.host.value),
      affects: (written, hostname) => couldSuggest(written, hostname),
    },
  },
};

// Suggestions depend only on the written name and the set of known hostnames, which an edit rarely
// changes — and when it does (a scope label toggled), by a hostname or two. So the host keeps, per
// written name, the hostnames close enough to it for the last few versions of the set
// (`MeshIndex.hostnameVersion`), and a version patched from a known one patches them: a hostname
// that came or went is measured alone, not the mesh's thousands again.
const SUGGESTIONS: CacheSlot<RecentlyUsed<string, RecentlyUsed<number, Nearby>>> = {
  name: 'MESH121 hostnames near a written one, by version of the set of hostnames',
  create: () => new RecentlyUsed(CACHED_NAMES),
};
const CACHED_NAMES = 4096;
const CACHED_VERSIONS = 4;

/** The known hostnames within a written name's limit, by distance, and the suggestions they make. */
interface Nearby {
  distances: Map<string, number>;
  suggestions: string[];
}

/** Known global hostnames close to the written one (a typo's worth of edits, scaled to its length). */
function nearestHostnames(mesh: MeshIndex, written: string): string[] {
  const byName = mesh.cache.get(SUGGESTIONS);
  let byVersion = byName.get(written);
  if (!byVersion) {
    byVersion = new RecentlyUsed(CACHED_VERSIONS);
    byName.set(written, byVersion);
  }
  const version = mesh.hostnameVersion;
  let nearby = byVersion.get(version.id);
  if (!nearby) {
    const base = version.from && byVersion.get(version.from.id);
    nearby =
      base && version.from
        ? patchedNearby(base, written, version.from)
        : nearbyOf(written, mesh.globalServices.keys());
    byVersion.set(version.id, nearby);
  }
  return nearby.suggestions;
}

function nearbyOf(written: string, hostnames: Iterable<string>): Nearby {
  const distances = new Map<string, number>();
  addNearby(distances, written, hostnames);
  return { distances, suggestions: suggestionsOf(distances) };
}

function patchedNearby(
  base: Nearby,
  written: string,
  change: { added: readonly string[]; removed: readonly string[] },
): Nearby {
  const distances = new Map(base.distances);
  for (const hostname of change.removed) distances.delete(hostname);
  addNearby(distances, written, change.added);
  return { distances, suggestions: suggestionsOf(distances) };
}

function addNearby(distances: Map<string, number>, written: string, hostnames: Iterable<string>): void {
  const limit = suggestionLimit(written);
  for (const hostname of hostnames) {
    const distance = boundedEditDistance(written, hostname, limit);
    if (distance <= limit) distances.set(hostname, distance);
  }
}

/** The closest hostnames, nearest first, then in code-unit order. */
function suggestionsOf(distances: ReadonlyMap<string, number>): string[] {
  return [...distances]
    .sort(([a, da], [b, db]) => da - db || (a < b ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS)
    .map(([hostname]) => hostname);
}

/** A typo's worth of edits, scaled to the written name's length. */
function suggestionLimit(written: string): number {
  return Math.max(2, Math.floor(written.length / 8));
}

/**
 * Whether `hostname` is close enough to be suggested for `written`: the incremental analysis
 * re-checks an unknown hostname only when a hostname this close appeared or went away.
 */
export function couldSuggest(written: string, hostname: string): boolean {
  const limit = suggestionLimit(written);
  return boundedEditDistance(written, hostname, limit) <= limit;
}
