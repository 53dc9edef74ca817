import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, SEGMENT_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { classifyHost, meshDomains } from '../model/hostnames';
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
  // A value a kustomization set on a placed object is written in the kustomization, not in this
  // file: its range is no position here.
  const here = (located: Located<unknown> | undefined): located is Located<unknown> =>
    located !== undefined && located.file === undefined;
  const reference = index.references.find(
    (candidate) =>
      here(candidate.host) &&
      containsPosition(candidate.host.range, position) &&
      meshHostname(model, candidate),
  );
  if (reference) return { kind: 'reference', reference, range: reference.host.range };
  const resources = [
    ...index.services.map((service) => service.resource),
    ...index.namespaces.map((namespace) => namespace.resource),
  ];
  for (const resource of resources) {
    const key = meshKeyAt(resource, position);
    if (key) return key;
  }
  const service = index.services.find((candidate) => {
    const name = writtenName(candidate);
    return name !== undefined && containsPosition(name.range, position);
  });
  const name = service && writtenName(service);
  if (service && name) return { kind: 'service', instance: service, range: name.range };
  return undefined;
}

/**
 * A hostname in a string value is found by its words before the topology is known
 * (facts/hostname-tokens.ts): one the mesh's domains do not make global-looking
 * (`metadata.google.internal`) is no target, as it is no finding.
 */
function meshHostname(model: MeshModel, reference: ClusterReference): boolean {
  if (reference.role !== 'value') return true;
  const form = classifyHost(reference.host.value, reference.namespace, meshDomains(model.topology));
  return form.form === 'global' || form.form === 'near-global';
}

/** The Service's name as written in its document (a rendered one's base name, not a prefixed one). */
export function writtenName(instance: ServiceInstance): Located<string> | undefined {
  return (instance.resource.origin ?? instance.resource).name;
}

function meshKeyAt(resource: Resource, position: Position): Target | undefined {
  for (const entries of [resource.labels, resource.annotations]) {
    for (const key of MESH_KEYS) {
      const entry = entries.get(key);
      if (!entry || entry.file !== undefined) continue;
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
