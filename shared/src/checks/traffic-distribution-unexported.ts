import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL } from '../facts/mesh-labels';
import { removeEntryKeepingComment } from '../fixes/remove-entry-keeping-comment';
import type { Shard } from '../model/types';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt, keyOf, singleFileFix } from './finding';
import { describeHolder, type LabelHolder, labelHolders, metadataMap, scopeWritten } from './label-holders';
import { exportHolderFix, notExportedReason, settingIsUnexported } from './unexported-setting';

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
  run: (shard) => labelHolders(shard).flatMap((holder) => distributionUnexported(shard, holder)),
};

function distributionUnexported(shard: Shard, holder: LabelHolder): Finding[] {
  const annotation = holder.resource.annotations.get(DISTRIBUTION_ANNOTATION);
  if (!annotation?.keyRange) return [];
  if (!settingIsUnexported(shard, holder, (service) => service.trafficDistribution)) return [];
  const removeFix = () => {
    const annotations = metadataMap(holder.resource, 'annotations');
    const removal =
      annotations && removeEntryKeepingComment(holder.resource, annotations, DISTRIBUTION_ANNOTATION);
    // A local scope written on purpose outranks the annotation: removing it is then the likelier intent.
    return (
      removal &&
      singleFileFix(
        `Remove the ${DISTRIBUTION_ANNOTATION} annotation`,
        holder.resource,
        [removal],
        scopeWritten(holder),
      )
    );
  };
  return [
    findingAt(
      trafficDistributionUnexported,
      holder.resource,
      keyOf(annotation),
      `${DISTRIBUTION_ANNOTATION}: ${annotation.value} on ${describeHolder(holder)} has nothing to steer: ${notExportedReason(holder, 'the annotation')}, so there is no global service whose endpoints it would choose among. Export it (${SCOPE_LABEL}: global) or remove the annotation.`,
      {
        fixes: () => {
          const remove = removeFix();
          return remove ? [exportHolderFix(holder), remove] : [exportHolderFix(holder)];
        },
      },
    ),
  ];
}
