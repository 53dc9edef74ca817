import { type Document, isScalar, type Node } from 'yaml';
import type { Range } from '../text/source';
import { lookupTable } from '../util/lookup-table';
import { settledList } from '../util/settled';
import { rememberDocuments } from '../yaml/document-cache';
import {
  asMap,
  findOwnPair,
  getPath,
  locatedNumber,
  locatedString,
  nodeRange,
  seqItems,
  stringEntries,
} from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import { field, namespaceOf, type Resource } from '../yaml/resource';
import type {
  EndpointSetDecl,
  FileDeclarations,
  GatewayClass,
  GatewayDecl,
  SegmentDecl,
  ServiceDecl,
  ServicePort,
  WorkloadDecl,
  WorkloadKind,
} from './declarations';
import { extractHostReferences } from './extract-host-references';
import { meshKeysElsewhere } from './mesh-keys-elsewhere';
import { NETWORK_LABEL } from './mesh-labels';
import { valueReferences } from './value-references';

const WORKLOAD_KINDS = lookupTable<WorkloadKind>({
  Deployment: 'Deployment',
  StatefulSet: 'StatefulSet',
  DaemonSet: 'DaemonSet',
  ReplicaSet: 'ReplicaSet',
  Pod: 'Pod',
  Rollout: 'Rollout',
});

/** What a file declares; `domains`: segment domains that do not mention the mesh (hostname-tokens.ts). */
export function extractDeclarations(parsed: ParsedFile, domains: readonly string[] = []): FileDeclarations {
  return extractDeclarationsOf(parsed.resources, true, domains);
}

/**
 * What a file declares, extracted when first read: a file that kustomizations read (a base, a
 * patch, an overlay's resource) is placed through their renderings, whose own declarations the
 * model reads, so its own are never read at all. Extracting them anyway was about 8 % of the cold
 * start of a workspace laid out as Kustomize overlays, and their memory stayed for good. What the
 * topology reads of every file (segments, peering gateways, Nodes) is extracted at once.
 *
 * Reading the rest needs the file's documents: the caller holds them when it reads (`extractNow`).
 */
export function deferredDeclarations(parsed: ParsedFile, domains: readonly string[] = []): FileDeclarations {
  return new DeferredDeclarations(parsed.resources, domains);
}

/**
 * Extracts deferred declarations now, with the file's documents as its parse made them (kept by
 * the caller): reading them later would parse the file again. Nothing for any other declarations.
 */
export function extractNow(declarations: FileDeclarations, documents?: Document.Parsed[]): void {
  if (declarations instanceof DeferredDeclarations) declarations.extract(documents);
}

class DeferredDeclarations implements FileDeclarations {
  readonly segments: SegmentDecl[];
  readonly gateways: GatewayDecl[];
  readonly nodeCount: number;
  private extracted: FileDeclarations | undefined;

  constructor(
    private readonly resources: readonly Resource[],
    private readonly domains: readonly string[],
  ) {
    // The same declarations, of the same kinds, as `addResource` makes of them.
    const topology = extractDeclarationsOf(resources.filter(declaresTopology), true, domains);
    this.segments = topology.segments;
    this.gateways = topology.gateways;
    this.nodeCount = topology.nodeCount;
  }

  extract(documents?: Document.Parsed[]): FileDeclarations {
    if (!this.extracted) {
      const [first] = this.resources;
      if (first && documents) rememberDocuments(first.source, documents);
      this.extracted = extractDeclarationsOf(this.resources, true, this.domains);
    }
    return this.extracted;
  }

  get namespaces() {
    return this.extract().namespaces;
  }
  get services() {
    return this.extract().services;
  }
  get workloads() {
    return this.extract().workloads;
  }
  get endpointSets() {
    return this.extract().endpointSets;
  }
  get hostReferences() {
    return this.extract().hostReferences;
  }
  get meshKeysElsewhere() {
    return this.extract().meshKeysElsewhere;
  }
}

function declaresTopology({ kind, group }: Resource): boolean {
  return (
    (group === '' && kind === 'Node') ||
    (group === 'admin.solo.io' && kind === 'Segment') ||
    (group === 'gateway.networking.k8s.io' && kind === 'Gateway')
  );
}

/** What a list of resources declares: a file's own, or one placement's (SPEC §9). */
export function extractDeclarationsOf(
  resources: readonly Resource[],
  /** For rendered objects: whether a file the rendering read besides the base mentions the mesh. */
  writtenElsewhereMayMention = true,
  domains: readonly string[] = [],
): FileDeclarations {
  const declarations: FileDeclarations = {
    namespaces: [],
    services: [],
    workloads: [],
    endpointSets: [],
    hostReferences: [],
    segments: [],
    gateways: [],
    nodeCount: 0,
    meshKeysElsewhere: [],
  };
  for (const resource of resources) {
    addResource(declarations, resource, writtenElsewhereMayMention, domains);
    declarations.meshKeysElsewhere.push(...meshKeysElsewhere(resource));
  }
  return {
    namespaces: settledList(declarations.namespaces),
    services: settledList(declarations.services),
    workloads: settledList(declarations.workloads),
    endpointSets: settledList(declarations.endpointSets),
    hostReferences: settledList(declarations.hostReferences),
    segments: settledList(declarations.segments),
    gateways: settledList(declarations.gateways),
    nodeCount: declarations.nodeCount,
    meshKeysElsewhere: settledList(declarations.meshKeysElsewhere),
  };
}

