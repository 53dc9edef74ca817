import { SCOPE_LABEL } from '../facts/mesh-labels';
import type { MeshModel, ServiceInstance } from '../model/types';
import type { FileEdit } from '../text/findings';
import { setMetadataEntry } from './yaml-edits';

/** Edits that export one instance through the Service's own label: the smallest change (SPEC §2). */
export function exportServiceEdits(instance: ServiceInstance, scope: string): FileEdit {
  return {
    file: instance.resource.source.path,
    edits: setMetadataEntry(instance.resource, 'labels', SCOPE_LABEL, scope),
  };
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

/** The other Services of the instance's namespace and cluster that a Namespace label would export. */
export function servicesAlsoExported(model: MeshModel, instance: ServiceInstance): ServiceInstance[] {
  return model.services.filter(
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
