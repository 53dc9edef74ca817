// The mesh facts of a rendered object, as plain strings: what the differential suite compares
// between our rendering and `kubectl kustomize`. Scalars are compared as text (`80` and `"80"` are
// one port to the mesh; YAML's typing of them is the printer's business).

export type Facts = Record<string, unknown>;

type Json = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function object(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = object(current)?.[key];
  return current;
}

/** A string map (labels, selectors) with its entries sorted, or undefined when absent. */
function stringMap(value: unknown): Record<string, string | undefined> | undefined {
  const map = object(value);
  if (!map) return undefined;
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((key) => [key, text(map[key])]),
  );
}

function picked(value: unknown, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const found = text(object(value)?.[key]);
    if (found !== undefined) picked[key] = found;
  }
  return picked;
}

const REF_KEYS = ['name', 'namespace', 'kind', 'group', 'port'];

/** A value with every scalar as text, for fields compared whole (pod specs' references, an Ingress's rules). */
function textual(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(textual);
  const map = object(value);
  if (map)
    return Object.fromEntries(
      Object.keys(map)
        .sort()
        .map((key) => [key, textual(map[key])]),
    );
  return text(value);
}

// Where each workload kind keeps its pod spec.
const POD_SPECS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Items of a list by their names: the order of merged lists (a patch's new containers or variables)
 * is no mesh fact, and the renderer's strategic merge does not keep kustomize's order of them.
 */
function byName(items: unknown[]): unknown[] {
  return items
    .map((item) => ({ key: JSON.stringify(textual(item)), item: textual(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

/**
 * What a pod spec refers to by name and its containers' environment: the fields kustomize's name
 * references rewrite (a generated ConfigMap's hashed name, a prefixed Secret) and replacements write.
 */
function podFacts(spec: unknown): Facts {
  const containers = (key: string) =>
    byName(
      list(at(spec, key)).map((container) => ({
        name: at(container, 'name'),
        env: byName(list(at(container, 'env'))),
        envFrom: byName(list(at(container, 'envFrom'))),
        ports: byName(list(at(container, 'ports'))),
      })),
    );
  return JSON.parse(
    JSON.stringify({
      serviceAccountName: text(at(spec, 'serviceAccountName')),
      imagePullSecrets: byName(list(at(spec, 'imagePullSecrets'))),
      volumes: byName(list(at(spec, 'volumes'))),
      containers: containers('containers'),
      initContainers: containers('initContainers'),
    }),
  );
}

export function meshFacts(resource: unknown): { key: string; facts: Facts } {
  const kind = text(at(resource, 'kind')) ?? '';
  const namespace = text(at(resource, 'metadata', 'namespace')) ?? '';
  const name = text(at(resource, 'metadata', 'name')) ?? '';
  const facts: Facts = {
    kind,
    apiVersion: text(at(resource, 'apiVersion')),
    namespace,
    name,
    labels: stringMap(at(resource, 'metadata', 'labels')),
    annotations: stringMap(at(resource, 'metadata', 'annotations')),
  };
  const spec = at(resource, 'spec');
  if (kind === 'Service') {
    facts.selector = stringMap(at(spec, 'selector'));
    facts.ports = list(at(spec, 'ports')).map((port) =>
      picked(port, ['port', 'name', 'protocol', 'targetPort', 'appProtocol']),
    );
  }
  if (['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'Rollout'].includes(kind)) {
    facts.replicas = text(at(spec, 'replicas'));
    facts.matchLabels = stringMap(at(spec, 'selector', 'matchLabels'));
    facts.templateLabels = stringMap(at(spec, 'template', 'metadata', 'labels'));
  }
  if (kind === 'VirtualService') {
    facts.hosts = list(at(spec, 'hosts')).map(text);
    facts.destinations = ['http', 'tcp', 'tls'].flatMap((protocol) =>
      list(at(spec, protocol)).flatMap((route) =>
        list(at(route, 'route')).map((destination) => text(at(destination, 'destination', 'host'))),
      ),
    );
  }
  const podSpec = POD_SPECS[kind];
  if (podSpec) facts.pod = podFacts(at(resource, ...podSpec));
  if (kind === 'StatefulSet') facts.serviceName = text(at(spec, 'serviceName'));
  if (kind === 'ConfigMap') {
    facts.data = stringMap(at(resource, 'data'));
    facts.binaryData = stringMap(at(resource, 'binaryData'));
    facts.immutable = text(at(resource, 'immutable'));
  }
  if (kind === 'Secret') {
    facts.type = text(at(resource, 'type'));
    facts.data = stringMap(at(resource, 'data'));
    facts.stringData = stringMap(at(resource, 'stringData'));
  }
  if (['Ingress', 'HorizontalPodAutoscaler', 'APIService'].includes(kind)) facts.spec = textual(spec);
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    facts.roleRef = textual(at(resource, 'roleRef'));
    facts.subjects = textual(at(resource, 'subjects'));
  }
  if (kind === 'DestinationRule') facts.host = text(at(spec, 'host'));
  if (kind === 'ServiceEntry') facts.hosts = list(at(spec, 'hosts')).map(text);
  if (kind === 'HTTPRoute' || kind === 'GRPCRoute' || kind === 'TCPRoute') {
    facts.parentRefs = list(at(spec, 'parentRefs')).map((ref) => picked(ref, REF_KEYS));
    facts.backendRefs = list(at(spec, 'rules')).flatMap((rule) =>
      list(at(rule, 'backendRefs')).map((ref) => picked(ref, REF_KEYS)),
    );
  }
  // Undefined facts are absent facts: JSON drops them, so both sides compare alike.
  return { key: `${kind}/${namespace}/${name}`, facts: JSON.parse(JSON.stringify(facts)) };
}

/** The facts of every object, keyed by kind/namespace/name; a key seen twice keeps both. */
export function factsByKey(resources: unknown[]): Map<string, Facts[]> {
  const byKey = new Map<string, Facts[]>();
  for (const resource of resources) {
    const { key, facts } = meshFacts(resource);
    byKey.set(key, [...(byKey.get(key) ?? []), facts]);
  }
  return byKey;
}

/** A readable diff of two renderings' facts, or '' when they agree. `onlyOurs`: compare only our objects. */
export function factsDiff(
  ours: Map<string, Facts[]>,
  theirs: Map<string, Facts[]>,
  onlyOurs = false,
): string {
  const lines: string[] = [];
  const keys = new Set([...ours.keys(), ...(onlyOurs ? [] : theirs.keys())]);
  for (const key of [...keys].sort()) {
    const a = JSON.stringify(ours.get(key));
    const b = JSON.stringify(theirs.get(key));
    if (a === b) continue;
    lines.push(`${key}\n  ours:    ${a ?? '(missing)'}\n  kubectl: ${b ?? '(missing)'}`);
  }
  return lines.join('\n');
}