function addResource(
  declarations: FileDeclarations,
  resource: Resource,
  writtenElsewhereMayMention: boolean,
  domains: readonly string[],
): void {
  const { kind, group } = resource;
  const name = resource.name?.value;
  if (group === '' && kind === 'Namespace' && name) declarations.namespaces.push({ resource, name });
  else if (group === '' && kind === 'Service' && name)
    declarations.services.push(serviceDecl(resource, name));
  else if (group === '' && kind === 'Node') declarations.nodeCount++;
  else if (WORKLOAD_KINDS[kind] && name)
    declarations.workloads.push(workloadDecl(resource, WORKLOAD_KINDS[kind], name));
  else if (kind === 'EndpointSlice' || (group === '' && kind === 'Endpoints')) {
    const endpoints = endpointSetDecl(resource);
    if (endpoints) declarations.endpointSets.push(endpoints);
  } else if (kind === 'Segment' && group === 'admin.solo.io' && name) {
    declarations.segments.push(segmentDecl(resource, name));
  } else if (kind === 'Gateway' && group === 'gateway.networking.k8s.io') {
    const gateway = gatewayDecl(resource);
    if (gateway) declarations.gateways.push(gateway);
  }
  const routeReferences = extractHostReferences(resource);
  declarations.hostReferences.push(
    ...routeReferences,
    ...valueReferences(resource, routeReferences, writtenElsewhereMayMention, domains),
  );
}

function serviceDecl(resource: Resource, name: string): ServiceDecl {
  const selector = stringEntries(resource, field(resource, ['spec', 'selector']));
  return {
    resource,
    name,
    namespace: namespaceOf(resource),
    selector: selector.size > 0 ? selector : undefined,
    ports: settledList(
      seqItems(resource, field(resource, ['spec', 'ports'])).flatMap((port) => servicePort(resource, port)),
    ),
    portsKey: portsKeyRange(resource),
    trafficDistributionField: locatedString(resource, field(resource, ['spec', 'trafficDistribution'])),
  };
}

/** The `ports` key of `spec`, else the `spec` key. */
function portsKeyRange(resource: Resource): Range | undefined {
  const root = asMap(resource, resource.node);
  const spec = root && findOwnPair(resource, root, 'spec');
  const specMap = asMap(resource, spec?.value);
  const ports = specMap && findOwnPair(resource, specMap, 'ports');
  return nodeRange(resource, (ports?.key ?? spec?.key) as Node | undefined);
}

function servicePort(resource: Resource, node: Node): ServicePort[] {
  const range = nodeRange(resource, node);
  if (!range) return [];
  const entries = stringEntries(resource, node);
  const port = entries.get('port')?.value;
  const portNumber = port === undefined ? undefined : Number(port);
  return [
    {
      port: Number.isInteger(portNumber) ? portNumber : undefined,
      name: entries.get('name')?.value,
      protocol: entries.get('protocol')?.value || 'TCP',
      targetPort: entries.get('targetPort')?.value ?? port,
      appProtocol: entries.get('appProtocol')?.value,
      range,
    },
  ];
}

function workloadDecl(resource: Resource, kind: WorkloadKind, name: string): WorkloadDecl {
  const labelsPath = kind === 'Pod' ? ['metadata', 'labels'] : ['spec', 'template', 'metadata', 'labels'];
  const labelsNode = field(resource, labelsPath);
  const replicasNode = field(resource, ['spec', 'replicas']);
  const replicas = kind === 'Pod' || kind === 'DaemonSet' ? undefined : locatedNumber(resource, replicasNode);
  return {
    resource,
    kind,
    name,
    namespace: namespaceOf(resource),
    replicas: replicas ? Math.max(0, Math.floor(replicas.value)) : 1,
    replicasRange: nodeRange(resource, replicasNode),
    podLabels: stringEntries(resource, labelsNode),
    podLabelsRange: nodeRange(resource, labelsNode),
  };
}

function endpointSetDecl(resource: Resource): EndpointSetDecl | undefined {
  const namespace = namespaceOf(resource);
  if (resource.kind === 'EndpointSlice') {
    const serviceName = resource.labels.get('kubernetes.io/service-name')?.value;
    if (!serviceName) return undefined;
    // Kubernetes: a nil `ready` condition means ready.
    const ready = seqItems(resource, field(resource, ['endpoints'])).filter((endpoint) => {
      const condition = locatedString(resource, getPath(resource, endpoint, ['conditions', 'ready']));
      return condition?.value !== 'false';
    }).length;
    return { resource, serviceName, namespace, ready };
  }
  const serviceName = resource.name?.value;
  if (!serviceName) return undefined;
  const ready = seqItems(resource, field(resource, ['subsets'])).reduce(
    (sum, subset) => sum + seqItems(resource, getPath(resource, subset, ['addresses'])).length,
    0,
  );
  return { resource, serviceName, namespace, ready };
}

function segmentDecl(resource: Resource, name: string): SegmentDecl {
  return { resource, name, domain: locatedString(resource, field(resource, ['spec', 'domain'])) };
}

function gatewayDecl(resource: Resource): GatewayDecl | undefined {
  const className = locatedString(resource, field(resource, ['spec', 'gatewayClassName']))?.value;
  if (className !== 'istio-remote' && className !== 'istio-eastwest') return undefined;
  const name = resource.name ?? { value: '', range: resource.range };
  const addresses = seqItems(resource, field(resource, ['spec', 'addresses'])).flatMap((address) => {
    const value = isScalar(address)
      ? locatedString(resource, address)
      : locatedString(resource, getPath(resource, address, ['value']));
    return value ? [value] : [];
  });
  return {
    resource,
    gatewayClass: className as GatewayClass,
    name,
    network: resource.labels.get(NETWORK_LABEL),
    addresses,
  };
}
