import type { Node, YAMLMap } from 'yaml';
import type { Range } from '../text/source';
import { asMap, getPath, type Located, locatedString, mapAt, nodeRange, seqItems } from '../yaml/nodes';
import { field, type Resource } from '../yaml/resource';
import type { GatewayApiRef, HostReference, HostRole } from './declarations';

const GATEWAY_API = 'gateway.networking.k8s.io';
const ISTIO_NETWORKING = 'networking.istio.io';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute'];

/** Every place a route or rule names a service (SPEC §5), with the node to point at. */
export function extractHostReferences(resource: Resource): HostReference[] {
  if (resource.group === GATEWAY_API && ROUTE_KINDS.includes(resource.kind))
    return gatewayRouteReferences(resource);
  if (resource.group !== ISTIO_NETWORKING) return [];
  switch (resource.kind) {
    case 'VirtualService':
      return virtualServiceReferences(resource);
    case 'DestinationRule':
      return destinationRuleReferences(resource);
    case 'ServiceEntry':
      return plainHosts(resource, field(resource, ['spec', 'hosts']), 'serviceEntryHost');
    default:
      return [];
  }
}

function gatewayRouteReferences(resource: Resource): HostReference[] {
  const references: HostReference[] = [];
  for (const parent of seqItems(resource, field(resource, ['spec', 'parentRefs']))) {
    const ref = gatewayApiRef(resource, parent, 'parentRef');
    // A parentRef is a Gateway unless it says otherwise; only Service/Hostname parents name a service.
    if (ref && ['Service', 'Hostname'].includes(ref.ref?.kind?.value ?? 'Gateway')) references.push(ref);
  }
  for (const rule of seqItems(resource, field(resource, ['spec', 'rules']))) {
    for (const backend of seqItems(resource, getPath(resource, rule, ['backendRefs']))) {
      const ref = gatewayApiRef(resource, backend, 'backendRef');
      if (ref && namesService(ref)) references.push(ref);
      references.push(...mirrorRefs(resource, getPath(resource, backend, ['filters'])));
    }
    references.push(...mirrorRefs(resource, getPath(resource, rule, ['filters'])));
  }
  return references;
}

/** Backends default to kind Service; a dotted name is a hostname whatever its kind says (MESH140). */
function namesService(reference: HostReference): boolean {
  const kind = reference.ref?.kind?.value ?? 'Service';
  return kind === 'Service' || kind === 'Hostname' || reference.host.value.includes('.');
}

function mirrorRefs(resource: Resource, filters: Node | undefined): HostReference[] {
  return seqItems(resource, filters).flatMap((filter) => {
    const ref = gatewayApiRef(resource, getPath(resource, filter, ['requestMirror', 'backendRef']), 'mirror');
    return ref && namesService(ref) ? [ref] : [];
  });
}

function gatewayApiRef(
  resource: Resource,
  node: Node | undefined,
  role: HostRole,
): HostReference | undefined {
  const map = asMap(resource, node);
  const range = nodeRange(resource, map);
  const host = locatedString(resource, getPath(resource, map, ['name']));
  if (!map || !range || !host) return undefined;
  const ref = new GatewayApiRefFacts(resource, map.range?.[0] ?? 0, range, {
    group: locatedString(resource, getPath(resource, map, ['group'])),
    kind: locatedString(resource, getPath(resource, map, ['kind'])),
    namespace: locatedString(resource, getPath(resource, map, ['namespace'])),
    port: locatedString(resource, getPath(resource, map, ['port'])),
  });
  return { resource, role, host, ref };
}

// A class so that `node` is a prototype getter, not a closure and a property dictionary per ref.
class GatewayApiRefFacts implements GatewayApiRef {
  group?: Located<string>;
  kind?: Located<string>;
  namespace?: Located<string>;
  port?: Located<string>;

  constructor(
    private readonly resource: Resource,
    private readonly offset: number,
    readonly range: Range,
    fields: Pick<GatewayApiRef, 'group' | 'kind' | 'namespace' | 'port'>,
  ) {
    this.group = fields.group;
    this.kind = fields.kind;
    this.namespace = fields.namespace;
    this.port = fields.port;
  }

  get node(): YAMLMap {
    return mapAt(this.resource, this.offset) as YAMLMap;
  }
}

/** Whether a value is a Gateway API ref as extraction makes it (facts/portable-facts.ts rebuilds them). */
export function isGatewayApiRefFacts(value: object): value is GatewayApiRef {
  return value instanceof GatewayApiRefFacts;
}

/** A Gateway API ref from its parts, read in another thread (facts/portable-facts.ts). */
export function gatewayApiRefOf(parts: {
  resource: Resource;
  offset: number;
  range: Range;
  group?: Located<string>;
  kind?: Located<string>;
  namespace?: Located<string>;
  port?: Located<string>;
}): GatewayApiRef {
  return new GatewayApiRefFacts(parts.resource, parts.offset, parts.range, parts);
}

function virtualServiceReferences(resource: Resource): HostReference[] {
  const references = plainHosts(resource, field(resource, ['spec', 'hosts']), 'virtualServiceHost');
  for (const protocol of ['http', 'tcp', 'tls']) {
    for (const route of seqItems(resource, field(resource, ['spec', protocol]))) {
      for (const destination of seqItems(resource, getPath(resource, route, ['route']))) {
        references.push(
          ...destinationRef(resource, getPath(resource, destination, ['destination']), 'destination'),
        );
      }
      references.push(...destinationRef(resource, getPath(resource, route, ['mirror']), 'mirror'));
      for (const mirror of seqItems(resource, getPath(resource, route, ['mirrors']))) {
        references.push(...destinationRef(resource, getPath(resource, mirror, ['destination']), 'mirror'));
      }
    }
  }
  return references;
}

function destinationRef(resource: Resource, destination: Node | undefined, role: HostRole): HostReference[] {
  const host = locatedString(resource, getPath(resource, destination, ['host']));
  if (!host) return [];
  return [
    { resource, role, host, subset: locatedString(resource, getPath(resource, destination, ['subset'])) },
  ];
}

function destinationRuleReferences(resource: Resource): HostReference[] {
  const host = locatedString(resource, field(resource, ['spec', 'host']));
  if (!host) return [];
  const reference: HostReference = { resource, role: 'destinationRuleHost', host };
  const spec = asMap(resource, field(resource, ['spec']));
  const subsetsPair = spec?.items.find(
    (pair) => locatedString(resource, pair.key as Node)?.value === 'subsets',
  );
  const keyRange = nodeRange(resource, subsetsPair?.key as Node | undefined);
  if (subsetsPair && keyRange) {
    const names = seqItems(resource, subsetsPair.value).flatMap((subset) => {
      const name = locatedString(resource, getPath(resource, subset, ['name']));
      return name ? [name] : [];
    });
    reference.subsets = { keyRange, names };
  }
  return [reference];
}

function plainHosts(resource: Resource, hosts: Node | undefined, role: HostRole): HostReference[] {
  return seqItems(resource, hosts).flatMap((node) => {
    const host = locatedString(resource, node);
    return host ? [{ resource, role, host }] : [];
  });
}
