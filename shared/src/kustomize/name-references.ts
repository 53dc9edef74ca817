import { isMap, isScalar, isSeq, type Node, Pair, Scalar, type YAMLMap } from 'yaml';
import { markWrittenIn, sourceOfNode } from '../yaml/nodes';
import { effectiveNamespace, idOf, isClusterScoped, type ResId } from './res-id';
import { addNote, type RenderState } from './state';
import { childOf, pairIn, textOf } from './tree';
import { originalId, type Working } from './working';

// Name references (SPEC §9: `namePrefix`/`nameSuffix` "also applied to references that kustomize
// rewrites"). Once every object has its final name (prefixes, suffixes, a generator's hash), kustomize
// rewrites the fields of other objects that name it, from a table of which fields of which kinds
// name which kinds. This is that table for the kinds a mesh's workloads refer to, and kustomize's
// rule for picking the object a reference means. Fields outside the table are left as written: an
// Istio VirtualService's hosts name a Service but are not rewritten (MESH104 exists because of it).

interface Kinds {
  kind: string;
  group?: string;
  version?: string;
}

/** A field of a referrer kind that names an object of the target kind. */
interface ReferringField extends Kinds {
  path: readonly string[];
}

interface NameReference {
  target: Kinds;
  fields: ReferringField[];
}

// Where each workload kind keeps its pod spec.
const POD_SPEC: Record<string, string> = {
  Pod: 'spec',
  PodTemplate: 'template/spec',
  Deployment: 'spec/template/spec',
  ReplicaSet: 'spec/template/spec',
  DaemonSet: 'spec/template/spec',
  StatefulSet: 'spec/template/spec',
  Job: 'spec/template/spec',
  CronJob: 'spec/jobTemplate/spec/template/spec',
  ReplicationController: 'spec/template/spec',
};

/** The same fields (relative to the pod spec) in the pod specs of `kinds`. */
function inPodSpecs(kinds: readonly string[], fields: readonly string[]): ReferringField[] {
  return kinds.flatMap((kind) =>
    fields.map((field) => ({
      kind,
      ...(kind === 'Pod' ? { version: 'v1' } : {}),
      path: `${POD_SPEC[kind]}/${field}`.split('/'),
    })),
  );
}

const referrer = (kind: string, path: string, group?: string): ReferringField => ({
  kind,
  ...(group ? { group } : {}),
  path: path.split('/'),
});

// kustomize's defaults name ConfigMaps and Secrets from every pod spec but a ReplicationController's,
// service accounts and claims from every one but a ReplicaSet's and a PodTemplate's.
const CONFIG_HOLDERS = [
  'Pod',
  'PodTemplate',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
];
const ACCOUNT_HOLDERS = [
  'Pod',
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
  'ReplicationController',
];
const SCALED = ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'];
const RBAC = 'rbac.authorization.k8s.io';

