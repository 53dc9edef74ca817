import type { ServicePort } from '../facts/declarations';
import { SCOPE_LABEL } from '../facts/mesh-labels';
import type { ClusterReference, MeshIndex, ServiceInstance } from '../model/types';
import type { FileEdit, Fix, TextEdit } from '../text/findings';
import { rangeAt } from '../text/source';
import { domainOf } from '../topology/types';
import { asMap, getPath, locatedString, seqItems, stringEntries } from '../yaml/nodes';
import { field, type Resource } from '../yaml/resource';
import { appendDocuments, removeEntry, yamlScalar } from './yaml-edits';

interface Subset {
  name: string;
  labels: Map<string, string>;
}

/**
 * SPEC §4's supported pattern, as one fix: a Service per subset next to every instance (selector =
 * the service's selector plus the subset's labels, same ports, exported with the same scope), an
 * HTTPRoute sending to each subset service's global hostname, and the DestinationRule's `subsets`
 * removed (the whole rule replaced by the route when nothing else is left in it).
 */
export function splitSubsetsFix(
  model: MeshIndex,
  rule: ClusterReference,
  instances: ServiceInstance[],
): Fix | undefined {
  const subsets = readSubsets(rule.resource);
  const base = instances.find((instance) => instance.cluster === rule.cluster) ?? instances[0];
  if (subsets.length === 0 || !base) return undefined;
  // A Service without a selector (its endpoints listed by hand) says nothing about which pods a
  // subset Service should select: the subset labels alone would select every such pod of the
  // namespace, whichever service it belongs to.
  if (instances.some((instance) => !instance.selector || instance.selector.size === 0)) return undefined;
  const perFile = new Map<string, { resource: Resource; documents: string[]; edits: TextEdit[] }>();
  const entryFor = (resource: Resource) => {
    const path = resource.source.path;
    let entry = perFile.get(path);
    if (!entry) {
      entry = { resource, documents: [], edits: [] };
      perFile.set(path, entry);
    }
    return entry;
  };
  for (const instance of instances) {
    for (const subset of subsets) {
      const name = subsetServiceName(instance.name, subset.name);
      if (serviceExists(model, instance.cluster, instance.namespace, name)) continue;
      entryFor(instance.resource).documents.push(subsetService(instance, subset));
    }
  }
  const route = httpRoute(model, rule, base, subsets);
  const ruleEntry = entryFor(rule.resource);
  if (onlyHostAndSubsets(rule.resource) && rule.resource.range.start.character === 0) {
    const [start = 0, rangeEnd = 0] = rule.resource.node.range ?? [];
    // The map's range can run over its trailing line break; stop at its last character so a
    // document appended after it still starts on a line of its own.
    const end = start + rule.resource.source.text.slice(start, rangeEnd).trimEnd().length;
    ruleEntry.edits.push({
      range: rangeAt(rule.resource.source, start, end),
      newText: route.replace(/\n$/, '').replaceAll('\n', eol(rule.resource)),
    });
  } else {
    const spec = asMap(rule.resource, field(rule.resource, ['spec']));
    const removal = spec && removeEntry(rule.resource, spec, 'subsets');
    if (removal) ruleEntry.edits.push(removal);
    ruleEntry.documents.push(route);
  }
  const changes: FileEdit[] = [...perFile.entries()].map(([file, entry]) => ({
    file,
    edits:
      entry.documents.length > 0
        ? [...entry.edits, appendDocuments(entry.resource, entry.documents)]
        : entry.edits,
  }));
  return {
    title: `Split the subsets of ${rule.host.value} into ${subsets.length === 1 ? 'a Service' : `${subsets.length} Services`} and an HTTPRoute`,
    // It creates resources and rewrites (or replaces) the rule: a suggestion, never applied by --fix alone.
    suggestion: true,
    changes,
  };
}

function eol(resource: Resource): string {
  return resource.source.text.includes('\r\n') ? '\r\n' : '\n';
}

