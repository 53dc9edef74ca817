import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL } from '../facts/mesh-labels';
import { jsonPointer } from '../fixes/kustomize-patch';
import { layeredFixes } from '../fixes/layered-fix';
import { removeEntryKeepingComment } from '../fixes/remove-entry-keeping-comment';
import { removeWrittenEntry } from '../fixes/written-entry';
import type { MeshIndex, Shard } from '../model/types';
import type { Finding, Fix } from '../text/findings';
import type { Check } from './check';
import { findingAt, keyOf } from './finding';
import { describeHolder, type LabelHolder, labelHolders, metadataMap, scopeWritten } from './label-holders';
import {
  clustersUnexported,
  exportHolderFix,
  notExportedReason,
  settingIsUnexported,
} from './unexported-setting';

export const trafficDistributionUnexported: Check = {
  code: 'MESH151',
  name: 'traffic-distribution-unexported',
  severity: 'hint',
  description:
    'A Service (or Namespace) carries the `networking.istio.io/traffic-distribution` annotation but is not exported. The annotation decides how clients pick among the endpoints of a global service across clusters and networks; a service that is not exported has no global service, so the annotation does not do what it was written for. Export the service with `solo.io/service-scope: global`, or remove the annotation.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
        labels:
          solo.io/service-scope: global
    `,
  },
  run: (shard, mesh) => labelHolders(shard).flatMap((holder) => distributionUnexported(shard, mesh, holder)),
};

function distributionUnexported(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Finding[] {
  const annotation = holder.resource.annotations.get(DISTRIBUTION_ANNOTATION);
  if (!annotation?.keyRange) return [];
  if (!settingIsUnexported(shard, holder, (service) => service.trafficDistribution)) return [];
  const removeFix = () => removeAnnotationFixes(shard, mesh, holder);
  return [
    findingAt(
      trafficDistributionUnexported,
      holder.resource,
      keyOf(annotation),
      `${DISTRIBUTION_ANNOTATION}: ${annotation.value} on ${describeHolder(holder)} has nothing to steer: ${notExportedReason(holder, 'the annotation')}, so there is no global service whose endpoints it would choose among. Export it (${SCOPE_LABEL}: global) or remove the annotation.`,
      {
        fixes: () => {
          const exports = exportHolderFix(shard, mesh, holder, (service) => service.trafficDistribution);
          return [...exports, ...removeFix()];
        },
      },
    ),
  ];
}

/**
 * Removes the annotation: from the document when it is the cluster's alone, else through the
 * cluster's overlay (a JSON 6902 `remove`) or where an overlay wrote it. A local scope
 * written on purpose outranks the annotation: removing it is then the likelier intent.
 */
function removeAnnotationFixes(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Fix[] {
  const atFault = clustersUnexported(shard, holder, (service) => service.trafficDistribution);
  return layeredFixes(mesh, holder, atFault, {
    title: `Remove the ${DISTRIBUTION_ANNOTATION} annotation`,
    documentEdits: (written) => {
      const annotations = metadataMap(written, 'annotations');
      const removal = annotations && removeEntryKeepingComment(written, annotations, DISTRIBUTION_ANNOTATION);
      return removal && { file: written.source.path, edits: [removal] };
    },
    patch: [{ op: 'remove', path: jsonPointer(['metadata', 'annotations', DISTRIBUTION_ANNOTATION]) }],
    value: {
      read: (resource) => resource.annotations.get(DISTRIBUTION_ANNOTATION),
      writtenEdits: () =>
        removeWrittenEntry(holder.resource, ['metadata', 'annotations'], DISTRIBUTION_ANNOTATION),
    },
    preferred: scopeWritten(holder),
  });
}
