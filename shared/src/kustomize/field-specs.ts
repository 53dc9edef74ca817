import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { ResId } from './res-id';
import { childOf, pairIn, setPair } from './tree';

/**
 * Where a transformer writes, as kustomize's built-in configuration says (its "field specs"): a path
 * in objects of a kind (any group or version when not given), and whether a missing field is
 * created. A path runs through every item of a sequence it meets (`volumeClaimTemplates`).
 */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: readonly string[];
  create: boolean;
}

function spec(path: string, create: boolean, kind?: string, group?: string, version?: string): FieldSpec {
  return { path: path.split('/'), create, kind, group, version };
}

const TEMPLATE = 'spec/template/metadata/labels';
const AFFINITY = 'spec/template/spec/affinity';
// Selectors inside a pod template that commonLabels also extends where they exist.
const POD_SELECTORS = [
  `${AFFINITY}/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`,
  `${AFFINITY}/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`,
  `${AFFINITY}/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`,
  `${AFFINITY}/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`,
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** Pod template labels: `labels:` with `includeTemplates`, and part of commonLabels. */
export const TEMPLATE_LABELS: readonly FieldSpec[] = [
  spec(TEMPLATE, true, 'ReplicationController', '', 'v1'),
  spec(TEMPLATE, true, 'Deployment'),
  spec(TEMPLATE, true, 'ReplicaSet'),
  spec(TEMPLATE, true, 'DaemonSet'),
  spec(TEMPLATE, true, 'StatefulSet', 'apps'),
  spec('spec/volumeClaimTemplates/metadata/labels', true, 'StatefulSet', 'apps'),
  spec(TEMPLATE, true, 'Job', 'batch'),
  spec('spec/jobTemplate/metadata/labels', true, 'CronJob', 'batch'),
  spec('spec/jobTemplate/spec/template/metadata/labels', true, 'CronJob', 'batch'),
];

export const METADATA_LABELS: FieldSpec = spec('metadata/labels', true);

/** commonLabels, and `labels:` with `includeSelectors`: metadata, selectors and templates. */
export const COMMON_LABELS: readonly FieldSpec[] = [
  METADATA_LABELS,
  spec('spec/selector', true, 'Service', '', 'v1'),
  spec('spec/selector', true, 'ReplicationController', '', 'v1'),
  spec(TEMPLATE, true, 'ReplicationController', '', 'v1'),
  spec('spec/selector/matchLabels', true, 'Deployment'),
  spec(TEMPLATE, true, 'Deployment'),
  ...POD_SELECTORS.map((path) => spec(path, false, 'Deployment', 'apps')),
  spec('spec/selector/matchLabels', true, 'ReplicaSet'),
  spec(TEMPLATE, true, 'ReplicaSet'),
  spec('spec/selector/matchLabels', true, 'DaemonSet'),
  spec(TEMPLATE, true, 'DaemonSet'),
  spec('spec/selector/matchLabels', true, 'StatefulSet', 'apps'),
  spec(TEMPLATE, true, 'StatefulSet', 'apps'),
  ...POD_SELECTORS.map((path) => spec(path, false, 'StatefulSet', 'apps')),
  spec('spec/volumeClaimTemplates/metadata/labels', true, 'StatefulSet', 'apps'),
  spec('spec/selector/matchLabels', false, 'Job', 'batch'),
  spec(TEMPLATE, true, 'Job', 'batch'),
  spec('spec/jobTemplate/spec/selector/matchLabels', false, 'CronJob', 'batch'),
  spec('spec/jobTemplate/metadata/labels', true, 'CronJob', 'batch'),
  spec('spec/jobTemplate/spec/template/metadata/labels', true, 'CronJob', 'batch'),
  spec('spec/selector/matchLabels', false, 'PodDisruptionBudget', 'policy'),
  spec('spec/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
  spec('spec/ingress/from/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
  spec('spec/egress/to/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
];

const TEMPLATE_ANNOTATIONS = 'spec/template/metadata/annotations';

/** commonAnnotations: metadata and pod templates. */
export const COMMON_ANNOTATIONS: readonly FieldSpec[] = [
  spec('metadata/annotations', true),
  spec(TEMPLATE_ANNOTATIONS, true, 'ReplicationController', '', 'v1'),
  spec(TEMPLATE_ANNOTATIONS, true, 'Deployment'),
  spec(TEMPLATE_ANNOTATIONS, true, 'ReplicaSet'),
  spec(TEMPLATE_ANNOTATIONS, true, 'DaemonSet'),
  spec(TEMPLATE_ANNOTATIONS, true, 'StatefulSet', 'apps'),
  spec(TEMPLATE_ANNOTATIONS, true, 'Job', 'batch'),
  spec('spec/jobTemplate/metadata/annotations', true, 'CronJob', 'batch'),
  spec('spec/jobTemplate/spec/template/metadata/annotations', true, 'CronJob', 'batch'),
];

/** `replicas:` writes `spec/replicas` of these kinds only. */
export const REPLICAS: readonly FieldSpec[] = [
  spec('spec/replicas', true, 'Deployment'),
  spec('spec/replicas', true, 'ReplicationController'),
  spec('spec/replicas', true, 'ReplicaSet'),
  spec('spec/replicas', true, 'StatefulSet'),
];

export function appliesTo(fieldSpec: FieldSpec, id: ResId): boolean {
  return (
    (fieldSpec.kind === undefined || fieldSpec.kind === id.kind) &&
    (fieldSpec.group === undefined || fieldSpec.group === id.group) &&
    (fieldSpec.version === undefined || fieldSpec.version === id.version)
  );
}

/** How a transformer makes what a path needs: the key and the map of a missing step. */
export interface Maker {
  key(name: string): Node;
  map(): YAMLMap;
}

/**
 * The maps at a spec's path in an object (several when the path runs through a sequence), made
 * where missing when the spec creates its field. A step holding something that is not a map is
 * left alone, as kustomize refuses to write through it.
 */
export function mapsAt(root: YAMLMap, path: readonly string[], create: boolean, make: Maker): YAMLMap[] {
  const found: YAMLMap[] = [];
  const walk = (node: YAMLMap, step: number): void => {
    if (step === path.length) {
      found.push(node);
      return;
    }
    const name = path[step] as string;
    const child = childOf(node, name);
    if (isSeq(child)) {
      for (const item of child.items) if (isMap(item)) walk(item, step + 1);
      return;
    }
    if (isMap(child)) {
      walk(child, step + 1);
      return;
    }
    // A missing step, or one written as null (`labels:` with nothing after it).
    if (!create || (child !== undefined && !isNullish(child))) return;
    const made = make.map();
    const existing = pairIn(node, name);
    setPair(node, existing ? (existing.key as Node) : make.key(name), made);
    walk(made, step + 1);
  };
  walk(root, 0);
  return found;
}

function isNullish(node: Node): boolean {
  return 'value' in node && (node as { value: unknown }).value === null;
}
