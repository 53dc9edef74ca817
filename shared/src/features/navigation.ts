import { type HostResolution, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel, ServiceInstance } from '../model/types';
import type { Position, Range } from '../text/source';
import { targetAt } from './locate';

export interface Location {
  file: string;
  range: Range;
}

export function serviceLocations(instances: ServiceInstance[]): Location[] {
  return instances.map((instance) => ({
    file: instance.resource.source.path,
    range: instance.resource.name?.range ?? instance.resource.range,
  }));
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

/** Go to definition: from a hostname to every instance of the service it names. */
export function definitionAt(model: MeshModel, file: string, position: Position): Location[] {
  const target = targetAt(model, file, position);
  if (target?.kind !== 'reference') return [];
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
