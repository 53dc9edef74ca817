import { setEntries } from '../fixes/set-entries';
import { removeEntry } from '../fixes/yaml-edits';
import { hostnameReadAsServiceName, ISTIO_GROUP } from '../model/hostnames';
import type { ClusterReference, MeshIndex } from '../model/types';
import type { Finding, Fix } from '../text/findings';
import type { Check } from './check';
import { findingAt, singleFileFix } from './finding';
import { resolvedReferences } from './host-references';

export const backendrefHostnameKind: Check = {
  code: 'MESH140',
  readsTopology: ['clusters', 'segments'],
  name: 'backendref-hostname-kind',
  severity: 'error',
  description:
    'A Gateway API `backendRef` names a hostname, but a plain backendRef names a Service, and Service names cannot contain dots: the route is rejected (or sends to nothing). A hostname backend must be written `group: networking.istio.io`, `kind: Hostname`, `name: <hostname>`, with a `port` and without a `namespace` (Istio 1.12+ rejects a namespace on a Hostname backend and needs the port).',
  example: {
    wrong: `
      //- clusters/east/route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        parentRefs: [{ group: "", kind: Service, name: reviews, port: 9080 }]
        rules:
          - backendRefs:
              - name: reviews-v1.bookinfo.mesh.internal
                port: 9080
    `,
    fixed: `
      //- clusters/east/route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        parentRefs: [{ group: "", kind: Service, name: reviews, port: 9080 }]
        rules:
          - backendRefs:
              - name: reviews-v1.bookinfo.mesh.internal
                port: 9080
                kind: Hostname
                group: networking.istio.io
    `,
  },
  run: (shard, mesh) =>
    resolvedReferences(shard, mesh).flatMap(({ reference }): Finding[] => {
      if (!reference.ref || (reference.role !== 'backendRef' && reference.role !== 'mirror')) return [];
      if (!reference.host.value.includes('.')) return [];
      return [...kindFindings(reference), ...namespaceFindings(reference), ...portFindings(mesh, reference)];
    }),
};

function kindFindings(reference: ClusterReference): Finding[] {
  const ref = reference.ref;
  if (!ref) return [];
  if (!hostnameReadAsServiceName(reference)) return [];
  const kind = ref.kind?.value ?? 'Service';
  const group = ref.group?.value ?? '';
  const fix = () =>
    singleFileFix(
      `Set kind: Hostname and group: ${ISTIO_GROUP}`,
      reference.resource,
      setEntries(reference.resource, ref.node, [
        ['kind', 'Hostname'],
        ['group', ISTIO_GROUP],
      ]),
    );
  const written = ref.kind ? `kind \`${kind}\`` : 'no kind (so kind Service)';
  return [
    findingAt(
      backendrefHostnameKind,
      reference.resource,
      reference.host,
      `\`${reference.host.value}\` is a hostname, but this backendRef has ${written}${kind === 'Hostname' ? ` and group \`${group}\`` : ''}: it is read as a Service name, which cannot contain dots, so the backend resolves to nothing. Use kind: Hostname, group: ${ISTIO_GROUP}.`,
      { fixes: () => [fix()] },
    ),
  ];
}

function namespaceFindings(reference: ClusterReference): Finding[] {
  const ref = reference.ref;
  if (!ref?.namespace || ref.kind?.value !== 'Hostname') return [];
  const fixes = (): Fix[] => {
    const removal = removeEntry(reference.resource, ref.node, 'namespace');
    return removal ? [singleFileFix('Remove the namespace', reference.resource, [removal])] : [];
  };
  return [
    findingAt(
      backendrefHostnameKind,
      reference.resource,
      ref.namespace,
      `A Hostname backend cannot have a namespace: Istio rejects this backendRef to \`${reference.host.value}\`. The hostname already names the namespace.`,
      { fixes },
    ),
  ];
}

function portFindings(mesh: MeshIndex, reference: ClusterReference): Finding[] {
  const ref = reference.ref;
  if (!ref || ref.port || ref.kind?.value !== 'Hostname') return [];
  const port = servicePort(mesh, reference.host.value);
  const fixes = (): Fix[] =>
    port === undefined
      ? []
      : [
          singleFileFix(
            `Add port: ${port}`,
            reference.resource,
            setEntries(reference.resource, ref.node, [['port', port]]),
          ),
        ];
  return [
    findingAt(
      backendrefHostnameKind,
      reference.resource,
      reference.host,
      `A Hostname backend needs a port: Istio rejects this backendRef to \`${reference.host.value}\` without one.`,
      { fixes },
    ),
  ];
}

/** The port to add: the global service's only port, or its first one. */
function servicePort(mesh: MeshIndex, hostname: string): number | undefined {
  const service = mesh.globalServices.get(hostname);
  return service?.instances.flatMap((instance) => instance.ports).find((port) => port.port !== undefined)
    ?.port;
}
