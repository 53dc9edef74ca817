import { classifyHost, meshDomains } from '../model/hostnames';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt, listClusters, relatedAt, singleFileFix } from './finding';
import { replaceHost, resolvedReferences, writtenHost } from './host-references';

export const wrongHostnameSuffix: Check = {
  code: 'MESH120',
  readsTopology: ['clusters', 'segments'],
  name: 'wrong-hostname-suffix',
  severity: 'error',
  description:
    "A hostname names a known service and namespace but with the wrong global suffix: `internal.mesh` or `mesh.local` instead of `mesh.internal`, or `mesh.internal` where the service is exported under its segment's domain (or the reverse). No DNS entry exists for that name, so the route or rule never matches and requests fail. Replace it with the hostname the service is exported under.",
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        hosts: [reviews.bookinfo.internal.mesh]
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        hosts: [reviews.bookinfo.mesh.internal]
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap(({ reference, resolution }): Finding[] => {
      if (resolution.kind !== 'wrong-suffix') return [];
      const written = reference.host.value;
      const form = classifyHost(written, reference.namespace, meshDomains(mesh.topology));
      const suffix = written.split('.').slice(2).join('.');
      const clusters = listClusters(resolution.services.map((service) => service.cluster));
      const why =
        form.form === 'near-global'
          ? `the suffix \`${suffix}\` is not a mesh domain`
          : `${resolution.namespace}/${resolution.name} is not exported under \`${suffix}\``;
      return [
        findingAt(
          wrongHostnameSuffix,
          reference.resource,
          reference.host,
          `${writtenHost(reference)} resolves to nothing: ${why}. ${resolution.namespace}/${resolution.name} is exported from ${clusters} as \`${resolution.expected}\`; requests to this name fail.`,
          {
            related: resolution.services.map((service) =>
              relatedAt(
                service.scope.resource ?? service.resource,
                service.scope.raw,
                `exported in ${service.cluster} as ${service.hostname}`,
              ),
            ),
            fixes: () => [
              singleFileFix(`Change to ${resolution.expected}`, reference.resource, [
                replaceHost(reference, resolution.expected),
              ]),
            ],
          },
        ),
      ];
    }),
};