const NAME_REFERENCES: readonly NameReference[] = [
  ...SCALED.map((kind) => ({
    target: { kind },
    fields: [referrer('HorizontalPodAutoscaler', 'spec/scaleTargetRef/name')],
  })),
  {
    target: { kind: 'ConfigMap', version: 'v1' },
    fields: inPodSpecs(CONFIG_HOLDERS, [
      'volumes/configMap/name',
      'volumes/projected/sources/configMap/name',
      'containers/env/valueFrom/configMapKeyRef/name',
      'initContainers/env/valueFrom/configMapKeyRef/name',
      'containers/envFrom/configMapRef/name',
      'initContainers/envFrom/configMapRef/name',
    ]),
  },
  {
    target: { kind: 'Secret', version: 'v1' },
    fields: [
      ...inPodSpecs(CONFIG_HOLDERS, [
        'volumes/secret/secretName',
        'volumes/projected/sources/secret/name',
        'containers/env/valueFrom/secretKeyRef/name',
        'initContainers/env/valueFrom/secretKeyRef/name',
        'containers/envFrom/secretRef/name',
        'initContainers/envFrom/secretRef/name',
        'imagePullSecrets/name',
      ]),
      referrer('Ingress', 'spec/tls/secretName'),
      referrer('ServiceAccount', 'imagePullSecrets/name'),
    ],
  },
  {
    target: { kind: 'Service', version: 'v1' },
    fields: [
      referrer('StatefulSet', 'spec/serviceName', 'apps'),
      referrer('Ingress', 'spec/rules/http/paths/backend/serviceName'),
      referrer('Ingress', 'spec/backend/serviceName'),
      referrer('Ingress', 'spec/rules/http/paths/backend/service/name'),
      referrer('Ingress', 'spec/defaultBackend/service/name'),
      referrer('APIService', 'spec/service/name', 'apiregistration.k8s.io'),
      referrer(
        'ValidatingWebhookConfiguration',
        'webhooks/clientConfig/service',
        'admissionregistration.k8s.io',
      ),
      referrer(
        'MutatingWebhookConfiguration',
        'webhooks/clientConfig/service',
        'admissionregistration.k8s.io',
      ),
    ],
  },
  {
    target: { kind: 'ServiceAccount', version: 'v1' },
    fields: [
      referrer('RoleBinding', 'subjects', RBAC),
      referrer('ClusterRoleBinding', 'subjects', RBAC),
      ...inPodSpecs(ACCOUNT_HOLDERS, ['serviceAccountName']),
    ],
  },
  {
    target: { kind: 'PersistentVolumeClaim', version: 'v1' },
    fields: inPodSpecs(ACCOUNT_HOLDERS, ['volumes/persistentVolumeClaim/claimName']),
  },
  { target: { kind: 'Role', group: RBAC }, fields: [referrer('RoleBinding', 'roleRef/name', RBAC)] },
  {
    target: { kind: 'ClusterRole', group: RBAC },
    fields: [
      referrer('RoleBinding', 'roleRef/name', RBAC),
      referrer('ClusterRoleBinding', 'roleRef/name', RBAC),
    ],
  },
];

// The table by referrer kind: each object looks up the fields of its own kind only.
const FIELDS_BY_KIND = new Map<string, { target: Kinds; field: ReferringField }[]>();
for (const { target, fields } of NAME_REFERENCES) {
  for (const field of fields) {
    const list = FIELDS_BY_KIND.get(field.kind) ?? [];
    list.push({ target, field });
    FIELDS_BY_KIND.set(field.kind, list);
  }
}

function selectedBy(id: Pick<ResId, 'group' | 'version' | 'kind'>, kinds: Kinds): boolean {
  return (
    (kinds.group === undefined || kinds.group === id.group) &&
    (kinds.version === undefined || kinds.version === id.version) &&
    kinds.kind === id.kind
  );
}

/** Rewrites every reference to an object that was renamed, as kustomize does at the end of a build. */
export function fixNameReferences(state: RenderState, objects: readonly Working[]): ReferenceFacts {
  // Only an object that had another id can be named by an old name (kustomize picks among objects
  // with previous ids): none in most renderings, and few in any.
  const renamed = objects.filter((working) => working.previous.length > 0);
  // Reference fields are not read then: whether one holds a map is not known.
  if (renamed.length === 0) return { renamed: false, namesChanged: false, maps: true };
  const index = referableIndex(renamed);
  // A field holding a name can only change, or be ambiguous, when some object's name changed: an
  // overlay's `namespace:` alone moves every object it gathers without renaming any.
  const namesChanged = renamed.some((working) => {
    const name = idOf(working.node).name;
    return working.previous.some((id) => id.name !== name);
  });
  const facts: ReferenceFacts = { renamed: true, namesChanged, maps: false };
  for (const working of objects) {
    const original = originalId(working);
    let candidates: Working[] | undefined;
    for (const { target, field } of FIELDS_BY_KIND.get(original.kind) ?? []) {
      if (!selectedBy(original, field)) continue;
      candidates ??= referableFrom(working, index);
      const fix: Fix = { state, referrer: working, target, field, candidates, namesChanged };
      at(working.node, field.path, 0, (node) => {
        if (holdsMap(node)) facts.maps = true;
        rewrite(fix, node);
      });
    }
  }
  return facts;
}

