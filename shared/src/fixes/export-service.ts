import type { FileEdit } from '../findings';
import { SCOPE_LABEL } from '../model/mesh-labels';
import type { ServiceInstance } from '../model/types';
import { setMetadataEntry } from './yaml-edits';

/**
 * Edits that export one instance: its Namespace's label when `viaNamespace` (and that Namespace is in
 * the workspace), else the Service's own label. A Namespace label exports every Service in it.
 */
export function exportInstanceEdits(
  instance: ServiceInstance,
  scope: string,
  viaNamespace: boolean,
): FileEdit {
  const target =
    viaNamespace && instance.namespaceInstance ? instance.namespaceInstance.resource : instance.resource;
  return { file: target.source.path, edits: setMetadataEntry(target, 'labels', SCOPE_LABEL, scope) };
}

/** Where the edit lands, for fix titles: "Service bookinfo/ratings" or "Namespace bookinfo". */
export function exportTargetName(instance: ServiceInstance, viaNamespace: boolean): string {
  return viaNamespace && instance.namespaceInstance
    ? `Namespace ${instance.namespace} in ${instance.cluster}`
    : `Service ${instance.namespace}/${instance.name} in ${instance.cluster}`;
}
