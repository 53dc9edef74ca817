import { reachFrom } from '../reach/reach-from';
import type { Finding, RelatedLocation } from '../text/findings';
import type { Check } from './check';
import { findingAt } from './finding';
import { type ResolvedReference, resolvedReferences, writtenHost } from './host-references';

// Only references that send traffic: a VirtualService's `hosts` or a DestinationRule's `host`
// match traffic addressed to the name, they do not route to it. A hostname in a string value is
// what a client in that cluster calls (an env URL, a ConfigMap's upstream): it sends.
const ROUTING_ROLES = new Set(['backendRef', 'destination', 'mirror', 'value']);

export const unreachableFromCluster: Check = {
  code: 'MESH123',
  readsTopology: ['clusters', 'segments', 'links'],
  name: 'unreachable-from-cluster',
  severity: 'warning',
  description:
    'The route (or the workload whose env, arguments or configuration name the hostname) lives in a cluster that can reach no ready endpoint of the service it sends to: the instances are in clusters this one has no link to (links are directed: A → B does not let B call A), the service is exported with scope `segment` in another segment, or every reachable instance has zero ready replicas. Requests from this cluster fail with no healthy upstream. Add the missing link (peering in both directions), export the service in this cluster, or scale it up. The related locations say why each instance is out of reach.',
  example: {
    wrong: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"] }
        west: { paths: ["clusters/west/**"] }
      links:
        - { from: east, to: west }
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: ratings } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: ratings, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: ratings } } } }
      //- clusters/west/route.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: ratings, namespace: bookinfo }
      spec:
        hosts: [ratings]
        http:
          - route:
              - destination: { host: ratings.bookinfo.mesh.internal }
    `,
    fixed: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"] }
        west: { paths: ["clusters/west/**"] }
      links:
        - { between: [east, west] }
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: ratings } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: ratings, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: ratings } } } }
      //- clusters/west/route.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: ratings, namespace: bookinfo }
      spec:
        hosts: [ratings]
        http:
          - route:
              - destination: { host: ratings.bookinfo.mesh.internal }
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap((resolved): Finding[] => {
      if (!ROUTING_ROLES.has(resolved.reference.role) || !reachesGlobalService(resolved)) return [];
      const { reference } = resolved;
      const reach = reachFrom(mesh, reference.host.value, reference.cluster, reference.namespace);
      if (!reach.resolved || reach.chosen.length > 0) return [];
      const reasons = [
        ...reach.excluded.map((entry) => `${entry.cluster}: ${entry.reason}`),
        ...reach.candidates.map((candidate) => `${candidate.cluster}: no ready endpoint`),
      ];
      const related: RelatedLocation[] = [
        ...reach.excluded.map((entry) => ({
          file: entry.file,
          range: entry.instance.resource.name?.range ?? entry.instance.resource.range,
          message: `instance in ${entry.cluster}: ${entry.reason}`,
        })),
        ...reach.candidates.map((candidate) => ({
          file: candidate.file,
          range: candidate.instance.resource.name?.range ?? candidate.instance.resource.range,
          message: `instance in ${candidate.cluster}: no ready endpoint`,
        })),
      ];
      return [
        findingAt(
          unreachableFromCluster,
          reference.resource,
          reference.host,
          `From ${reference.cluster}, ${writtenHost(reference)} has no reachable ready endpoint (${reasons.join('; ')}): requests from this cluster fail.`,
          { related },
        ),
      ];
    }),
};

function reachesGlobalService({ resolution }: ResolvedReference): boolean {
  return resolution.kind === 'global' || (resolution.kind === 'local' && resolution.global !== undefined);
}
