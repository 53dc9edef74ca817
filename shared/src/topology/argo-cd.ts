import { isMap, isScalar, type Node, Pair, Scalar, YAMLMap } from 'yaml';
import { kustomizationFileIn, resolvePath } from '../kustomize';
import {
  COMMON_ANNOTATIONS,
  COMMON_LABELS,
  METADATA_LABELS,
  TEMPLATE_LABELS,
} from '../kustomize/field-specs';
import {
  asMap,
  findPair,
  getPath,
  type Located,
  locatedString,
  nodeRange,
  plainLocated,
  seqItems,
  stringEntries,
} from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import { field, type Resource } from '../yaml/resource';
import { argoGlob } from './argo-glob';
import type { ControllerOptions } from './controller-options';
import {
  type ArgoCluster,
  addTarget,
  type ControllerContext,
  controllerName,
  emptyOptions,
  isEmpty,
  keyOf,
  ownField,
  replicaEntries,
  scalar,
  workspaceFolder,
  writtenAt,
} from './gitops-context';
import type { TopologyDeclaration } from './topology-file';

// Argo CD (SPEC §9): Applications, ApplicationSets with `list` and `clusters` generators, the cluster
// Secrets, and the options applied on top of a source's path.

const IN_CLUSTER_SERVERS = new Set(['https://kubernetes.default.svc', 'https://kubernetes.default.svc/']);

/** A field a template parameter could not fill: noted on the field, and nothing placed with a guess. */
const UNRESOLVED = Symbol('unresolved');

type Field = Located<string> | typeof UNRESOLVED | undefined;

/** An Application, or an ApplicationSet's template with its parameters (`{{name}}`, `{{.server}}`). */
export function application(context: ControllerContext, root: Node, params: Map<string, string>): void {
  const { resource, note } = context;
  const spec = getPath(resource, root, ['spec']);
  const destination = getPath(resource, spec, ['destination']);
  const sources = [
    ...(getPath(resource, spec, ['source']) ? [getPath(resource, spec, ['source']) as Node] : []),
    ...seqItems(resource, getPath(resource, spec, ['sources'])),
  ];
  const cluster = destinationCluster(context, destination, params);
  const namespace =
    cluster === undefined
      ? undefined
      : templated(context, getPath(resource, destination, ['namespace']), params, 'destination.namespace');
  if (cluster === undefined || namespace === UNRESOLVED) {
    for (const source of sources) claimSource(context, source, params);
    return;
  }
  context.destinations.add(cluster);
  if (sources.length === 0) note(resource, spec, 'an Application without a source');
  for (const source of sources) argoSource(context, source, params, cluster, namespace);
}

/** The folder of a source whose Application is not placed, when its path is known. */
function claimSource(context: ControllerContext, source: Node, params: Map<string, string>): void {
  const { resource, ws } = context;
  const written = templateText(resource, getPath(resource, source, ['path']));
  const path = written && substituted(written.value, params);
  const folder = path && path.unresolved.length === 0 && resolvePath('', path.value.replace(/^\/+/, ''));
  if (typeof folder !== 'string' || !ws.hasFolder(folder)) return;
  const recurse = scalar(getPath(resource, source, ['directory', 'recurse'])) === 'true';
  context.claims.push({ folder, recurse });
}

