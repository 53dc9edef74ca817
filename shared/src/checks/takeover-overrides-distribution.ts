import { TAKEOVER_LABEL } from '../facts/mesh-labels';
import type { ServiceInstance } from '../model/types';
import type { Finding, RelatedLocation } from '../text/findings';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, listClusters } from './finding';

export const takeoverOverridesDistribution: Check = {
  code: 'MESH152',
  name: 'takeover-overrides-distribution',
  severity: 'warning',
  description:
    'An exported service has takeover on (`solo.io/service-takeover: "true"`, or the legacy scope `global-only`) and an explicit traffic distribution that asks to keep traffic close (`PreferClose`, `PreferSameZone`, `PreferSameNode`, `PreferRegion`, `PreferNetwork`). With takeover, the local `<name>.<namespace>.svc.cluster.local` hostname behaves like the global one, so callers that relied on the local hostname to stay in their cluster are now routed among every cluster\'s endpoints: the distribution picks among them, it can no longer keep the traffic local. Decide which one you want: drop takeover to keep local callers local, or accept global routing and remove the distribution.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
          solo.io/service-takeover: "true"
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
    `,
  },
  run: (shard) => groupByDistribution(shard.services.filter(conflicts)).map(overrideFinding),
};

/**
 * SPEC §3: with takeover the local hostname routes like the global one, so an explicit distribution
 * meant to keep traffic close no longer can. `Any` asks for nothing local; the default is not a choice.
 */
function conflicts(service: ServiceInstance): boolean {
  const distribution = service.trafficDistribution;
  return (
    service.exportScope !== undefined &&
    service.takeover.value &&
    distribution.from !== 'default' &&
    distribution.value !== undefined &&
    distribution.value !== 'Any'
  );
}

/** A distribution as written, with the Services it governs. */
interface WrittenDistribution {
  resource: Resource;
  raw: Located<string>;
  services: ServiceInstance[];
}

/** One finding per written distribution: a Namespace annotation is reported once, naming its Services. */
function groupByDistribution(services: ServiceInstance[]): WrittenDistribution[] {
  const groups = new Map<string, WrittenDistribution>();
  for (const service of services) {
    const { resource, raw } = service.trafficDistribution;
    if (!resource || !raw) continue;
    const key = `${resource.source.path}:${raw.range.start.line}:${raw.range.start.character}`;
    const group = groups.get(key);
    if (group) group.services.push(service);
    else groups.set(key, { resource, raw, services: [service] });
  }
  return [...groups.values()];
}

function overrideFinding({ resource, raw, services }: WrittenDistribution): Finding {
  const clusters = listClusters(services.map((service) => service.cluster));
  const localHosts = services.map((service) => `${service.name}.${service.namespace}.svc.cluster.local`);
  const globalHosts = services.map((service) => service.hostname);
  return findingAt(
    takeoverOverridesDistribution,
    resource,
    raw,
    `Takeover is on for ${serviceList(services)} in ${clusters}: ${unique(localHosts).join(', ')} now ${localHosts.length === 1 ? 'routes' : 'route'} like ${unique(globalHosts).join(', ')}, so \`${raw.value}\` can no longer keep local callers in their cluster: it picks among every reachable cluster's endpoints, and requests leave whenever the closer ones are not ready. Drop takeover to keep them local, or remove the distribution if global routing is intended.`,
    { related: takeoverLocations(services) },
  );
}

function takeoverLocations(services: ServiceInstance[]): RelatedLocation[] {
  const locations = new Map<string, RelatedLocation>();
  for (const { takeover, cluster } of services) {
    if (!takeover.resource || !takeover.raw) continue;
    const legacy = takeover.raw.value === 'global-only';
    const range = legacy ? takeover.raw.range : (takeover.raw.keyRange ?? takeover.raw.range);
    const key = `${takeover.resource.source.path}:${range.start.line}:${range.start.character}`;
    if (locations.has(key)) continue;
    locations.set(key, {
      file: takeover.resource.source.path,
      range,
      message: legacy
        ? `takeover by the legacy scope global-only (${cluster})`
        : `${TAKEOVER_LABEL} (${cluster})`,
    });
  }
  return [...locations.values()];
}

function serviceList(services: ServiceInstance[]): string {
  const names = unique(services.map((service) => `${service.namespace}/${service.name}`));
  return `${names.length === 1 ? 'Service' : 'Services'} ${names.join(', ')}`;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}