function readSubsets(rule: Resource): Subset[] {
  return seqItems(rule, field(rule, ['spec', 'subsets'])).flatMap((node) => {
    const name = locatedString(rule, getPath(rule, node, ['name']))?.value;
    if (!name) return [];
    const labels = new Map(
      [...stringEntries(rule, getPath(rule, node, ['labels']))].map(([key, value]) => [key, value.value]),
    );
    return [{ name, labels }];
  });
}

function onlyHostAndSubsets(rule: Resource): boolean {
  const spec = asMap(rule, field(rule, ['spec']));
  return (
    !!spec &&
    spec.items.every((pair) => ['host', 'subsets'].includes(String((pair.key as { value?: unknown })?.value)))
  );
}

/** `reviews` + subset `v1` → `reviews-v1`, kept a valid DNS label. */
export function subsetServiceName(service: string, subset: string): string {
  const suffix = subset
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${service}-${suffix}`.slice(0, 63).replace(/-+$/, '');
}

function serviceExists(model: MeshIndex, cluster: string, namespace: string, name: string): boolean {
  return (model.servicesByName.get(`${namespace}/${name}`) ?? []).some(
    (instance) => instance.cluster === cluster,
  );
}

function subsetService(instance: ServiceInstance, subset: Subset): string {
  const selector = new Map(
    [...(instance.selector ?? new Map()).entries()].map(([key, value]) => [key, value.value]),
  );
  for (const [key, value] of subset.labels) selector.set(key, value);
  const lines = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${yamlScalar(subsetServiceName(instance.name, subset.name))}`,
    `  namespace: ${yamlScalar(instance.namespace)}`,
    '  labels:',
    `    ${SCOPE_LABEL}: ${yamlScalar(instance.exportScope ?? 'global')}`,
    'spec:',
    '  selector:',
    ...[...selector].map(([key, value]) => `    ${yamlScalar(key)}: ${yamlScalar(value)}`),
  ];
  if (instance.ports.length > 0) lines.push('  ports:', ...instance.ports.flatMap(portLines));
  return `${lines.join('\n')}\n`;
}

function portLines(port: ServicePort): string[] {
  const entries: string[] = [];
  if (port.name) entries.push(`name: ${yamlScalar(port.name)}`);
  if (port.port !== undefined) entries.push(`port: ${port.port}`);
  if (port.protocol !== 'TCP') entries.push(`protocol: ${yamlScalar(port.protocol)}`);
  if (port.targetPort !== undefined && port.targetPort !== String(port.port)) {
    entries.push(
      `targetPort: ${/^\d+$/.test(port.targetPort) ? port.targetPort : yamlScalar(port.targetPort)}`,
    );
  }
  if (port.appProtocol) entries.push(`appProtocol: ${yamlScalar(port.appProtocol)}`);
  return entries.map((entry, index) => `${index === 0 ? '    - ' : '      '}${entry}`);
}

function httpRoute(
  model: MeshIndex,
  rule: ClusterReference,
  base: ServiceInstance,
  subsets: Subset[],
): string {
  const port = base.ports.find((candidate) => candidate.port !== undefined)?.port;
  const domain = domainOf(model.topology, rule.cluster);
  const portLine = port === undefined ? [] : [`      port: ${port}`];
  // One rule with a backend per former subset (equal weights): rules without matches would shadow
  // each other, so the traffic split of the old subsets is expressed as weights in one rule.
  const backends = subsets.flatMap((subset) => [
    '        - group: networking.istio.io',
    '          kind: Hostname',
    `          name: ${yamlScalar(`${subsetServiceName(base.name, subset.name)}.${base.namespace}.${domain}`)}`,
    ...(port === undefined ? [] : [`          port: ${port}`]),
  ]);
  return `${[
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata:',
    `  name: ${yamlScalar(subsetServiceName(base.name, 'subsets'))}`,
    `  namespace: ${yamlScalar(rule.namespace)}`,
    'spec:',
    '  parentRefs:',
    '    - group: ""',
    '      kind: Service',
    `      name: ${yamlScalar(base.name)}`,
    ...portLine,
    '  rules:',
    '    - backendRefs:',
    ...backends,
  ].join('\n')}\n`;
}