/** A reference field that takes a namespace too (`rewriteNameAndNamespace`). */
function holdsMap(node: Node): boolean {
  return isMap(node) || (isSeq(node) && node.items.some((item) => isMap(item)));
}

/**
 * What decides whether `fixNameReferences` can change anything: it rewrites nothing when no object
 * was renamed, or when no name changed (only namespaces) and no reference field holds a map (a
 * RoleBinding's subject, a webhook's service: those take the namespace too). A rendering re-rendered
 * one file at a time keeps these (rerender.ts), since then each object's references are its own.
 * `fixNameReferences` returns them for the objects it was given (`maps` true, not read, when none was
 * renamed); `referenceFacts` reads them from objects whose references were not fixed.
 */
export interface ReferenceFacts {
  /** Some object had another id (kustomize's previous ids). */
  renamed: boolean;
  /** Some object's name changed (a prefix, a suffix, a hash, a patch). */
  namesChanged: boolean;
  /** Some reference field of some object holds a map, or a sequence with a map. */
  maps: boolean;
}

export function referenceFacts(objects: readonly Working[]): ReferenceFacts {
  const facts: ReferenceFacts = { renamed: false, namesChanged: false, maps: false };
  for (const working of objects) {
    if (working.previous.length > 0) {
      facts.renamed = true;
      const name = idOf(working.node).name;
      if (working.previous.some((id) => id.name !== name)) facts.namesChanged = true;
    }
    const original = originalId(working);
    for (const { field } of FIELDS_BY_KIND.get(original.kind) ?? []) {
      if (facts.maps) break;
      if (selectedBy(original, field) && someAt(working.node, field.path, 0, holdsMap)) facts.maps = true;
    }
  }
  return facts;
}

/** Whether `fixNameReferences` rewrites nothing in a rendering with these facts. */
export function referencesInert(facts: ReferenceFacts): boolean {
  return !facts.renamed || (!facts.namesChanged && !facts.maps);
}

interface Fix {
  state: RenderState;
  referrer: Working;
  target: Kinds;
  field: ReferringField;
  candidates: Working[];
  namesChanged: boolean;
}

/**
 * Whether something a path reaches passes `test`, running through every item of a sequence it meets
 * on the way, in order, and stopping at the first that passes.
 */
function someAt(
  node: unknown,
  path: readonly string[],
  step: number,
  test: (node: Node) => boolean,
): boolean {
  if (node === null || node === undefined) return false;
  if (step === path.length) return test(node as Node);
  if (isSeq(node)) {
    for (const item of node.items) if (someAt(item, path, step, test)) return true;
    return false;
  }
  return isMap(node) && someAt(childOf(node, path[step] as string), path, step + 1, test);
}

/** Visits everything a path reaches (`someAt` with a test that never passes). */
function at(node: unknown, path: readonly string[], step: number, visit: (node: Node) => void): void {
  someAt(node, path, step, (reached) => {
    visit(reached);
    return false;
  });
}

function rewrite(fix: Fix, node: Node): void {
  if (isScalar(node)) rewriteName(fix, node);
  else if (isMap(node)) rewriteNameAndNamespace(fix, node);
  else if (isSeq(node))
    for (const item of node.items) {
      if (isScalar(item)) rewriteName(fix, item);
      else if (isMap(item)) rewriteNameAndNamespace(fix, item);
    }
}

/** A field holding a name: the referred object's current name. */
function rewriteName(fix: Fix, node: Scalar): void {
  if (!fix.namesChanged) return;
  const name = textOf(node);
  if (name === undefined) return;
  const referral = referralOf(fix, node, name, fix.candidates, sameNames);
  if (!referral) return;
  const current = idOf(referral.node).name;
  if (current !== name) node.value = current;
}

