import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, SEGMENT_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import type { ClusterReference, MeshModel, ServiceInstance } from '../model/types';
import { containsPosition, type Position, type Range } from '../text/source';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import { fileIndex } from './file-index';

const MESH_KEYS = [SCOPE_LABEL, TAKEOVER_LABEL, DISTRIBUTION_ANNOTATION, SEGMENT_LABEL];

/** What the cursor is on, as far as mesh features care. */
export type Target =
  | { kind: 'reference'; reference: ClusterReference; range: Range }
  | { kind: 'service'; instance: ServiceInstance; range: Range }
  | { kind: 'mesh-key'; key: string; entry: Located<string>; resource: Resource; range: Range };

export function targetAt(model: MeshModel, file: string, position: Position): Target | undefined {
  const index = fileIndex(model, file);
  const reference = index.references.find((candidate) => containsPosition(candidate.host.range, position));
  if (reference) return { kind: 'reference', reference, range: reference.host.range };
  const resources = [
    ...index.services.map((service) => service.resource),
    ...index.namespaces.map((namespace) => namespace.resource),
  ];
  for (const resource of resources) {
    const key = meshKeyAt(resource, position);
    if (key) return key;
  }
  const service = index.services.find(
    (candidate) => candidate.resource.name && containsPosition(candidate.resource.name.range, position),
  );
  if (service?.resource.name)
    return { kind: 'service', instance: service, range: service.resource.name.range };
  return undefined;
}

function meshKeyAt(resource: Resource, position: Position): Target | undefined {
  for (const entries of [resource.labels, resource.annotations]) {
    for (const key of MESH_KEYS) {
      const entry = entries.get(key);
      if (!entry) continue;
      const keyRange = entry.keyRange ?? entry.range;
      if (containsPosition(keyRange, position) || containsPosition(entry.range, position)) {
        return {
          kind: 'mesh-key',
          key,
          entry,
          resource,
          range: containsPosition(keyRange, position) ? keyRange : entry.range,
        };
      }
    }
  }
  return undefined;
}