/** One source of an Application: what Argo CD makes of its path (SPEC §9), by its type. */
function argoSource(
  context: ControllerContext,
  source: Node,
  params: Map<string, string>,
  cluster: string,
  namespace: Located<string> | undefined,
): void {
  const { resource, note } = context;
  if (getPath(resource, source, ['chart'])) {
    note(
      resource,
      getPath(resource, source, ['chart']),
      'a Helm chart source (place its `helm template` output instead)',
    );
    return;
  }
  const pathNode = getPath(resource, source, ['path']);
  // A source without a path (a `ref` naming values for another source's chart) deploys nothing itself.
  if (!pathNode) return;
  const path = templated(context, pathNode, params, 'source.path');
  if (path === UNRESOLVED || path === undefined) return;
  const folder = workspaceFolder(context, pathNode, path.value);
  if (folder === undefined) return;
  const type = sourceType(context, source, folder);
  const base = { folder, cluster, namespace };
  if (type.kind === 'helm') {
    note(
      resource,
      pathNode,
      `path ${path.value}, a Helm chart, which Mesh Lens does not render; add its \`helm template\` output or a \`render:\` command`,
    );
    context.claims.push({ folder, recurse: true });
  } else if (type.kind === 'plugin' || type.kind === 'several') {
    note(resource, type.node, type.feature);
    context.claims.push({ folder, recurse: true });
  } else if (type.kind === 'kustomize') {
    if (!type.kustomization) {
      context.claims.push({ folder, recurse: false });
      note(
        resource,
        type.key,
        `${controllerName(resource)} \`kustomize\` options on path ${path.value}, which holds no kustomization (Argo CD cannot build it; nothing of it is placed)`,
      );
      return;
    }
    const options = type.options && argoKustomizeOptions(context, type.options, params, type.kustomization);
    addTarget(context, { ...base, recurse: false, options });
  } else if (type.kind === 'directory') {
    addTarget(context, { ...base, ...directoryOptions(context, type.options) });
  }
}

type SourceType =
  | { kind: 'helm' }
  | { kind: 'plugin' | 'several'; node: Node | undefined; feature: string }
  | { kind: 'kustomize'; key?: Node; options?: Node; kustomization?: string }
  | { kind: 'directory'; options?: Node };

const EXPLICIT_TYPES = ['kustomize', 'helm', 'directory', 'plugin'] as const;

/**
 * The source's type as Argo CD decides it: the one option block it has (`kustomize`, `helm`,
 * `directory`, `plugin`), else by the folder: a kustomization is Kustomize, a `Chart.yaml` a Helm
 * chart, anything else a directory of manifests.
 */
function sourceType(context: ControllerContext, source: Node, folder: string): SourceType {
  const { resource, ws } = context;
  const map = asMap(resource, source);
  const explicit = EXPLICIT_TYPES.flatMap((key) => {
    const pair = map && findPair(resource, map, key);
    return pair ? [{ key, pair }] : [];
  });
  const kustomization = kustomizationFileIn(folder, ws);
  if (explicit.length > 1)
    return {
      kind: 'several',
      node: explicit[1]?.pair.key as Node,
      feature: `a source with ${explicit.map((entry) => `\`${entry.key}\``).join(' and ')} (Argo CD accepts one source type)`,
    };
  const [only] = explicit;
  if (only?.key === 'helm') return { kind: 'helm' };
  if (only?.key === 'plugin')
    return {
      kind: 'plugin',
      node: only.pair.key as Node,
      feature: `${controllerName(resource)} \`plugin\` source (a config management plugin's output is not rendered)`,
    };
  if (only?.key === 'kustomize')
    return { kind: 'kustomize', key: only.pair.key as Node, options: only.pair.value as Node, kustomization };
  if (only?.key === 'directory') return { kind: 'directory', options: only.pair.value as Node };
  if (kustomization) return { kind: 'kustomize', kustomization };
  if (ws.file(folder ? `${folder}/Chart.yaml` : 'Chart.yaml')) return { kind: 'helm' };
  return { kind: 'directory' };
}

/** `directory:` options: `recurse`, `include`/`exclude` globs; Jsonnet is not rendered. */
function directoryOptions(
  context: ControllerContext,
  directory: Node | undefined,
): { recurse: boolean; selects?: (path: string) => boolean } {
  const { resource, note } = context;
  const recurse = scalar(getPath(resource, directory, ['recurse'])) === 'true';
  const jsonnet = asMap(resource, getPath(resource, directory, ['jsonnet']));
  if (jsonnet && jsonnet.items.length > 0)
    note(
      resource,
      keyOf(resource, directory, 'jsonnet'),
      `${controllerName(resource)} \`directory.jsonnet\` (Jsonnet files are not rendered)`,
    );
  const include = scalar(getPath(resource, directory, ['include'])) || undefined;
  const exclude = scalar(getPath(resource, directory, ['exclude'])) || undefined;
  if (!include && !exclude) return { recurse };
  const included = include ? argoGlob(include) : () => true;
  const excluded = exclude ? argoGlob(exclude) : () => false;
  return { recurse, selects: (path) => included(path) && !excluded(path) };
}

