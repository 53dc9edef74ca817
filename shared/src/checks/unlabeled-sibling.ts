import { SCOPE_LABEL } from '../facts/mesh-labels';
import {
  alsoExportsNote,
  exportNamespaceEdits,
  exportServiceEdits,
  exportThroughEntryEdits,
  servicesAlsoExported,
} from '../fixes/export-service';
import { sharedNote } from '../fixes/layered-fix';
import { wholeShard } from '../model/shards';
import type { GlobalService, MeshIndex, ServiceInstance, Shard } from '../model/types';
import type { Finding, Fix, RelatedLocation } from '../text/findings';
import { offsetAt } from '../text/source';
import { majority } from '../util/majority';
import type { Located } from '../yaml/nodes';
import type { Check } from './check';
import { findingAt, listClusters, multiFileFix, plural, relatedAt } from './finding';
import { deletedLabel } from './label-holders';

export const unlabeledSibling: Check = {
  code: 'MESH101',
  name: 'unlabeled-sibling',
  severity: 'warning',
  description:
    'A service is exported (`solo.io/service-scope`) in some clusters, but a Service of the same name and namespace in another cluster is not. Namespace sameness makes them one service, yet the unlabeled instance contributes no endpoints to the global hostname: traffic never reaches those pods, and if the exported clusters lose their endpoints, callers fail although healthy pods exist. Label the instance (or its namespace) with the same scope.',
  example: {
    wrong: `
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
      //- clusters/west/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: bookinfo
    `,
    fixed: `
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
      //- clusters/west/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
    `,
  },
  run: (shard, mesh) => shard.globalServices.flatMap((service) => siblingFindings(shard, mesh, service)),
  // A Namespace fix's title names the other Services it would export; the finding reads its unit alone.
  fixesReadNamespace: true,
};

function siblingFindings(shard: Shard, mesh: MeshIndex, service: GlobalService): Finding[] {
  // Only siblings with no scope at all: an explicit `cluster`/`local` is a deliberate choice, and
  // invalid or misplaced values have their own codes (MESH110, MESH111).
  const siblings = service.unexportedSiblings.filter((sibling) => sibling.scope.from === 'default');
  if (siblings.length === 0) return [];
  const scope = majority(service.instances.map((instance) => instance.exportScope ?? 'global')) ?? 'global';
  const exportedIn = listClusters(service.instances.map((instance) => instance.cluster));
  const related = service.instances.map((instance) =>
    relatedAt(
      instance.scope.resource ?? instance.resource,
      instance.scope.raw,
      `exported in ${instance.cluster} (${instance.scope.from === 'namespace' ? 'namespace label' : 'Service label'})`,
    ),
  );
  const label = `${SCOPE_LABEL}=${scope}`;
  // One fix shared by every sibling's finding, built when the first of them is asked for.
  let labelAllFix: Fix | undefined;
  const labelAll = () =>
    (labelAllFix ??= multiFileFix(
      `Label all unlabeled siblings of ${service.hostname} with ${label}`,
      siblings.map((sibling) => exportServiceEdits(sibling, scope)),
    ));
  return siblings.map((sibling) => {
    const removed = deletedLabel(sibling.resource, SCOPE_LABEL);
    if (removed) return removedLabelFinding(mesh, service, sibling, removed, scope, exportedIn, related);
    // The preferred fix labels the Service: the smallest change, and what the message asks for.
    // Labeling its Namespace instead exports every other unlabeled Service there too.
    const fixes = () => {
      const throughEntry = layeredExportFix(mesh, sibling, siblings, scope, label);
      // The document's own label is preferred only when no other cluster shares it (SPEC §9).
      const own = multiFileFix(
        `Label ${describe(sibling)} ${where(sibling)}with ${label}${alsoChangesNote(sibling, siblings)}`,
        [exportServiceEdits(sibling, scope)],
        !throughEntry && clustersNotAtFault(sibling, siblings).length === 0,
      );
      const viaNamespace = exportNamespaceEdits(sibling, scope);
      const namespaceFix =
        viaNamespace &&
        multiFileFix(
          `Label Namespace ${sibling.namespace} in ${sibling.cluster} with ${label}${alsoExportsNote(servicesAlsoExported(wholeShard(shard), sibling))}`,
          [viaNamespace],
        );
      return [
        ...(throughEntry ? [throughEntry] : []),
        own,
        ...(namespaceFix ? [namespaceFix] : []),
        ...(siblings.length > 1 ? [labelAll()] : []),
      ];
    };
    return findingAt(
      unlabeledSibling,
      sibling.resource,
      sibling.resource.name ?? sibling.resource.range,
      `${describe(sibling)} is not exported in ${sibling.cluster}, but its siblings in ${exportedIn} are (${service.hostname}): its ${plural(sibling.endpoints, 'endpoint')} ${sibling.endpoints === 1 ? 'is' : 'are'} missing from the global service. Label it ${label}.`,
      { related: [...related, ...entryRelated(sibling)], fixes },
    );
  });
}

