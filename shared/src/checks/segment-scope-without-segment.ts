import { SCOPE_LABEL, SEGMENT_LABEL } from '../facts/mesh-labels';
import { layeredFixes, sameDocument } from '../fixes/layered-fix';
import { setWrittenEntry } from '../fixes/written-entry';
import { replaceScalar } from '../fixes/yaml-edits';
import type { MeshIndex, Shard } from '../model/types';
import type { Finding, Fix, RelatedLocation } from '../text/findings';
import type { Check } from './check';
import { findingAt } from './finding';
import {
  describeHolder,
  describeServices,
  governedServices,
  type LabelHolder,
  labelHolders,
  valueRange,
} from './label-holders';

export const segmentScopeWithoutSegment: Check = {
  code: 'MESH111',
  readsTopology: ['clusters', 'segments'],
  name: 'segment-scope-without-segment',
  severity: 'error',
  description:
    "A Service or Namespace is labeled `solo.io/service-scope: segment`, but its cluster belongs to no segment (no `admin.solo.io/segment` label on its `istio-system` Namespace, no `segment` in the topology file). Scope `segment` exports only within the cluster's segment, so with no segment the service is exported nowhere: its global hostname does not exist and remote clients cannot reach it. Use `global`, or put the cluster in a segment.",
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: segment
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
    `,
  },
  run: (shard, mesh) => labelHolders(shard).flatMap((holder) => segmentWithoutSegment(shard, mesh, holder)),
};

/** Whether the holder's scope is `segment` in a cluster outside every segment. */
function segmentOutsideSegment(mesh: MeshIndex, holder: LabelHolder): boolean {
  return (
    holder.resource.labels.get(SCOPE_LABEL)?.value === 'segment' &&
    mesh.topology.clusters.get(holder.cluster)?.segment === undefined
  );
}

/**
 * `global` in this cluster: in the document when every cluster placing it is outside a segment,
 * else through this cluster's overlay (the clusters in a segment keep `segment`), or where an
 * overlay wrote the value.
 */
function toGlobalFixes(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Fix[] {
  const atFault = labelHolders(shard)
    .filter((other) => sameDocument(other.resource, holder.resource) && segmentOutsideSegment(mesh, other))
    .map((other) => other.cluster);
  return layeredFixes(mesh, holder, atFault, {
    title: 'Change the scope to `global`',
    documentEdits: (written) => {
      const scope = written.labels.get(SCOPE_LABEL);
      return (
        scope && { file: written.source.path, edits: [replaceScalar(written, valueRange(scope), 'global')] }
      );
    },
    patch: { metadata: { labels: { [SCOPE_LABEL]: 'global' } } },
    value: {
      read: (resource) => resource.labels.get(SCOPE_LABEL),
      writtenEdits: () => setWrittenEntry(holder.resource, ['metadata', 'labels'], SCOPE_LABEL, 'global'),
    },
  });
}

function segmentWithoutSegment(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Finding[] {
  const scope = holder.resource.labels.get(SCOPE_LABEL);
  if (scope?.value !== 'segment') return [];
  const cluster = mesh.topology.clusters.get(holder.cluster);
  if (cluster?.segment !== undefined) return [];
  const range = valueRange(scope);
  const at = { ...scope, range };
  const related: RelatedLocation[] = cluster?.declaredAt
    ? [{ ...cluster.declaredAt, message: `cluster ${holder.cluster} is declared here, without a segment` }]
    : [];
  return [
    findingAt(
      segmentScopeWithoutSegment,
      holder.resource,
      at,
      `${SCOPE_LABEL}: segment exports only within the cluster's segment, but cluster ${holder.cluster} belongs to no segment${knownSegments(mesh)}: ${consequence(shard, holder)}. Use \`global\`, or put ${holder.cluster} in a segment (${SEGMENT_LABEL} on its istio-system Namespace).`,
      {
        related,
        fixes: () => toGlobalFixes(shard, mesh, holder),
      },
    ),
  ];
}

function knownSegments(mesh: MeshIndex): string {
  const names = [...mesh.topology.segments.keys()];
  return names.length === 0 ? '' : ` (known segments: ${names.join(', ')})`;
}

function consequence(shard: Shard, holder: LabelHolder): string {
  if (holder.service) return `${describeHolder(holder)} is exported nowhere`;
  const inheriting = governedServices(shard, holder, (service) => service.scope);
  return `${describeHolder(holder)} exports nothing (it governs ${describeServices(inheriting)})`;
}
