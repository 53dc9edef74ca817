import { sortedGlobalServices } from '../model/indexes';
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
// changes — and when it does (a scope label toggled), it often changes back: the host keeps the
// suggestions for the last few sets, in its session cache.
const SUGGESTIONS: CacheSlot<RecentlyUsed<string, Map<string, string[]>>> = {
  name: 'MESH121 suggestions by set of hostnames',
  create: () => new RecentlyUsed(CACHED_SETS),
};
const CACHED_SETS = 4;

/** Known global hostnames close to the written one (a typo's worth of edits, scaled to its length). */
function nearestHostnames(mesh: MeshIndex, written: string): string[] {
  const hostnames = hostnameSet(mesh);
  const caches = mesh.cache.get(SUGGESTIONS);
  let byName = caches.get(hostnames);
  if (!byName) {
    byName = new Map();
    caches.set(hostnames, byName);
  }
  let suggestions = byName.get(written);
  if (!suggestions) {
    suggestions = computeNearest(mesh, written);
    byName.set(written, suggestions);
  }
  return suggestions;
}

const hostnameSets = new WeakMap<MeshIndex, string>();

function hostnameSet(mesh: MeshIndex): string {
  let set = hostnameSets.get(mesh);
  if (set === undefined) {
    set = sortedGlobalServices(mesh)
      .map((service) => service.hostname)
      .join('\n');
    hostnameSets.set(mesh, set);
  }
  return set;
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

function computeNearest(mesh: MeshIndex, written: string): string[] {
  const limit = suggestionLimit(written);
  return [...mesh.globalServices.keys()]
    .map((hostname) => ({ hostname, distance: boundedEditDistance(written, hostname, limit) }))
    .filter((candidate) => candidate.distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.hostname < b.hostname ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS)
    .map((candidate) => candidate.hostname);
}