/** A map with `name` (and maybe `namespace`): a RoleBinding's subject, a webhook's service. */
function rewriteNameAndNamespace(fix: Fix, map: YAMLMap): void {
  const name = pairIn(map, 'name');
  if (!name || !isScalar(name.value)) {
    addNote(fix.state, sourceOfNode(fix.referrer.ctx, map), map, 'name reference without a name');
    return;
  }
  const namespace = textOf(childOf(map, 'namespace'));
  const referral = referralOf(
    fix,
    name.value,
    textOf(name.value) ?? '',
    namespace === undefined ? fix.candidates : inNamespace(fix.candidates, namespace),
    sameNamesAndNamespaces,
  );
  if (!referral) return;
  const id = idOf(referral.node);
  if (id.name === textOf(name.value) && id.namespace === '') return;
  name.value.value = id.name;
  if (id.namespace === '') return;
  const written = pairIn(map, 'namespace');
  if (written && isScalar(written.value)) written.value.value = id.namespace;
  else map.items.push(new Pair(new Scalar('namespace'), namespaceNode(referral)));
}

/** The referral's namespace node, marked with its file, for a reference that did not write one. */
function namespaceNode(referral: Working): Node {
  const metadata = childOf(referral.node, 'metadata');
  const written = isMap(metadata) ? pairIn(metadata, 'namespace')?.value : undefined;
  const copy = new Scalar(idOf(referral.node).namespace);
  if (isScalar(written)) {
    if (written.range) copy.range = [written.range[0], written.range[1], written.range[2]];
    markWrittenIn(copy, sourceOfNode(referral.ctx, written));
  }
  return copy;
}

/** Candidates whose original namespace is `namespace`, else those whose current one is. */
function inNamespace(candidates: Working[], namespace: string): Working[] {
  const namespaced = (id: ResId) => !isClusterScoped(id);
  const original = candidates.filter(
    (working) => namespaced(originalId(working)) && effectiveNamespace(originalId(working)) === namespace,
  );
  if (original.length > 0) return original;
  return candidates.filter((working) => {
    const id = idOf(working.node);
    return namespaced(id) && effectiveNamespace(id) === namespace;
  });
}

/**
 * The objects a referrer may name: in its namespace, cluster-scoped, or (for a RoleBinding) in the
 * namespaces of its service account subjects; a cluster-scoped referrer may name any.
 */
function referableFrom(referrer: Working, index: ReferableIndex): Working[] {
  const id = idOf(referrer.node);
  if (isClusterScoped(id)) return index.all;
  const namespaces = new Set([effectiveNamespace(id)]);
  if (id.kind === 'RoleBinding')
    for (const namespace of serviceAccountNamespaces(referrer.node)) namespaces.add(namespace);
  // Every workload of a namespace may name the same objects: the list is made once per namespace.
  const key = [...namespaces].join('\u0000');
  let referable = index.byNamespaces.get(key);
  if (!referable) {
    const groups = [
      index.clusterScoped,
      ...[...namespaces].map((namespace) => index.byNamespace.get(namespace) ?? []),
    ];
    // In the renamed objects' order, as a filter of them would give: kustomize's choice among several reads it.
    referable = groups.flat().sort((a, b) => (index.position.get(a) ?? 0) - (index.position.get(b) ?? 0));
    index.byNamespaces.set(key, referable);
  }
  return referable;
}

/**
 * The renamed objects by namespace, read once per rendering: filtering every renamed object for every
 * referrer (each reading both ids) was quadratic, 10.7 s of a 14 s check of the 10k workspace laid
 * out as overlays, where every object an overlay puts in its namespace counts as renamed.
 */
interface ReferableIndex {
  all: Working[];
  clusterScoped: Working[];
  byNamespace: Map<string, Working[]>;
  position: Map<Working, number>;
  /** What `referableFrom` gave for a set of namespaces: read, never changed. */
  byNamespaces: Map<string, Working[]>;
}

function referableIndex(renamed: Working[]): ReferableIndex {
  const index: ReferableIndex = {
    all: renamed,
    clusterScoped: [],
    byNamespace: new Map(),
    position: new Map(),
    byNamespaces: new Map(),
  };
  renamed.forEach((working, position) => {
    index.position.set(working, position);
    const id = idOf(working.node);
    if (isClusterScoped(id)) {
      index.clusterScoped.push(working);
      return;
    }
    const namespace = effectiveNamespace(id);
    const group = index.byNamespace.get(namespace);
    if (group) group.push(working);
    else index.byNamespace.set(namespace, [working]);
  });
  return index;
}

