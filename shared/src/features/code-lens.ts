import { hostnameReadAsServiceName, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel, ServiceInstance } from '../model/types';
import { reachFrom } from '../reach/reach-from';
import type { Range } from '../text/source';
import { fileIndex } from './file-index';
import { type Location, serviceLocations } from './navigation';

export interface CodeLens {
  range: Range;
  title: string;
  /** Where clicking takes the user: the instances of the service (shown in a references view). */
  locations: Location[];
}

/** Above each Service: its global reach; above each routing hostname: what it reaches from here. */
export function codeLenses(model: MeshModel, file: string): CodeLens[] {
  const index = fileIndex(model, file);
  return [
    ...index.services.flatMap((service) => serviceLens(model, service)),
    // A parentRef names the Service a route is attached to, not where traffic goes: no reach lens.
    ...index.references
      .filter((reference) => reference.role !== 'serviceEntryHost' && reference.role !== 'parentRef')
      .flatMap((reference) => referenceLens(model, reference)),
  ];
}

function serviceLens(model: MeshModel, instance: ServiceInstance): CodeLens[] {
  const range = instance.resource.name?.range;
  if (!range) return [];
  const siblings = model.servicesByName.get(`${instance.namespace}/${instance.name}`) ?? [instance];
  const global = instance.hostname ? model.globalServices.get(instance.hostname) : undefined;
  const locations = serviceLocations(siblings);
  if (!global)
    return [
      {
        range,
        title: `local only · ${instance.endpoints} endpoint${instance.endpoints === 1 ? '' : 's'}`,
        locations,
      },
    ];
  const endpoints = global.instances.reduce((sum, member) => sum + member.endpoints, 0);
  const total = global.instances.length + global.unexportedSiblings.length;
  return [
    {
      range,
      title: `${instance.exportScope} · ${global.hostname} · ${global.instances.length}/${total} clusters · ${endpoints} endpoint${endpoints === 1 ? '' : 's'}`,
      locations,
    },
  ];
}

function referenceLens(model: MeshModel, reference: ClusterReference): CodeLens[] {
  // The lens says what the diagnostics say: a hostname read as a Service name goes nowhere.
  if (hostnameReadAsServiceName(reference))
    return [
      { range: reference.host.range, title: '→ resolves to nothing (not a Hostname backend)', locations: [] },
    ];
  const resolution = resolveHost(model, reference.host.value, reference.cluster, reference.namespace);
  if (resolution.kind === 'external') return [];
  const reach = reachFrom(model, reference.host.value, reference.cluster, reference.namespace);
  if (!reach.resolved)
    return [{ range: reference.host.range, title: '→ resolves to nothing', locations: [] }];
  const endpoints = reach.chosen.reduce((sum, entry) => sum + entry.endpoints, 0);
  const clusters = reach.chosen.map((entry) => entry.cluster).join(', ');
  const title =
    endpoints > 0
      ? `→ ${endpoints} endpoint${endpoints === 1 ? '' : 's'} in ${clusters} (${reach.mode})`
      : `→ no reachable endpoint from ${reference.cluster}`;
  const instances = [
    ...reach.candidates.map((candidate) => candidate.instance),
    ...reach.excluded.map((entry) => entry.instance),
  ];
  return [{ range: reference.host.range, title, locations: serviceLocations(instances) }];
}
