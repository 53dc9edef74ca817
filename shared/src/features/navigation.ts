import { type HostResolution, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel, ServiceInstance } from '../model/types';
import { containsPosition, type Position, type Range } from '../text/source';
import type { Resource } from '../yaml/resource';
import { targetAt } from './locate';

export interface Location {
  file: string;
  range: Range;
}

/**
 * Where the instances are written: each document once, however many clusters it is placed in (a base
 * read by three overlays is one place to go to).
 */
export function serviceLocations(instances: ServiceInstance[]): Location[] {
  const seen = new Set<string>();
  const locations: Location[] = [];
  for (const instance of instances) {
    const location = writtenLocation(instance.resource);
    const key = `${location.file}\u0000${location.range.start.line}:${location.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    locations.push(location);
  }
  return locations;
}

/** A resource's name in the document as written (the base's, for a rendered object). */
export function writtenLocation(resource: Resource): Location {
  const written = resource.origin ?? resource;
  return { file: written.source.path, range: written.name?.range ?? written.range };
}

/** The service instances a hostname resolves to (SPEC §5). */
export function instancesOf(resolution: HostResolution): ServiceInstance[] {
  switch (resolution.kind) {
    case 'global':
      return resolution.service.instances;
    case 'local':
      return resolution.global?.instances ?? (resolution.instance ? [resolution.instance] : []);
    case 'wrong-suffix':
      return resolution.services;
    case 'not-exported':
      return resolution.instances;
    default:
      return [];
  }
}

/**
 * Go to definition: from a hostname to every instance of the service it names; from a patch (a file
 * or an inline patch that only kustomizations read) to the documents it patches.
 */
export function definitionAt(model: MeshModel, file: string, position: Position): Location[] {
  const target = targetAt(model, file, position);
  if (target?.kind !== 'reference') return patchedDocumentsAt(model, file, position);
  const { reference } = target;
  return serviceLocations(
    instancesOf(resolveHost(model, reference.host.value, reference.cluster, reference.namespace)),
  );
}

/** Find references: from a Service (its name) or a hostname, every route and rule naming that service. */
export function referencesAt(
  model: MeshModel,
  file: string,
  position: Position,
  includeDeclaration: boolean,
): Location[] {
  const target = targetAt(model, file, position);
  let instances: ServiceInstance[] = [];
  if (target?.kind === 'service') instances = [target.instance];
  else if (target?.kind === 'reference') {
    const { reference } = target;
    instances = instancesOf(resolveHost(model, reference.host.value, reference.cluster, reference.namespace));
  }
  if (instances.length === 0) return [];
  const keys = new Set(instances.map(instanceKey));
  const hostnames = new Set(instances.flatMap((instance) => (instance.hostname ? [instance.hostname] : [])));
  const references = model.references.filter((reference) => refersTo(model, reference, keys, hostnames));
  const locations = references.map((reference) => ({
    file: reference.resource.source.path,
    range: reference.host.range,
  }));
  return includeDeclaration ? [...serviceLocations(instances), ...locations] : locations;
}

function instanceKey(instance: ServiceInstance): string {
  return `${instance.cluster}/${instance.namespace}/${instance.name}`;
}

function refersTo(
  model: MeshModel,
  reference: ClusterReference,
  keys: Set<string>,
  hostnames: Set<string>,
): boolean {
  const resolution = resolveHost(model, reference.host.value, reference.cluster, reference.namespace);
  if (resolution.kind === 'global') return hostnames.has(resolution.service.hostname);
  if (resolution.kind === 'local') {
    if (resolution.global && hostnames.has(resolution.global.hostname)) return true;
    return resolution.instance !== undefined && keys.has(instanceKey(resolution.instance));
  }
  return instancesOf(resolution).some((instance) => keys.has(instanceKey(instance)));
}

/**
 * The documents a patch at the position applies to, found by kind and name among the objects the
 * kustomizations render: a patch file is no resource of its own (it has no placement), but it names
 * the object it patches as that object is written in its base.
 */
function patchedDocumentsAt(model: MeshModel, file: string, position: Position): Location[] {
  const modelFile = model.files.get(file);
  if (!modelFile || modelFile.placements.length > 0) return [];
  const patch = modelFile.parsed.resources.find((resource) => containsPosition(resource.range, position));
  const name = patch?.name?.value;
  if (!patch || !name) return [];
  const seen = new Set<string>();
  const locations: Location[] = [];
  for (const candidate of model.files.values())
    for (const placement of candidate.placements) {
      if (placement.via !== 'kustomize') continue;
      for (const resource of placement.resources) {
        const written = resource.origin ?? resource;
        if (written.kind !== patch.kind || written.name?.value !== name) continue;
        const location = writtenLocation(resource);
        const key = `${location.file}\u0000${location.range.start.line}`;
        if (!seen.has(key)) {
          seen.add(key);
          locations.push(location);
        }
      }
    }
  return locations;
}
