import type { DistributionMode } from '../facts/mesh-labels';
import { resolveHost } from '../model/hostnames';
import type { GlobalService, MeshIndex, ServiceInstance } from '../model/types';
import { type Cluster, canSend } from '../topology/types';

export type ReachMode = DistributionMode | 'local';

export interface ReachEndpoint {
  cluster: string;
  endpoints: number;
}

export interface ReachCandidate extends ReachEndpoint {
  network: string;
  region?: string;
  zone?: string;
  file: string;
  instance: ServiceInstance;
}

/** An instance the client cannot use, and why (for MESH123 and the `reach` command). */
export interface ExcludedInstance extends ReachEndpoint {
  file: string;
  instance: ServiceInstance;
  reason: string;
}

export interface Reach {
  hostname: string;
  from: string;
  mode: ReachMode;
  /** The endpoints the client's traffic goes to under `mode`. */
  chosen: ReachEndpoint[];
  /** Every instance in a cluster the client can send to, ready or not. */
  candidates: ReachCandidate[];
  excluded: ExcludedInstance[];
  /** False when the hostname names no service in the workspace. */
  resolved: boolean;
  explanation: string;
}

type Level = 'zone' | 'region' | 'network';

// SPEC §3: the locality levels each mode tries, closest first. PreferSameNode skips the node
// level because manifests do not say which node a pod lands on.
const LEVELS: Record<DistributionMode, Level[]> = {
  PreferNetwork: ['network'],
  PreferClose: ['zone', 'region', 'network'],
  PreferSameNode: ['zone', 'region', 'network'],
  PreferRegion: ['region', 'network'],
  Any: [],
};

/** Which endpoints a client in `from` uses when it calls `hostname` (SPEC §3). */
export function reachFrom(model: MeshIndex, hostname: string, from: string, namespace = 'default'): Reach {
  const resolution = resolveHost(model, hostname, from, namespace);
  if (resolution.kind === 'global') return globalReach(model, resolution.service, hostname, from, false);
  if (resolution.kind === 'local' && resolution.global)
    return globalReach(model, resolution.global, hostname, from, true);
  if (resolution.kind === 'local' && resolution.instance)
    return localReach(model, resolution.instance, hostname, from);
  return {
    hostname,
    from,
    mode: 'local',
    chosen: [],
    candidates: [],
    excluded: [],
    resolved: false,
    explanation: unresolvedExplanation(resolution.kind, hostname, from),
  };
}

function unresolvedExplanation(kind: string, hostname: string, from: string): string {
  switch (kind) {
    case 'local':
      return `${hostname} is a cluster-local name, and ${from} has no such Service.`;
    case 'not-exported':
      return `${hostname}: the service exists but is exported in no cluster, so the global hostname does not resolve.`;
    case 'wrong-suffix':
      return `${hostname} does not match the hostname under which this service is exported.`;
    default:
      return `${hostname} matches no service in the workspace.`;
  }
}

function localReach(model: MeshIndex, instance: ServiceInstance, hostname: string, from: string): Reach {
  const candidate = toCandidate(model, instance);
  const chosen = instance.endpoints > 0 ? [{ cluster: from, endpoints: instance.endpoints }] : [];
  const why = instance.hostname
    ? `${instance.name} is exported as ${instance.hostname}, but without takeover the local name reaches only the local instance.`
    : `${instance.name} is not exported; the local name reaches only the instance in ${from}.`;
  const outcome =
    chosen.length > 0
      ? `${instance.endpoints} endpoint(s) in ${from}.`
      : `The local instance has no ready endpoint.`;
  return {
    hostname,
    from,
    mode: 'local',
    chosen,
    candidates: [candidate],
    excluded: [],
    resolved: true,
    explanation: `${why} ${outcome}`,
  };
}

function globalReach(
  model: MeshIndex,
  service: GlobalService,
  hostname: string,
  from: string,
  viaTakeover: boolean,
): Reach {
  const client = model.topology.clusters.get(from);
  const candidates: ReachCandidate[] = [];
  const excluded: ExcludedInstance[] = [];
  for (const instance of service.instances) {
    const reason = exclusionReason(model, instance, from);
    if (reason)
      excluded.push({
        cluster: instance.cluster,
        endpoints: instance.endpoints,
        file: instance.resource.source.path,
        instance,
        reason,
      });
    else candidates.push(toCandidate(model, instance));
  }
  const { mode, modeSource } = modeFor(service, from);
  const ready = candidates.filter((candidate) => candidate.endpoints > 0);
  const { chosen, why } = choose(mode, client, ready);
  const lines = [
    viaTakeover ? `Takeover: ${hostname} routes to the global service ${service.hostname}.` : '',
    candidateSummary(from, candidates, excluded),
    `Mode ${mode} (${modeSource}). ${why}`,
  ];
  return {
    hostname,
    from,
    mode,
    chosen: chosen.map(({ cluster, endpoints }) => ({ cluster, endpoints })),
    candidates,
    excluded,
    resolved: true,
    explanation: lines.filter(Boolean).join('\n'),
  };
}

