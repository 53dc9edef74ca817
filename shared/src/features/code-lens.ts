import type { HostRole } from '../facts/declarations';
import { isKustomizationFile } from '../kustomize';
import { hostnameReadAsServiceName, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel, ServiceInstance } from '../model/types';
import { reachFrom } from '../reach/reach-from';
import type { Range } from '../text/source';
import { fileIndex } from './file-index';
import { writtenName } from './locate';
import { type Location, serviceLocations } from './navigation';
import {
  exportSummary,
  NOT_A_HOSTNAME_BACKEND,
  plural,
  RESOLVES_TO_NOTHING,
  reachSummary,
} from './reach-words';

export interface CodeLens {
  range: Range;
  title: string;
  /** Where clicking takes the user: the instances of the service (shown in a references view). */
  locations: Location[];
}

/** Above each Service: its global reach; above each routing hostname: what it reaches from here. */
export function codeLenses(model: MeshModel, file: string): CodeLens[] {
  const index = fileIndex(model, file);
  const byDocument = servicesByDocument(index.services);
  return [
    ...kustomizationLens(model, file),
    ...byDocument.flatMap((placed) =>
      placed.length === 1 && placed[0]?.placement.via !== 'kustomize'
        ? serviceLens(model, placed[0] as ServiceInstance)
        : placedServiceLens(model, placed),
    ),
    // A parentRef names the Service a route is attached to, not where traffic goes: no reach lens.
    // Nor a hostname inside a string value: a lens above every env URL and config line buried the
    // routes' lenses; its findings, hover and definition say the same.
    ...index.references
      .filter((reference) => !LENSLESS_ROLES.has(reference.role))
      .flatMap((reference) => referenceLens(model, reference)),
  ];
}

const LENSLESS_ROLES = new Set<HostRole>(['serviceEntryHost', 'parentRef', 'value']);

/** A file's Services grouped by the document they come from (one document, one group per file). */
function servicesByDocument(services: readonly ServiceInstance[]): ServiceInstance[][] {
  const groups = new Map<string, ServiceInstance[]>();
  for (const service of services) {
    const written = service.resource.origin ?? service.resource;
    const key = `${written.docIndex}/${written.nodeIndex}`;
    const group = groups.get(key);
    if (group) group.push(service);
    else groups.set(key, [service]);
  }
  return [...groups.values()];
}

/** One lens above a document placed in several clusters: where it is exported and where not. */
function placedServiceLens(model: MeshModel, placed: ServiceInstance[]): CodeLens[] {
  const [first] = placed;
  const range = first && writtenName(first)?.range;
  if (!first || !range) return [];
  const exported = placed.filter((instance) => instance.hostname);
  const notExported = placed.filter((instance) => !instance.hostname);
  const endpoints = placed.reduce((sum, instance) => sum + instance.endpoints, 0);
  const parts = [
    exported.length > 0 ? `exported in ${names(exported)}` : 'exported nowhere',
    ...(exported.length > 0 && notExported.length > 0 ? [`not exported in ${names(notExported)}`] : []),
    plural(endpoints, 'endpoint'),
  ];
  const siblings = placed.flatMap(
    (instance) => model.servicesByName.get(`${instance.namespace}/${instance.name}`) ?? [],
  );
  return [
    {
      range,
      title: `placed in ${placed.length} clusters · ${parts.join(' · ')}`,
      locations: serviceLocations(siblings),
    },
  ];
}

function names(instances: readonly ServiceInstance[]): string {
  return [...new Set(instances.map((instance) => instance.cluster))].join(', ');
}

/**
 * Above an entry kustomization: what it places (`3 Services · 2 exported · cluster2`), so an overlay
 * that exports nothing shows it before any diagnostic is read.
 */
function kustomizationLens(model: MeshModel, file: string): CodeLens[] {
  if (!isKustomizationFile(file)) return [];
  const placed = model.services.filter(
    (service) => service.placement.via === 'kustomize' && service.placement.entry?.file === file,
  );
  const clusters = [...new Set(placed.map((service) => service.cluster))];
  if (clusters.length === 0) return [];
  const exported = placed.filter((service) => service.hostname).length;
  const start = { line: 0, character: 0 };
  return [
    {
      range: { start, end: start },
      title: `${plural(placed.length, 'Service')} · ${exported} exported · placed in ${clusters.join(', ')}`,
      locations: serviceLocations(placed),
    },
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
        title: `local only · ${plural(instance.endpoints, 'endpoint')}`,
        locations,
      },
    ];
  const endpoints = global.instances.reduce((sum, member) => sum + member.endpoints, 0);
  const exporting = global.instances.map((member) => member.cluster);
  const holding = [...exporting, ...global.unexportedSiblings.map((member) => member.cluster)];
  return [
    {
      range,
      title: `${instance.exportScope} · ${global.hostname} · ${exportSummary(exporting, holding)} · ${plural(endpoints, 'endpoint')}`,
      locations,
    },
  ];
}

function referenceLens(model: MeshModel, reference: ClusterReference): CodeLens[] {
  // The lens says what the diagnostics say: a hostname read as a Service name goes nowhere.
  if (hostnameReadAsServiceName(reference))
    return [{ range: reference.host.range, title: `→ ${NOT_A_HOSTNAME_BACKEND}`, locations: [] }];
  const resolution = resolveHost(model, reference.host.value, reference.cluster, reference.namespace);
  if (resolution.kind === 'external') return [];
  const reach = reachFrom(model, reference.host.value, reference.cluster, reference.namespace);
  if (!reach.resolved)
    return [{ range: reference.host.range, title: `→ ${RESOLVES_TO_NOTHING}`, locations: [] }];
  const title = `→ ${reachSummary(reach)}`;
  const instances = [
    ...reach.candidates.map((candidate) => candidate.instance),
    ...reach.excluded.map((entry) => entry.instance),
  ];
  return [{ range: reference.host.range, title, locations: serviceLocations(instances) }];
}
