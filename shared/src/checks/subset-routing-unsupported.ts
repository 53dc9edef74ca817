import { splitSubsetsFix } from '../fixes/split-subsets';
import type { HostResolution } from '../model/hostnames';
import type { ServiceInstance } from '../model/types';
import type { Finding, Severity } from '../text/findings';
import type { Check } from './check';
import { findingAt, listClusters, relatedAt } from './finding';
import { resolvedReferences } from './host-references';

export const subsetRoutingUnsupported: Check = {
  code: 'MESH130',
  readsTopology: ['clusters', 'segments'],
  name: 'subset-routing-unsupported',
  severity: 'warning',
  description:
    "DestinationRule subsets (and VirtualService routes naming a `subset`) do not work across clusters under peering: subsets select pods by label, and endpoints in other clusters carry no pod labels the local proxy can see, so the subset matches only local pods or none. The supported pattern is one Service per subset (e.g. `reviews-v1`, `reviews-v2`), each exported, and an HTTPRoute that sends to each subset service's global hostname. On a local hostname of an exported service without takeover it is reported as info: the subsets then only ever select local endpoints.",
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        selector: { app: reviews }
        ports: [{ name: http, port: 9080 }]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        host: reviews.bookinfo.mesh.internal
        subsets:
          - { name: v1, labels: { version: v1 } }
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        selector: { app: reviews }
        ports: [{ name: http, port: 9080 }]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: reviews-subsets
        namespace: bookinfo
      spec:
        parentRefs:
          - group: ""
            kind: Service
            name: reviews
            port: 9080
        rules:
          - backendRefs:
              - group: networking.istio.io
                kind: Hostname
                name: reviews-v1.bookinfo.mesh.internal
                port: 9080
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews-v1
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
      spec:
        selector:
          app: reviews
          version: v1
        ports:
          - name: http
            port: 9080
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap(({ reference, resolution }): Finding[] => {
      const target = subsetTarget(resolution);
      if (!target) return [];
      const related = target.instances.map((instance) =>
        relatedAt(instance.resource, instance.resource.name, `instance in ${instance.cluster}`),
      );
      const clusters = listClusters(target.instances.map((instance) => instance.cluster));
      const consequence =
        target.severity === 'info'
          ? 'without takeover this local hostname only reaches local endpoints, so the subsets never include other clusters'
          : `its endpoints in ${clusters} cannot be split by pod labels across clusters, so the subset matches only local pods or none`;
      if (reference.role === 'destinationRuleHost' && reference.subsets) {
        return [
          findingAt(
            subsetRoutingUnsupported,
            reference.resource,
            reference.subsets.keyRange,
            `Subsets of \`${reference.host.value}\` do not work across clusters: ${consequence}. Use one exported Service per subset and an HTTPRoute (docs/diagnostics.md#mesh130-subset-routing-unsupported).`,
            {
              related,
              fixes: () => {
                const fix = splitSubsetsFix(mesh, reference, target.instances);
                return fix ? [fix] : [];
              },
              severity: target.severity,
            },
          ),
        ];
      }
      if (reference.role === 'destination' && reference.subset) {
        return [
          findingAt(
            subsetRoutingUnsupported,
            reference.resource,
            reference.subset.range,
            `Subset \`${reference.subset.value}\` of \`${reference.host.value}\` does not work across clusters: ${consequence}. Route to a per-subset Service's global hostname instead (docs/diagnostics.md#mesh130-subset-routing-unsupported).`,
            { related, severity: target.severity },
          ),
        ];
      }
      return [];
    }),
};

/** The instances a subset rule applies to, and how bad it is (SPEC §7: info without takeover). */
function subsetTarget(
  resolution: HostResolution,
): { instances: ServiceInstance[]; severity: Severity } | undefined {
  if (resolution.kind === 'global') return { instances: resolution.service.instances, severity: 'warning' };
  if (resolution.kind !== 'local' || !resolution.instance?.hostname) return undefined;
  if (resolution.global) return { instances: resolution.global.instances, severity: 'warning' };
  return { instances: [resolution.instance], severity: 'info' };
}
