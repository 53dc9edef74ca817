import type { ServicePort } from '../facts/declarations';
import type { GlobalService, MeshIndex, ServiceInstance } from '../model/types';
import type { Finding, Fix, RelatedLocation } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import { offsetAt, positionAt, type Range } from '../text/source';
import { majority } from '../util/majority';
import { trimmedEnd } from '../yaml/nodes';
import type { Check } from './check';
import { findingAt, listClusters } from './finding';
import { alignPortsFix } from './ports-alignment';

export const inconsistentInstances: Check = {
  code: 'MESH103',
  readsTopology: ['clusters'],
  name: 'inconsistent-instances',
  severity: 'warning',
  description:
    "The instances of one global service disagree on their ports across clusters: a port number present in one cluster and missing in another, or the same port with a different `name`, `protocol`, `appProtocol` or `targetPort` (compared after the Kubernetes defaults: `protocol: TCP`, `targetPort` equal to `port`). The mesh merges the instances into one service, so a client gets a different protocol, or a connection refused, depending on which cluster's endpoint it lands on. Give every instance the same ports; the quick-fix copies the ports of the majority.",
  example: {
    wrong: `
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: http, port: 9080 }
      //- clusters/west/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: grpc, port: 9080, appProtocol: grpc }
    `,
    fixed: `
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: http, port: 9080 }
      //- clusters/west/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: http, port: 9080 }
    `,
  },
  run: (shard, mesh) => shard.globalServices.flatMap((service) => serviceFindings(mesh, service)),
};

/** The fields compared once the port numbers match (SPEC §7, after Kubernetes defaults). */
const FIELDS = ['name', 'protocol', 'appProtocol', 'targetPort'] as const;
type Field = (typeof FIELDS)[number];
/** Entries paired by protocol already agree on it. */
const FIELDS_BUT_PROTOCOL = FIELDS.filter((name) => name !== 'protocol');

interface Signed {
  instance: ServiceInstance;
  /** The ports in a canonical form: equal keys mean equal ports. */
  key: string;
}

interface Difference {
  text: string;
  /** The odd instance's port entry at fault; absent when the entry is missing there. */
  entry?: ServicePort;
}

function serviceFindings(model: MeshIndex, service: GlobalService): Finding[] {
  const perCluster = onePerCluster(service.instances);
  if (perCluster.length < 2) return [];
  const order = [...model.topology.clusters.keys()];
  const signed = perCluster
    .sort((a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster))
    .map((instance): Signed => ({ instance, key: signature(instance) }));
  // Ties go to the first instance in cluster order (majority keeps the first value seen).
  const majorityKey = majority(signed.map((entry) => entry.key));
  const agreeing = signed.filter((entry) => entry.key === majorityKey).map((entry) => entry.instance);
  const [reference] = agreeing;
  if (!reference || agreeing.length === signed.length) return [];
  return signed
    .filter((entry) => entry.key !== majorityKey)
    .map((entry) => oddFinding(model, service, entry, reference, agreeing, signed));
}

/**
 * The instance each cluster ends up with. Two copies of one Service in one cluster are not siblings
 * (the later one applied replaces the earlier: MESH105's business, not a port mismatch between
 * clusters), so each cluster is compared through its last copy.
 */
function onePerCluster(instances: readonly ServiceInstance[]): ServiceInstance[] {
  const last = new Map<string, ServiceInstance>();
  for (const instance of instances) last.set(instance.cluster, instance);
  return [...last.values()];
}

function numbered(instance: ServiceInstance): (ServicePort & { port: number })[] {
  return instance.ports.filter((port): port is ServicePort & { port: number } => port.port !== undefined);
}

// Per list of ports (a value that never changes): an edit re-checks a namespace whose instances are
// mostly kept, each with the ports it was made with.
const signatures = new WeakMap<ServiceInstance['ports'], string>();

function signature(instance: ServiceInstance): string {
  let known = signatures.get(instance.ports);
  if (known === undefined) {
    const ports = numbered(instance).map((port) => [
      port.port,
      port.protocol,
      port.name ?? '',
      port.appProtocol ?? '',
      port.targetPort ?? '',
    ]);
    known = JSON.stringify(ports.map((port) => JSON.stringify(port)).sort(compareStrings));
    signatures.set(instance.ports, known);
  }
  return known;
}