// Argo CD's `kustomize` options Mesh Lens applies, and those that cannot change what the mesh sees
// (`images` rewrites container images, `version` picks the kustomize binary, `kubeVersion` and
// `apiVersions` matter to Helm charts only, the force/envsubst flags to the kustomization file).
const ARGO_KUSTOMIZE_FOLLOWED = new Set([
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'commonAnnotations',
  'labelWithoutSelector',
  'labelIncludeTemplates',
  'replicas',
  'images',
  'version',
  'kubeVersion',
  'apiVersions',
  'forceCommonLabels',
  'forceCommonAnnotations',
  'commonAnnotationsEnvsubst',
  'ignoreMissingComponents',
]);

/**
 * Argo CD runs `kustomize edit` on the path's kustomization before building it: `set namePrefix`,
 * `set nameSuffix` and `set namespace` replace its own fields, `add label` extends its
 * `commonLabels` (its `labels` without selectors with `labelWithoutSelector`), `add annotation` its
 * `commonAnnotations`, `set replicas` its `replicas`. Applied here to what the kustomization renders.
 */
function argoKustomizeOptions(
  context: ControllerContext,
  kustomize: Node,
  params: Map<string, string>,
  kustomization: string,
): ControllerOptions {
  const { resource, note } = context;
  const options = emptyOptions(resource);
  const map = asMap(resource, kustomize);
  if (!map) return options;
  const flag = (key: string) => scalar(getPath(resource, map, [key])) === 'true';
  for (const pair of map.items) {
    const key = scalar(pair.key as Node);
    if (key === undefined) continue;
    const value = resolvedOption(context, pair, params, `kustomize.${key}`);
    if (value === UNRESOLVED || value === undefined) continue;
    const written = writtenAt(resource, pair.key as Node, value);
    if (key === 'namePrefix' || key === 'nameSuffix') {
      if (ownField(context.ws, kustomization, key))
        note(
          resource,
          pair.key as Node,
          `${controllerName(resource)} \`kustomize.${key}\`, which replaces the kustomization's own (${kustomization})`,
        );
      else options[key] = written;
    } else if (key === 'namespace') options.namespace = written;
    else if (key === 'commonLabels')
      options.entries.push({
        written,
        specs: flag('labelWithoutSelector')
          ? [METADATA_LABELS, ...(flag('labelIncludeTemplates') ? TEMPLATE_LABELS : [])]
          : COMMON_LABELS,
      });
    else if (key === 'commonAnnotations') options.entries.push({ written, specs: COMMON_ANNOTATIONS });
    else if (key === 'replicas') options.replicas.push(...replicaEntries(resource, value));
    else if (!ARGO_KUSTOMIZE_FOLLOWED.has(key) && !isEmpty(value))
      note(resource, pair.key as Node, `${controllerName(resource)} \`kustomize.${key}\``);
  }
  return options;
}

export function applicationSet(context: ControllerContext): void {
  const { resource, note } = context;
  const template = getPath(resource, resource.node, ['spec', 'template']);
  const generators = seqItems(resource, getPath(resource, resource.node, ['spec', 'generators']));
  if (!template || generators.length === 0) {
    note(resource, template, 'an ApplicationSet without a template or generators');
    return;
  }
  for (const generator of generators) {
    const list = getPath(resource, generator, ['list']);
    const clustersGenerator = getPath(resource, generator, ['clusters']);
    if (list) for (const params of listParams(resource, list)) application(context, template, params);
    else if (clustersGenerator) {
      for (const params of clusterParams(context, clustersGenerator)) application(context, template, params);
    } else {
      const kind = isMap(generator)
        ? String((generator.items[0]?.key as { value?: unknown })?.value ?? '')
        : '';
      note(
        resource,
        generator,
        `the ApplicationSet ${kind || 'unknown'} generator (list and clusters generators are followed)`,
      );
    }
  }
}

