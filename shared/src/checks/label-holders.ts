import type { YAMLMap } from 'yaml';
import { LOCAL_SCOPES, SCOPE_LABEL } from '../facts/mesh-labels';
import { hasValue } from '../fixes/replace-entry-value';
import { servicesIn } from '../model/indexes';
import type { MeshIndex, ServiceInstance, Setting, Shard } from '../model/types';
import type { Range } from '../text/source';
import { domainOf } from '../topology/types';
import { asMap, deletionOf, type Located } from '../yaml/nodes';
import { field, isRendered, type Resource } from '../yaml/resource';

/**
 * A resource the mesh reads `solo.io/*` labels and the traffic-distribution annotation from (SPEC §2):
 * a Service, or a Namespace whose settings its Services inherit. Checks walk these, not service
 * instances, so a value written once on a Namespace is reported once, where it is written.
 */
export interface LabelHolder {
  resource: Resource;
  cluster: string;
  namespace: string;
  /** Set for a Service; a Namespace has none. */
  service?: ServiceInstance;
}

const holdersByShard = new WeakMap<Shard, LabelHolder[]>();

/** Every Service and Namespace of the shard, built once per shard: several checks walk them. */
export function labelHolders(shard: Shard): LabelHolder[] {
  let holders = holdersByShard.get(shard);
  if (!holders) {
    holders = collectHolders(shard);
    holdersByShard.set(shard, holders);
  }
  return holders;
}

function collectHolders(shard: Shard): LabelHolder[] {
  return [
    ...shard.services.map(
      (service): LabelHolder => ({
        resource: service.resource,
        cluster: service.cluster,
        namespace: service.namespace,
        service,
      }),
    ),
    ...shard.namespaces.map(
      (namespace): LabelHolder => ({
        resource: namespace.resource,
        cluster: namespace.cluster,
        namespace: namespace.name,
      }),
    ),
  ];
}

/** "Service shop/cart in c1" or "Namespace shop in c1", for messages and fix titles. */
export function describeHolder(holder: LabelHolder): string {
  return holder.service
    ? `Service ${holder.namespace}/${holder.service.name} in ${holder.cluster}`
    : `Namespace ${holder.namespace} in ${holder.cluster}`;
}

/** The Services whose `setting` comes from this holder: itself, or the shard's Services of a Namespace that do not set it. */
export function governedServices(
  shard: Shard,
  holder: LabelHolder,
  setting: (service: ServiceInstance) => Setting<unknown>,
): ServiceInstance[] {
  if (holder.service) return [holder.service];
  return servicesIn(shard, holder.cluster, holder.namespace).filter(
    (service) => setting(service).resource === holder.resource,
  );
}

/** "Services cart and web" / "no Service of it in the workspace", for a Namespace's messages. */
export function describeServices(services: ServiceInstance[]): string {
  if (services.length === 0) return 'no Service in the workspace';
  const names = services.map((service) => service.name);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${services.length === 1 ? 'Service' : 'Services'} ${list}`;
}

/** The global hostname a service would have if exported from its cluster (SPEC §1). */
export function globalHostnameOf(mesh: MeshIndex, service: ServiceInstance): string {
  return (
    service.hostname ?? `${service.name}.${service.namespace}.${domainOf(mesh.topology, service.cluster)}`
  );
}

/**
 * Whether the scope in effect keeps the holder local: no scope, or `cluster`/`local`/empty. An invalid
 * value or `segment` outside a segment also exports nothing, but MESH110/MESH111 report those.
 */
export function scopeKeepsLocal(holder: LabelHolder): boolean {
  const scope = holder.service
    ? holder.service.scope.value
    : (holder.resource.labels.get(SCOPE_LABEL)?.value ?? '');
  return LOCAL_SCOPES.includes(scope);
}

/** Whether a scope is written (on the Service or its Namespace, or on the Namespace itself): a deliberate choice. */
export function scopeWritten(holder: LabelHolder): boolean {
  return holder.service ? holder.service.scope.from !== 'default' : holder.resource.labels.has(SCOPE_LABEL);
}

/** The `metadata.labels` or `metadata.annotations` map of a resource, to edit it. */
export function metadataMap(resource: Resource, section: 'labels' | 'annotations'): YAMLMap | undefined {
  return asMap(resource, field(resource, ['metadata', section]));
}

/**
 * A label a kustomize patch deleted from a rendered resource (strategic-merge.ts marks it on the
 * rendered map). Only a rendering has such marks, so a file's own resource is not read: reading its
 * labels' node parsed the file again for every unlabeled sibling (14 % of a topology edit at 10k).
 */
export function deletedLabel(resource: Resource, key: string): Located<null> | undefined {
  return isRendered(resource) ? deletionOf(metadataMap(resource, 'labels'), key) : undefined;
}

/** The value's range, or the key's when there is no value (`key:` with nothing after it). */
export function valueRange(located: Located<string>): Range {
  return hasValue(located) ? located.range : (located.keyRange ?? located.range);
}

// Takeover values that read as "off" (`false`, `no`, …): the writer wants no takeover, so they promise
// nothing, and removing the label is the faithful fix.
const TAKEOVER_OFF_VALUES = ['false', 'no', 'off', '0', 'disabled'];

export function takeoverMeansOff(value: string): boolean {
  return TAKEOVER_OFF_VALUES.includes(value.toLowerCase());
}