function oddFinding(
  model: MeshIndex,
  service: GlobalService,
  { instance: odd, key: oddKey }: Signed,
  reference: ServiceInstance,
  agreeing: ServiceInstance[],
  signed: Signed[],
): Finding {
  const found = portDifferences(odd, reference);
  // Only a duplicated entry (invalid in Kubernetes anyway) can differ without a field to name.
  const differences = found.length > 0 ? found : [{ text: 'the port lists differ' }];
  const others = listClusters(agreeing.map((instance) => instance.cluster));
  const related: RelatedLocation[] = agreeing.map((instance) => ({
    file: instance.resource.source.path,
    range: portsRange(instance),
    message: `ports of ${service.namespace}/${service.name} in ${instance.cluster}`,
  }));
  const differing = signed.filter((entry) => entry.key !== oddKey).map((entry) => entry.instance);
  const fixes = (): Fix[] =>
    [
      alignPortsFix(
        model,
        `Align the ports in ${odd.cluster} with the majority (as in ${reference.cluster})`,
        reference,
        [odd],
        true,
      ),
      alignPortsFix(model, `Align every instance's ports with ${odd.cluster}`, odd, differing, false),
    ].filter((fix): fix is Fix => fix !== undefined);
  return findingAt(
    inconsistentInstances,
    odd.resource,
    findingRange(odd, differences),
    `Service ${service.namespace}/${service.name} (${service.hostname}) has different ports in ${odd.cluster} than in ${others}: ${differences.map((difference) => difference.text).join('; ')}. The mesh merges the instances into one service, so clients get different ports or protocols depending on which cluster's endpoint serves them.`,
    { related, fixes },
  );
}

function portDifferences(odd: ServiceInstance, reference: ServiceInstance): Difference[] {
  const oddPorts = byNumber(odd);
  const referencePorts = byNumber(reference);
  const numbers = [...new Set([...oddPorts.keys(), ...referencePorts.keys()])].sort((a, b) => a - b);
  return numbers.flatMap((number) =>
    entryDifferences(number, oddPorts.get(number) ?? [], referencePorts.get(number) ?? [], reference.cluster),
  );
}

function byNumber(instance: ServiceInstance): Map<number, ServicePort[]> {
  const ports = new Map<number, ServicePort[]>();
  for (const port of numbered(instance)) ports.set(port.port, [...(ports.get(port.port) ?? []), port]);
  return ports;
}

/**
 * One port number may appear once per protocol (DNS on 53/TCP and 53/UDP): a lone entry on each side
 * is compared field by field, several are paired by protocol.
 */
function entryDifferences(
  number: number,
  odd: ServicePort[],
  reference: ServicePort[],
  referenceCluster: string,
): Difference[] {
  const [oddOnly] = odd;
  const [referenceOnly] = reference;
  if (odd.length === 1 && reference.length === 1 && oddOnly && referenceOnly) {
    return fieldDifferences(`port ${number}`, oddOnly, referenceOnly, referenceCluster, FIELDS);
  }
  if (odd.length === 0) return [{ text: `${portLabel(number, reference)} is missing here` }];
  if (reference.length === 0) {
    return [
      {
        text: `${portLabel(number, odd)} is not in ${referenceCluster}`,
        entry: odd.length === 1 ? oddOnly : undefined,
      },
    ];
  }
  const missing = reference
    .filter((port) => !odd.some((other) => other.protocol === port.protocol))
    .map((port): Difference => ({ text: `port ${number}/${port.protocol} is missing here` }));
  const extra = odd
    .filter((port) => !reference.some((other) => other.protocol === port.protocol))
    .map(
      (port): Difference => ({
        text: `port ${number}/${port.protocol} is not in ${referenceCluster}`,
        entry: port,
      }),
    );
  const changed = odd.flatMap((port) => {
    const counterpart = reference.find((other) => other.protocol === port.protocol);
    return counterpart
      ? fieldDifferences(
          `port ${number}/${port.protocol}`,
          port,
          counterpart,
          referenceCluster,
          FIELDS_BUT_PROTOCOL,
        )
      : [];
  });
  return [...missing, ...extra, ...changed];
}

/** `port 80`, or `port 53 (UDP, TCP)` when one number is used for several protocols. */
function portLabel(number: number, entries: ServicePort[]): string {
  return entries.length === 1
    ? `port ${number}`
    : `port ${number} (${entries.map((port) => port.protocol).join(', ')})`;
}

/** One difference per port entry, naming every field that differs: `port 80 has name `a` here (`b` in c1)`. */
function fieldDifferences(
  label: string,
  odd: ServicePort,
  reference: ServicePort,
  referenceCluster: string,
  fields: readonly Field[],
): Difference[] {
  const differing = fields.filter((name) => odd[name] !== reference[name]);
  if (differing.length === 0) return [];
  const parts = differing.map(
    (name) => `${name} ${shown(odd[name])} here (${shown(reference[name])} in ${referenceCluster})`,
  );
  return [{ text: `${label} has ${parts.join(' and ')}`, entry: odd }];
}

function shown(value: string | undefined): string {
  return value === undefined ? 'none' : `\`${value}\``;
}

/** The one port entry at fault when there is one, else the instance's `ports`. */
function findingRange(odd: ServiceInstance, differences: Difference[]): Range {
  const entries = new Set(differences.map((difference) => difference.entry));
  const [entry] = entries;
  if (entries.size === 1 && entry) return trimmed(odd, entry.range);
  return portsRange(odd);
}

function trimmed(instance: ServiceInstance, range: Range): Range {
  const { source } = instance.resource;
  return {
    start: range.start,
    end: positionAt(source, trimmedEnd(source.text, 0, offsetAt(source, range.end))),
  };
}

/** The `ports` key, else the `spec` key, else the Service's name. */
function portsRange(instance: ServiceInstance): Range {
  const { resource } = instance;
  return instance.portsKey ?? resource.name?.range ?? resource.range;
}
