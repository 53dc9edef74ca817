import type { ClusterReference, MeshModel, NamespaceInstance, ServiceInstance } from '../model/types';

/** What one file contributes to the model, for features that answer about a position in it. */
export interface FileIndex {
  references: ClusterReference[];
  services: ServiceInstance[];
  namespaces: NamespaceInstance[];
}

const indexes = new WeakMap<MeshModel, Map<string, FileIndex>>();

/** Per-file indexes, built once per model (a model is immutable; an edit builds a new one). */
export function fileIndex(model: MeshModel, file: string): FileIndex {
  let byFile = indexes.get(model);
  if (!byFile) {
    byFile = buildIndexes(model);
    indexes.set(model, byFile);
  }
  return byFile.get(file) ?? { references: [], services: [], namespaces: [] };
}

function buildIndexes(model: MeshModel): Map<string, FileIndex> {
  const byFile = new Map<string, FileIndex>();
  const entry = (file: string) => {
    let index = byFile.get(file);
    if (!index) {
      index = { references: [], services: [], namespaces: [] };
      byFile.set(file, index);
    }
    return index;
  };
  for (const reference of model.references) entry(reference.resource.source.path).references.push(reference);
  for (const service of model.services) entry(service.resource.source.path).services.push(service);
  for (const namespace of model.namespaces) entry(namespace.resource.source.path).namespaces.push(namespace);
  return byFile;
}