/**
 * Ready endpoints of a global service that a client in `from` can reach at all, whatever the
 * distribution mode picks among them: a cheap answer for ranking many hostnames (completion).
 */
export function reachableEndpoints(model: MeshIndex, service: GlobalService, from: string): number {
  let total = 0;
  for (const instance of service.instances) {
    if (!exclusionReason(model, instance, from)) total += instance.endpoints;
  }
  return total;
}

function exclusionReason(model: MeshIndex, instance: ServiceInstance, from: string): string | undefined {
  if (!canSend(model.topology, from, instance.cluster)) return `no link from ${from} to ${instance.cluster}`;
  if (instance.exportScope === 'segment') {
    const clientSegment = model.topology.clusters.get(from)?.segment;
    const ownSegment = model.topology.clusters.get(instance.cluster)?.segment;
    if (clientSegment !== ownSegment)
      return `scope segment: ${instance.cluster} is in segment ${ownSegment}, ${from} is not`;
  }
  return undefined;
}

function toCandidate(model: MeshIndex, instance: ServiceInstance): ReachCandidate {
  const cluster = model.topology.clusters.get(instance.cluster);
  return {
    cluster: instance.cluster,
    endpoints: instance.endpoints,
    network: cluster?.network ?? instance.cluster,
    region: cluster?.region,
    zone: cluster?.zone,
    file: instance.resource.source.path,
    instance,
  };
}

/** The client's own instance decides the mode when there is one; else the first instance's (SPEC §2). */
function modeFor(service: GlobalService, from: string): { mode: DistributionMode; modeSource: string } {
  const instance = service.instances.find((candidate) => candidate.cluster === from) ?? service.instances[0];
  const setting = instance?.trafficDistribution;
  if (!setting) return { mode: 'PreferNetwork', modeSource: 'default for exported services' };
  if (setting.value === undefined) {
    return {
      mode: 'Any',
      modeSource: `invalid value "${setting.raw?.value}" in ${instance.cluster}; Istio falls back to Any`,
    };
  }
  const source = {
    field: `spec.trafficDistribution of the Service in ${instance.cluster}`,
    service: `annotation on the Service in ${instance.cluster}`,
    namespace: `annotation on namespace ${instance.namespace} in ${instance.cluster}`,
    default: 'default for exported services',
  }[setting.from];
  return { mode: setting.value, modeSource: source };
}

function choose(
  mode: DistributionMode,
  client: Cluster | undefined,
  ready: ReachCandidate[],
): { chosen: ReachCandidate[]; why: string } {
  if (ready.length === 0) return { chosen: [], why: 'No candidate has a ready endpoint: requests fail.' };
  const skipped: string[] = [];
  for (const level of LEVELS[mode]) {
    const value = client?.[level];
    const same =
      value === undefined ? [] : ready.filter((candidate) => sameLocality(level, client, candidate));
    if (same.length > 0) {
      const prefix = skipped.length > 0 ? `No ready endpoint in the same ${skipped.join(' or ')}; ` : '';
      return { chosen: same, why: `${prefix}chose the same ${level} (${value}): ${listEndpoints(same)}.` };
    }
    skipped.push(value === undefined ? `${level} (unknown for the client)` : `${level} (${value})`);
  }
  const prefix = skipped.length > 0 ? `No ready endpoint in the same ${skipped.join(' or ')}; ` : '';
  return { chosen: ready, why: `${prefix}all ready candidates are used: ${listEndpoints(ready)}.` };
}

function sameLocality(level: Level, client: Cluster | undefined, candidate: ReachCandidate): boolean {
  if (!client) return false;
  if (level === 'zone') {
    const sameRegion =
      client.region === undefined || candidate.region === undefined || client.region === candidate.region;
    return client.zone !== undefined && candidate.zone === client.zone && sameRegion;
  }
  return client[level] !== undefined && candidate[level] === client[level];
}

function listEndpoints(candidates: ReachEndpoint[]): string {
  return candidates.map((candidate) => `${candidate.cluster} (${candidate.endpoints})`).join(', ');
}

function candidateSummary(from: string, candidates: ReachCandidate[], excluded: ExcludedInstance[]): string {
  const usable =
    candidates.length > 0
      ? `Candidates from ${from}: ${listEndpoints(candidates)}.`
      : `No instance is reachable from ${from}.`;
  const left = excluded.map((entry) => `${entry.cluster} (${entry.reason})`).join('; ');
  return left ? `${usable} Not reachable: ${left}.` : usable;
}