/**
 * A sibling whose scope label an overlay's patch removes (`solo.io/service-scope: null`): the patch
 * decided, so the finding is on it, and the fix sets the label there instead of removing it (one
 * more patch after it would leave the two contradicting each other).
 */
function removedLabelFinding(
  mesh: MeshIndex,
  service: GlobalService,
  sibling: ServiceInstance,
  removed: Located<null>,
  scope: string,
  exportedIn: string,
  related: RelatedLocation[],
): Finding {
  const file = removed.file ?? sibling.resource.source.path;
  const fixes = (): Fix[] => {
    const text = mesh.files.get(file)?.parsed.source.text;
    if (text === undefined) return [];
    const source = { path: file, text };
    const written = text.slice(offsetAt(source, removed.range.start), offsetAt(source, removed.range.end));
    if (!/^(null|Null|NULL|~)$/.test(written)) return [];
    return [
      multiFileFix(
        `Set ${SCOPE_LABEL}: ${scope} in ${file} instead of removing it`,
        [{ file, edits: [{ range: removed.range, newText: scope }] }],
        true,
      ),
    ];
  };
  return findingAt(
    unlabeledSibling,
    sibling.resource,
    removed,
    `${describe(sibling)} is not exported in ${sibling.cluster}, but its siblings in ${exportedIn} are (${service.hostname}): ${file} removes its ${SCOPE_LABEL} label, so its ${plural(sibling.endpoints, 'endpoint')} ${sibling.endpoints === 1 ? 'is' : 'are'} missing from the global service.`,
    {
      related: [
        ...related,
        relatedAt(sibling.resource, sibling.resource.name, `the Service in ${sibling.cluster}`),
      ],
      fixes,
    },
  );
}

/**
 * For an instance a kustomization placed from a document other clusters share, the fix that changes
 * only its cluster: a patch in its overlay (SPEC §9). Undefined when the document is this cluster's
 * alone, or every cluster placing it is at fault: then the document itself is the place to fix.
 */
function layeredExportFix(
  mesh: MeshIndex,
  sibling: ServiceInstance,
  siblings: readonly ServiceInstance[],
  scope: string,
  label: string,
): Fix | undefined {
  if (clustersNotAtFault(sibling, siblings).length === 0) return undefined;
  const edits = exportThroughEntryEdits(mesh, sibling, scope);
  const entry = sibling.placement.entry?.file;
  return (
    edits &&
    multiFileFix(
      `Label ${describe(sibling)} in ${sibling.cluster} with ${label} (patch in ${entry})`,
      [edits],
      true,
    )
  );
}

/** The other clusters the sibling's document is placed in, where the service is not missing. */
function clustersNotAtFault(sibling: ServiceInstance, siblings: readonly ServiceInstance[]): string[] {
  const atFault = new Set(siblings.map((other) => other.cluster));
  return sibling.placement.clusters.filter((cluster) => !atFault.has(cluster));
}

/** `in cluster2 ` for a document of one cluster; for a shared one, the file (the title's note names the clusters). */
function where(sibling: ServiceInstance): string {
  return sibling.placement.clusters.length > 1
    ? `in ${(sibling.resource.origin ?? sibling.resource).source.path} `
    : `in ${sibling.cluster} `;
}

/**
 * " (shared: also changes it in east and west)" when the edited document is placed in other clusters;
 * when no overlay placed it (overlapping topology paths, a GitOps path), that is said too.
 */
function alsoChangesNote(sibling: ServiceInstance, siblings: readonly ServiceInstance[]): string {
  const alone = sibling.placement.via === 'kustomize' ? undefined : sibling.cluster;
  return sharedNote(clustersNotAtFault(sibling, siblings), alone);
}

/** The kustomization that placed the instance, when a shared document is reported. */
function entryRelated(sibling: ServiceInstance): RelatedLocation[] {
  const { entry, via } = sibling.placement;
  return via === 'kustomize' && entry
    ? [{ file: entry.file, range: entry.range, message: `places it in ${sibling.cluster}` }]
    : [];
}

function describe(instance: ServiceInstance): string {
  return `Service ${instance.namespace}/${instance.name}`;
}
