import { SCOPE_LABEL } from '../facts/mesh-labels';
import type { MeshIndex, ServiceInstance, Shard } from '../model/types';
import type { FileEdit } from '../text/findings';
import { addLabelsPatch } from './kustomize-patch';
import { setMetadataEntry } from './yaml-edits';

/**
 * Edits that export one instance through the Service's own label: the smallest change (SPEC §2). The
 * document as written is edited: for a placed instance, that is the base every placement shares.
 */
export function exportServiceEdits(instance: ServiceInstance, scope: string): FileEdit {
  const written = instance.resource.origin ?? instance.resource;
  return {
    file: written.source.path,
    edits: setMetadataEntry(written, 'labels', SCOPE_LABEL, scope),
  };
}

/**
 * Edits that export one instance in its cluster only, through the kustomization that placed it there
 * (SPEC §9): a patch in that overlay, leaving the shared base and the other clusters as they are.
 */
export function exportThroughEntryEdits(
  mesh: MeshIndex,
  instance: ServiceInstance,
  scope: string,
): FileEdit | undefined {
  const { entry, via } = instance.placement;
  const kustomization = via === 'kustomize' && entry ? mesh.files.get(entry.file)?.parsed : undefined;
  if (!kustomization) return undefined;
  const written = instance.resource.origin ?? instance.resource;
  return addLabelsPatch(
    kustomization,
    {
      apiVersion: written.apiVersion,
      kind: written.kind,
      name: written.name?.value ?? instance.name,
      namespace: written.namespace?.value || undefined,
    },
    { [SCOPE_LABEL]: scope },
  );
}

/**
 * Edits that export an instance through its Namespace's label, when that Namespace is in the
 * workspace. The label exports every Service of the namespace without a scope of its own
 * (`servicesAlsoExported`), so such a fix is never the preferred one and says so in its title.
 */
export function exportNamespaceEdits(instance: ServiceInstance, scope: string): FileEdit | undefined {
  const namespace = instance.namespaceInstance?.resource;
  return (
    namespace && {
      file: namespace.source.path,
      edits: setMetadataEntry(namespace, 'labels', SCOPE_LABEL, scope),
    }
  );
}

/**
 * The other Services of the instance's namespace and cluster that a Namespace label would export,
 * among those of its shard (which holds every Service of the namespace).
 */
export function servicesAlsoExported(
  shard: Pick<Shard, 'services'>,
  instance: ServiceInstance,
): ServiceInstance[] {
  return shard.services.filter(
    (other) =>
      other !== instance &&
      other.cluster === instance.cluster &&
      other.namespace === instance.namespace &&
      other.scope.from === 'default',
  );
}

/** " (also exports details and reviews)" for a Namespace fix's title; empty when it exports nothing else. */
export function alsoExportsNote(others: readonly ServiceInstance[]): string {
  if (others.length === 0) return '';
  const names = [...new Set(others.map((other) => other.name))].sort();
  const shown = names.length > 4 ? [...names.slice(0, 4), `${names.length - 4} more`] : names;
  const listed =
    shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return ` (also exports ${listed})`;
}
