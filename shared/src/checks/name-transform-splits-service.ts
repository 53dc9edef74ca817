import type { MeshIndex, ServiceInstance, Shard } from '../model/types';
import type { Finding } from '../text/findings';
import { majority } from '../util/majority';
import type { Resource } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, listClusters, relatedAt } from './finding';
import { dropNameTransformFix } from './name-transform-fix';

export const nameTransformSplitsService: Check = {
  code: 'MESH104',
  name: 'name-transform-splits-service',
  severity: 'warning',
  description:
    "A Kustomize `namePrefix`/`nameSuffix` (or a patch) renames a Service in one cluster, while the same Service keeps another name in the clusters it is placed in too. The mesh joins instances by namespace and name: the renamed one forms a global service of its own (`<prefix><name>.<namespace>.mesh.internal`), its endpoints leave the global service its siblings form, and clients of the original hostname never reach them. Keep Service names the same in every cluster. Kustomize applies an overlay's patches before its name transforms, so a patch cannot set the name back: the quick-fix removes the `namePrefix`/`nameSuffix` from the kustomization that renamed the Service. It renames everything that kustomization renders, so when it also renames other objects (a Deployment, a ConfigMap) it is only a suggestion whose title lists them; move the Services to a kustomization without the transform, or rename every cluster's copy alike, if the other names must stay.",
  example: {
    wrong: `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      //- overlays/east/kustomization.yaml
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namePrefix: west-
      resources: [../../base]
    `,
    fixed: `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      //- overlays/east/kustomization.yaml
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      resources: [../../base]
    `,
  },
  run: (shard, mesh) =>
    placementsOfOneDocument(shard).flatMap((instances) => renamedInstances(instances, shard, mesh)),
};

/** The instances that come from one Service document, for documents placed in several clusters. */
function placementsOfOneDocument(shard: Shard): ServiceInstance[][] {
  const byDocument = new Map<string, ServiceInstance[]>();
  for (const instance of shard.services) {
    if (instance.placement.clusters.length < 2) continue;
    const written = instance.resource.origin ?? instance.resource;
    const key = `${written.source.path}\u0000${written.docIndex}\u0000${written.nodeIndex}`;
    const group = byDocument.get(key);
    if (group) group.push(instance);
    else byDocument.set(key, [instance]);
  }
  return [...byDocument.values()];
}

/** The name most clusters give the document, the instances with it, and those renamed away from it. */
function splitOf(
  instances: ServiceInstance[],
): { usual: string; siblings: ServiceInstance[]; renamed: ServiceInstance[] } | undefined {
  const usual = majority(instances.map((instance) => instance.name));
  if (usual === undefined) return undefined;
  const siblings = instances.filter((instance) => instance.name === usual);
  // Nothing splits when nothing is exported: there is no global service to leave.
  if (!instances.some((instance) => instance.hostname) || siblings.length === 0) return undefined;
  return { usual, siblings, renamed: instances.filter((instance) => instance.name !== usual) };
}

/** The instances whose name differs from the name most clusters give the document. */
function renamedInstances(instances: ServiceInstance[], shard: Shard, mesh: MeshIndex): Finding[] {
  const split = splitOf(instances);
  if (!split) return [];
  const { usual, siblings } = split;
  return split.renamed.map((renamed) => {
    const { name } = renamed.resource;
    const decidedBy = name?.file ? ` by ${name.file}` : '';
    return findingAt(
      nameTransformSplitsService,
      renamed.resource,
      name ?? renamed.resource.range,
      `Service ${renamed.namespace}/${usual} is named ${renamed.name} in ${renamed.cluster}${decidedBy}, but ${usual} in ${listClusters(siblings.map((sibling) => sibling.cluster))}: the mesh joins instances by name, so its endpoints in ${renamed.cluster} ${renamed.hostname ? `form ${renamed.hostname}` : 'are in no global service'} instead of joining ${siblings.find((sibling) => sibling.hostname)?.hostname ?? `${usual}.${renamed.namespace}`}.`,
      {
        related: siblings.map((sibling) =>
          relatedAt(sibling.resource, sibling.resource.name, `named ${usual} in ${sibling.cluster}`),
        ),
        fixes: () => dropNameTransformFix(mesh, renamed, splitResources(shard)),
      },
    );
  });
}

/** Every renamed instance the check reports in the shard: renaming those back is what the fix is for. */
function splitResources(shard: Shard): Resource[] {
  return placementsOfOneDocument(shard).flatMap(
    (instances) => splitOf(instances)?.renamed.map((instance) => instance.resource) ?? [],
  );
}
