import { SCOPE_LABEL } from '../facts/mesh-labels';
import { exportServiceEdits } from '../fixes/export-service';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt, listClusters, multiFileFix, relatedAt } from './finding';
import { resolvedReferences, writtenHost } from './host-references';

export const hostNotExported: Check = {
  code: 'MESH122',
  readsTopology: ['clusters', 'segments'],
  name: 'host-not-exported',
  severity: 'error',
  description:
    'A global hostname names a Service that exists, but no cluster exports it (`solo.io/service-scope` on the Service or its Namespace). The global hostname only exists for exported services, so requests to it fail. Export the service in every cluster that runs it.',
  example: {
    wrong: `
      //- clusters/east/details.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: details
        namespace: bookinfo
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: details, namespace: bookinfo }
      spec:
        hosts: [details.bookinfo.mesh.internal]
    `,
    fixed: `
      //- clusters/east/details.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: details
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: details, namespace: bookinfo }
      spec:
        hosts: [details.bookinfo.mesh.internal]
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap(({ reference, resolution }): Finding[] => {
      if (resolution.kind !== 'not-exported') return [];
      const clusters = listClusters(resolution.instances.map((instance) => instance.cluster));
      const fix = () =>
        multiFileFix(
          `Export ${resolution.namespace}/${resolution.name} in ${clusters} (${SCOPE_LABEL}=global)`,
          resolution.instances.map((instance) => exportServiceEdits(instance, 'global')),
          true,
        );
      return [
        findingAt(
          hostNotExported,
          reference.resource,
          reference.host,
          `${writtenHost(reference)} does not resolve: Service ${resolution.namespace}/${resolution.name} exists in ${clusters} but is exported in no cluster. Label it ${SCOPE_LABEL}=global.`,
          {
            related: resolution.instances.map((instance) =>
              relatedAt(instance.resource, instance.resource.name, `not exported in ${instance.cluster}`),
            ),
            fixes: () => [fix()],
          },
        ),
      ];
    }),
};