function serviceAccountNamespaces(node: YAMLMap): Set<string> {
  const namespaces = new Set<string>();
  const subjects = childOf(node, 'subjects');
  for (const subject of isSeq(subjects) ? subjects.items : []) {
    if (textOf(childOf(subject, 'kind')) !== 'ServiceAccount') continue;
    const namespace = textOf(childOf(subject, 'namespace'));
    if (namespace) namespaces.add(namespace);
  }
  return namespaces;
}

/**
 * The object a reference means, as kustomize picks it: one renamed from that name, of the target's
 * kind, in the referrer's namespace (or cluster-scoped, or a service account); among several, the
 * one renamed in the same layers as the referrer. Several with different names: kustomize fails,
 * noted here.
 */
function referralOf(
  fix: Fix,
  node: Node,
  name: string,
  candidates: Working[],
  identical: (objects: Working[]) => boolean,
): Working | undefined {
  const referrerId = idOf(fix.referrer.node);
  const roleRef = fix.field.path.join('/').endsWith('roleRef/name')
    ? roleRefKinds(fix.referrer.node)
    : undefined;
  let found = candidates.filter(
    (candidate) =>
      candidate.previous.some((id) => id.name === name) &&
      candidate.previous.some((id) => selectedBy(id, fix.target)) &&
      (!roleRef || candidate.previous.some((id) => selectedBy(id, roleRef))) &&
      sameNamespaceAsReferrer(referrerId, candidate),
  );
  if (found.length === 1) return found[0];
  found = found.filter((candidate) => sameLayers(candidate, fix.referrer, true));
  if (found.length > 1) found = found.filter((candidate) => sameLayers(candidate, fix.referrer, false));
  if (found.length <= 1 || identical(found)) return found[0];
  addNote(
    fix.state,
    sourceOfNode(fix.referrer.ctx, node),
    node,
    `name reference ${name} (it may mean ${found.map((candidate) => idOf(candidate.node).name).join(', ')})`,
  );
  return undefined;
}

function roleRefKinds(node: YAMLMap): Kinds | undefined {
  const roleRef = childOf(node, 'roleRef');
  const group = textOf(childOf(roleRef, 'apiGroup'));
  const kind = textOf(childOf(roleRef, 'kind'));
  if (group === undefined || kind === undefined) return undefined;
  return { kind, ...(group ? { group } : {}) };
}

function sameNamespaceAsReferrer(referrer: ResId, candidate: Working): boolean {
  if (isClusterScoped(referrer)) return true;
  const id = idOf(candidate.node);
  return (
    isClusterScoped(id) ||
    id.kind === 'ServiceAccount' ||
    effectiveNamespace(id) === effectiveNamespace(referrer)
  );
}

/** Whether two objects were given the same prefixes and suffixes, the later ones compared (kustomize's rule). */
function sameLayers(a: Working, b: Working, emptyMatchesAny: boolean): boolean {
  const matches = (x: string[], y: string[]) =>
    (emptyMatchesAny && (x.length === 0 || y.length === 0)) || sameEnding(x, y);
  return matches(a.prefixes, b.prefixes) && matches(a.suffixes, b.suffixes);
}

function sameEnding(x: string[], y: string[]): boolean {
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  if (shorter.length === 0) return longer.length === 0;
  const offset = longer.length - shorter.length;
  return shorter.every((item, index) => longer[index + offset] === item);
}

function sameNames(objects: Working[]): boolean {
  return objects.every((working) => idOf(working.node).name === idOf(objects[0]?.node as YAMLMap).name);
}

function sameNamesAndNamespaces(objects: Working[]): boolean {
  const first = idOf(objects[0]?.node as YAMLMap);
  return objects.every((working) => {
    const id = idOf(working.node);
    return id.name === first.name && id.namespace === first.namespace;
  });
}
