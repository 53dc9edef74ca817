import { shardOfHost, shardOfResource } from '../model/shards';
import type { ClusterReference, MeshModel, NamespaceInstance, ServiceInstance, Shard } from '../model/types';
import { compareStrings } from '../text/findings-order';
import { namespaceOf } from '../yaml/resource';

/** What one file contributes to the model, for features that answer about a position in it. */
export interface FileIndex {
  references: ClusterReference[];
  services: ServiceInstance[];
  namespaces: NamespaceInstance[];
}

type ByFile = Map<string, FileIndex>;

// Indexed per shard, not per model: an edit makes a new model but keeps the parts of every shard
// it did not touch, so their indexes survive it. (One index over the whole model was rebuilt after
// every edit: the first hover after an edit took 90 ms at 50,000 resources.)
const indexesByShard = new WeakMap<Shard, ByFile>();

/** The services, namespaces and references of `file` in the model, in the model's order. */
export function fileIndex(model: MeshModel, file: string): FileIndex {
  const found: FileIndex = { references: [], services: [], namespaces: [] };
  for (const key of shardsOfFile(model, file)) {
    const shard = model.shards.get(key);
    if (!shard) continue;
    const index = indexOf(shard, file);
    found.references.push(...index.references);
    found.services.push(...index.services);
    found.namespaces.push(...index.namespaces);
  }
  return found;
}

/** The shards a file's manifests and hostnames belong to, in the order the model lists shards. */
function shardsOfFile(model: MeshModel, file: string): string[] {
  const modelFile = model.files.get(file);
  if (!modelFile) return [];
  const shards = new Set<string>();
  // Every placement's: a base placed with an overlay's namespace is in that namespace's shard.
  for (const placement of modelFile.placements) {
    for (const resource of placement.resources) shards.add(shardOfResource(resource));
    for (const reference of placement.declarations.hostReferences)
      shards.add(shardOfHost(reference.host.value, namespaceOf(reference.resource)));
  }
  return [...shards].sort(compareStrings);
}

function indexOf(shard: Shard, file: string): FileIndex {
  let byFile = indexesByShard.get(shard);
  if (!byFile) {
    byFile = indexByFile(shard);
    indexesByShard.set(shard, byFile);
  }
  return byFile.get(file) ?? { references: [], services: [], namespaces: [] };
}

function indexByFile(lists: Pick<Shard, 'references' | 'services' | 'namespaces'>): ByFile {
  const byFile: ByFile = new Map();
  const entry = (file: string) => {
    let index = byFile.get(file);
    if (!index) {
      index = { references: [], services: [], namespaces: [] };
      byFile.set(file, index);
    }
    return index;
  };
  for (const reference of lists.references) entry(reference.resource.source.path).references.push(reference);
  for (const service of lists.services) entry(service.resource.source.path).services.push(service);
  for (const namespace of lists.namespaces) entry(namespace.resource.source.path).namespaces.push(namespace);
  return byFile;
}