/** The cluster a destination names: `name`, or `server` through the cluster Secrets; in-cluster is the controller's own. */
function destinationCluster(
  context: ControllerContext,
  destination: Node | undefined,
  params: Map<string, string>,
): string | undefined {
  const { resource, note } = context;
  const name = templated(context, getPath(resource, destination, ['name']), params, 'destination.name');
  if (name === UNRESOLVED) return undefined;
  if (name) return name.value === 'in-cluster' ? context.clusters[0] : name.value;
  const serverNode = getPath(resource, destination, ['server']);
  const server = templated(context, serverNode, params, 'destination.server');
  if (server === UNRESOLVED) return undefined;
  if (!server) {
    note(resource, destination, 'a destination without a cluster Mesh Lens can resolve');
    return undefined;
  }
  if (IN_CLUSTER_SERVERS.has(server.value)) return context.clusters[0];
  const known = context.argoClusters.find((cluster) => cluster.server === server.value);
  if (known) return known.name;
  note(resource, serverNode, `destination server ${server.value}, which no Argo CD cluster Secret names`);
  return undefined;
}

/**
 * A placement-deciding field with its parameters substituted (`{{name}}`, `{{.values.ns}}`). One
 * still holding `{{` after that is noted on the field, naming what is left: the Application is not
 * placed with a guessed value.
 */
function templated(
  context: ControllerContext,
  node: Node | undefined,
  params: Map<string, string>,
  name: string,
): Field {
  const { resource } = context;
  const written = templateText(resource, node);
  if (!written) return undefined;
  const { value, unresolved } = substituted(written.value, params);
  if (unresolved.length === 0) return { ...plainLocated(written), value };
  context.note(resource, node, unresolvedFeature(resource, name, written.value, unresolved));
  return UNRESOLVED;
}

function unresolvedFeature(resource: Resource, name: string, written: string, unresolved: string[]): string {
  const expressions = unresolved.map((expression) => `\`${expression}\``).join(', ');
  const why =
    resource.kind === 'ApplicationSet'
      ? `no generator parameter gives ${expressions}`
      : `${expressions} is a template expression`;
  return `\`${name}\` ${written} of ${controllerName(resource)}: ${why}, so it is not placed`;
}

/** A template's text with the parameters it names filled in, and the expressions left unresolved. */
function substituted(text: string, params: Map<string, string>): { value: string; unresolved: string[] } {
  const value = text.replace(
    /\{\{-?\s*\.?([\w.\-/]+)\s*-?\}\}/g,
    (expression, key: string) => params.get(key) ?? expression,
  );
  const unresolved = [...value.matchAll(/\{\{[\s\S]*?\}\}/g)].map((match) => match[0]);
  if (unresolved.length === 0 && value.includes('{{')) unresolved.push(value.slice(value.indexOf('{{')));
  return { value, unresolved };
}

/**
 * An option's value with its parameters substituted (an ApplicationSet's template may write
 * `commonLabels: { cluster: '{{name}}' }`): a copy standing where the template writes it.
 */
function resolvedOption(
  context: ControllerContext,
  pair: Pair,
  params: Map<string, string>,
  name: string,
): Node | typeof UNRESOLVED | undefined {
  const { resource } = context;
  const value = pair.value as Node | null;
  if (!value) return undefined;
  const unresolved: string[] = [];
  const copy = withParameters(resource, value, params, unresolved);
  if (unresolved.length === 0) return copy;
  const written = templateText(resource, value)?.value ?? unresolved.join(' ');
  context.note(resource, pair.key as Node, unresolvedFeature(resource, name, written, unresolved));
  return UNRESOLVED;
}

