import type { HostReference } from '../facts/declarations';
import { DEFAULT_DOMAIN, domainOf, type Topology } from '../topology/types';
import { boundedEditDistance } from '../util/edit-distance';
import { type GlobalService, type MeshIndex, type ServiceInstance, serviceKey } from './types';

/** How a hostname is read (SPEC §5), before looking anything up. */
export type HostForm =
  | { form: 'global'; name: string; namespace: string; domain: string }
  /** `<name>.<ns>.<suffix>` where the suffix is a near miss of a mesh domain (`internal.mesh`, `mesh.local`, typos). */
  | { form: 'near-global'; name: string; namespace: string; suffix: string; intended: string }
  | { form: 'local'; name: string; namespace: string }
  | { form: 'external' };

export type HostResolution =
  | { kind: 'global'; service: GlobalService }
  /** A mesh-looking hostname for a service that exists, but not under this hostname. */
  | { kind: 'wrong-suffix'; name: string; namespace: string; expected: string; services: ServiceInstance[] }
  /** The service exists but no instance is exported. */
  | { kind: 'not-exported'; name: string; namespace: string; instances: ServiceInstance[] }
  | { kind: 'unknown-global'; name: string; namespace: string }
  /** A cluster-local name; `global` is set when takeover makes it reach the global service (SPEC §3). */
  | { kind: 'local'; name: string; namespace: string; instance?: ServiceInstance; global?: GlobalService }
  | { kind: 'external' };

const KNOWN_NEAR_MISSES = [
  'internal.mesh',
  'mesh.local',
  'local.mesh',
  'mesh.internal.local',
  'svc.mesh.internal',
];

export function meshDomains(topology: Topology): string[] {
  return [DEFAULT_DOMAIN, ...[...topology.segments.values()].map((segment) => segment.domain)];
}

export function classifyHost(host: string, referrerNamespace: string, domains: string[]): HostForm {
  const labels = host.split('.');
  if (labels.some((label) => label === '' || label === '*')) return { form: 'external' };
  const [name = '', namespace = referrerNamespace] = labels;
  if (labels.length === 1) return { form: 'local', name, namespace: referrerNamespace };
  if (labels.length === 2) return { form: 'local', name, namespace };
  const suffix = labels.slice(2).join('.');
  if (suffix === 'svc' || suffix === 'svc.cluster.local') return { form: 'local', name, namespace };
  if (domains.includes(suffix)) return { form: 'global', name, namespace, domain: suffix };
  const intended = nearestDomain(suffix, domains);
  if (intended) return { form: 'near-global', name, namespace, suffix, intended };
  return { form: 'external' };
}

/** A suffix that is evidently meant as a mesh domain: a known misspelling, reversed labels, or a small typo. */
function nearestDomain(suffix: string, domains: string[]): string | undefined {
  if (KNOWN_NEAR_MISSES.includes(suffix)) return DEFAULT_DOMAIN;
  const reversed = suffix.split('.').reverse().join('.');
  const swapped = domains.find((domain) => domain === reversed);
  if (swapped) return swapped;
  let best: { domain: string; distance: number } | undefined;
  for (const domain of domains) {
    const distance = boundedEditDistance(suffix, domain, 2);
    if (distance <= 2 && distance < (best?.distance ?? Number.POSITIVE_INFINITY)) best = { domain, distance };
  }
  return best?.domain;
}

/** What a hostname written in `cluster`/`namespace` refers to (SPEC §5). */
export function resolveHost(
  model: MeshIndex,
  host: string,
  cluster: string,
  namespace: string,
): HostResolution {
  const form = classifyHost(host, namespace, meshDomains(model.topology));
  if (form.form === 'external') return { kind: 'external' };
  const instances = model.servicesByName.get(serviceKey(form.namespace, form.name)) ?? [];
  if (form.form === 'local') return resolveLocal(model, form.name, form.namespace, cluster, instances);
  if (form.form === 'global') {
    const service = model.globalServices.get(`${form.name}.${form.namespace}.${form.domain}`);
    if (service) return { kind: 'global', service };
  }
  if (instances.length === 0) return { kind: 'unknown-global', name: form.name, namespace: form.namespace };
  const exported = instances.filter((instance) => instance.hostname);
  if (exported.length === 0)
    return { kind: 'not-exported', name: form.name, namespace: form.namespace, instances };
  return {
    kind: 'wrong-suffix',
    name: form.name,
    namespace: form.namespace,
    expected: expectedHostname(model, exported, cluster),
    services: exported,
  };
}

/** The hostname a client in `cluster` should use: its own domain's when that exists, else any exported one. */
export function expectedHostname(model: MeshIndex, exported: ServiceInstance[], cluster: string): string {
  const ownDomain = domainOf(model.topology, cluster);
  const preferred = exported.find((instance) => instance.hostname?.endsWith(`.${ownDomain}`)) ?? exported[0];
  return preferred?.hostname ?? '';
}

function resolveLocal(
  model: MeshIndex,
  name: string,
  namespace: string,
  cluster: string,
  instances: ServiceInstance[],
): HostResolution {
  const instance = instances.find((candidate) => candidate.cluster === cluster);
  const global =
    instance?.hostname && instance.takeover.value ? model.globalServices.get(instance.hostname) : undefined;
  return { kind: 'local', name, namespace, instance, global };
}

/** The API group of Istio's `Hostname` backend kind. */
export const ISTIO_GROUP = 'networking.istio.io';

/**
 * A Gateway API backend that names a hostname without being a `Hostname` backend (kind Hostname,
 * group networking.istio.io): it is read as a Service name, which cannot contain dots, so it
 * resolves to nothing (SPEC §5). MESH140 reports it; the code lens above it says the same.
 */
export function hostnameReadAsServiceName(reference: HostReference): boolean {
  const { ref } = reference;
  if (!ref || (reference.role !== 'backendRef' && reference.role !== 'mirror')) return false;
  if (!reference.host.value.includes('.')) return false;
  return !((ref.kind?.value ?? 'Service') === 'Hostname' && (ref.group?.value ?? '') === ISTIO_GROUP);
}
