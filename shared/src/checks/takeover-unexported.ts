import { SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import type { MeshIndex, Shard } from '../model/types';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt, keyOf } from './finding';
import { describeHolder, type LabelHolder, labelHolders, takeoverMeansOff } from './label-holders';
import { exportHolderFix, notExportedReason, settingIsUnexported } from './unexported-setting';

export const takeoverUnexported: Check = {
  code: 'MESH160',
  name: 'takeover-unexported',
  severity: 'warning',
  description:
    'A Service (or Namespace) carries `solo.io/service-takeover` but is not exported. Takeover makes the local `<name>.<namespace>.svc.cluster.local` hostname route to the global service; a service that is not exported has no global service, so nothing is taken over and clients keep reaching only the local instance, contrary to what the label promises. Export the service with `solo.io/service-scope: global`.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-takeover: "true"
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-takeover: "true"
          solo.io/service-scope: global
    `,
  },
  run: (shard, mesh) => labelHolders(shard).flatMap((holder) => takeoverWithoutExport(shard, mesh, holder)),
};

function takeoverWithoutExport(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Finding[] {
  const takeover = holder.resource.labels.get(TAKEOVER_LABEL);
  // `false` asks for nothing, so it promises nothing (MESH161 still reports the odd value).
  if (!takeover?.keyRange || takeoverMeansOff(takeover.value)) return [];
  if (!settingIsUnexported(shard, holder, (service) => service.takeover)) return [];
  return [
    findingAt(
      takeoverUnexported,
      holder.resource,
      keyOf(takeover),
      `${TAKEOVER_LABEL} on ${describeHolder(holder)} takes nothing over: ${notExportedReason(holder, 'the label')}, so there is no global service for ${localHostnames(holder)} to route to, and clients keep reaching only the local instance. Export it (${SCOPE_LABEL}: global).`,
      { fixes: () => exportHolderFix(shard, mesh, holder, (service) => service.takeover) },
    ),
  ];
}

function localHostnames(holder: LabelHolder): string {
  return holder.service
    ? `${holder.service.name}.${holder.namespace}.svc.cluster.local`
    : `the *.${holder.namespace}.svc.cluster.local hostnames`;
}