function withParameters(
  resource: Resource,
  node: Node,
  params: Map<string, string>,
  unresolved: string[],
): Node {
  if (isScalar(node) && typeof node.value === 'string' && node.value.includes('{{')) {
    const result = substituted(node.value, params);
    unresolved.push(...result.unresolved);
    const copy = new Scalar(result.value);
    if (node.range) copy.range = [node.range[0], node.range[1], node.range[2]];
    return copy;
  }
  const map = asMap(resource, node);
  if (!map || !resource.source.text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0).includes('{{'))
    return node;
  const copy = new YAMLMap();
  copy.flow = map.flow;
  if (map.range) copy.range = [map.range[0], map.range[1], map.range[2]];
  for (const pair of map.items)
    copy.items.push(
      new Pair(
        pair.key,
        pair.value ? withParameters(resource, pair.value as Node, params, unresolved) : pair.value,
      ),
    );
  return copy;
}

/** A scalar's text, or the source text of an unquoted `{{.name}}` that YAML read as a flow map. */
function templateText(resource: Resource, node: Node | undefined): Located<string> | undefined {
  if (!node) return undefined;
  if (isScalar(node)) return locatedString(resource, node);
  const [start, end] = node.range ?? [];
  const text = start === undefined || end === undefined ? '' : resource.source.text.slice(start, end);
  const range = nodeRange(resource, node);
  return text.startsWith('{{') && range ? { value: text, range } : undefined;
}

/** A list generator's elements as parameters (nested maps flattened with dots). */
function listParams(resource: Resource, list: Node): Map<string, string>[] {
  return seqItems(resource, getPath(resource, list, ['elements'])).map((element) => {
    const params = new Map<string, string>();
    flatten(resource, element, '', params);
    return params;
  });
}

function flatten(resource: Resource, node: Node, prefix: string, params: Map<string, string>): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = scalar(pair.key as Node);
    if (key === undefined) continue;
    const value = pair.value as Node;
    if (isMap(value)) flatten(resource, value, `${prefix}${key}.`, params);
    else if (isScalar(value)) params.set(`${prefix}${key}`, String(value.value));
  }
}

/**
 * A clusters generator: one parameter set per Argo CD cluster whose labels match its selector:
 * `name`, `nameNormalized`, `server`, `metadata.labels.<key>`, and its `values` (themselves
 * templates over the cluster's parameters) as `values.<key>`.
 */
function clusterParams(context: ControllerContext, generator: Node): Map<string, string>[] {
  const { resource } = context;
  const matchLabels = stringEntries(resource, getPath(resource, generator, ['selector', 'matchLabels']));
  const values = stringEntries(resource, getPath(resource, generator, ['values']));
  return context.argoClusters
    .filter((cluster) => [...matchLabels].every(([key, value]) => cluster.labels.get(key) === value.value))
    .map((cluster) => {
      const params = new Map<string, string>([
        ['name', cluster.name],
        ['nameNormalized', normalizedName(cluster.name)],
      ]);
      if (cluster.server) params.set('server', cluster.server);
      for (const [key, value] of cluster.labels) params.set(`metadata.labels.${key}`, value);
      const own = new Map(params);
      for (const [key, value] of values) params.set(`values.${key}`, substituted(value.value, own).value);
      return params;
    });
}

/** Argo CD's `nameNormalized`: lower case, characters a DNS name cannot hold as `-`, trimmed. */
function normalizedName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';

/** Argo CD's clusters: its cluster Secrets in the workspace, else the topology file's clusters. */
export function argoClusterSecrets(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
): ArgoCluster[] {
  const secrets = files.flatMap((file) =>
    file.resources.filter(
      (resource) =>
        resource.kind === 'Secret' && resource.labels.get(CLUSTER_SECRET_LABEL)?.value === 'cluster',
    ),
  );
  const fromSecrets = secrets.flatMap((secret): ArgoCluster[] => {
    const name = scalar(field(secret, ['stringData', 'name']));
    if (!name) return [];
    const labels = new Map([...secret.labels].map(([key, value]) => [key, value.value]));
    return [{ name, server: scalar(field(secret, ['stringData', 'server'])), labels }];
  });
  if (fromSecrets.length > 0) return fromSecrets;
  return (topology?.clusters ?? []).map((cluster) => ({ name: cluster.name.value, labels: new Map() }));
}
