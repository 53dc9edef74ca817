import type { MeshKeyElsewhere } from '../facts/mesh-keys-elsewhere';
import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { selects } from '../facts/selectors';
import { removeEntryKeepingComment } from '../fixes/remove-entry-keeping-comment';
import { setMetadataEntry } from '../fixes/yaml-edits';
import { isKustomizationFile } from '../kustomize';
import { servicesIn, workloadOf } from '../model/indexes';
import { inShard, shardOfResource, unitOfResource } from '../model/shards';
import type { ModelFile, ServiceInstance, Shard } from '../model/types';
import { fromUnitSlices, SliceMemo } from '../model/unit-table';
import type { Finding, Fix } from '../text/findings';
import { type Located, mapAt, stringEntries } from '../yaml/nodes';
import { describeResource, field, namespaceOf, type Resource } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, keyOf, multiFileFix, relatedAt, singleFileFix } from './finding';

type Section = 'labels' | 'annotations';

interface MeshKeyRule {
  /** Where the key belongs on a Service. */
  section: Section;
  /** What silently happens when it is written elsewhere. */
  ignored: string;
}

/** SPEC §2: the mesh keys read only on a Service or Namespace, and the section they belong in there. */
const MESH_KEYS: Record<string, MeshKeyRule> = {
  [SCOPE_LABEL]: { section: 'labels', ignored: 'nothing is exported by it' },
  [TAKEOVER_LABEL]: { section: 'labels', ignored: 'takeover stays off' },
  [DISTRIBUTION_ANNOTATION]: { section: 'annotations', ignored: 'clients keep the default distribution' },
};

const POD_LABEL_PATHS = [
  ['spec', 'template', 'metadata', 'labels'],
  ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
];

/** A workload's own pod selector: `matchLabels`, or a ReplicationController's plain map. */
const SELECTOR_PATHS = [
  ['spec', 'selector', 'matchLabels'],
  ['spec', 'selector'],
];

/** A mesh key written where the mesh does not read it, in its cluster. */
interface MisplacedEntry extends MeshKeyElsewhere {
  cluster: string;
  rule: MeshKeyRule;
}

export const labelOnWrongKind: Check = {
  code: 'MESH112',
  name: 'label-on-wrong-kind',
  severity: 'warning',
  description:
    'A mesh label (`solo.io/service-scope`, `solo.io/service-takeover`) or the `networking.istio.io/traffic-distribution` annotation is written on a kind the mesh does not read it from: a Deployment, StatefulSet, Job, a pod template, a route. Solo and Istio read these keys only on a Service or its Namespace, so the label is silently ignored: the service is not exported, takeover stays off, the distribution stays the default. Move it to the Service that selects those pods.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
      spec:
        selector: { app: reviews }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews-v1
        namespace: bookinfo
      spec:
        selector:
          matchLabels: { app: reviews }
        template:
          metadata:
            labels:
              app: reviews
              solo.io/service-scope: global
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
      spec:
        selector: { app: reviews }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews-v1
        namespace: bookinfo
      spec:
        selector:
          matchLabels: { app: reviews }
        template:
          metadata:
            labels:
              app: reviews
    `,
  },
  run: (shard) => misplacedEntries(shard).map((entry) => misplacedFinding(shard, entry)),
  // The message names the Services that select the pods, whatever their names.
  readsNamespace: true,
};

function misplacedEntries(shard: Shard): MisplacedEntry[] {
  return (
    fromUnitSlices(shard, entriesOfSlice, shard.key, (unit, files) =>
      misplacedIn(
        files,
        (resource) => shardOfResource(resource) === shard.key && unitOfResource(resource) === unit,
      ),
    ) ?? misplacedIn(shard.files, (resource) => inShard(shard, resource))
  );
}

// Per unit slice of a big namespace, the misplaced keys of its objects: a namespace most of a
// repository's files land in is checked again at each edit there, and most files have no such key.
const entriesOfSlice = new SliceMemo<MisplacedEntry>();

/** The mesh keys written elsewhere than on a Service or Namespace, on the objects of `files` that `holds`. */
function misplacedIn(files: readonly ModelFile[], holds: (resource: Resource) => boolean): MisplacedEntry[] {
  const entries: MisplacedEntry[] = [];
  for (const { placements } of files)
    for (const { declarations, cluster } of placements)
      for (const entry of declarations.meshKeysElsewhere)
        if (holds(entry.resource) && !setForEveryKind(entry.located))
          entries.push({ ...entry, cluster, rule: MESH_KEYS[entry.key] as MeshKeyRule });
  return entries;
}

/**
 * A label a kustomization's `labels`/`commonLabels` sets lands on every object it renders: the
 * Services get it too, which is what the author wrote it for, so its copies on workloads are no
 * mistake to report (SPEC §9). A label a patch sets on a workload still is.
 */
function setForEveryKind(located: { file?: string }): boolean {
  return located.file !== undefined && isKustomizationFile(located.file);
}

function misplacedFinding(shard: Shard, entry: MisplacedEntry): Finding {
  const { resource, key, located } = entry;
  const pods = podLabels(shard, resource);
  const selecting = selectingServices(shard, entry, pods);
  const where = selecting.length > 0 ? moveAdvice(selecting) : noServiceAdvice(pods);
  return findingAt(
    labelOnWrongKind,
    resource,
    keyOf(located),
    `${key} in the ${entry.place} of ${describeResource(resource)} in ${entry.cluster} is ignored: the mesh reads it only on a Service or its Namespace, so ${entry.rule.ignored}. ${where}`,
    {
      related: selecting.map((service) =>
        relatedAt(
          service.resource,
          service.resource.name,
          `Service ${service.namespace}/${service.name} selects these pods`,
        ),
      ),
      fixes: () => fixesFor(entry, selecting),
    },
  );
}

/** The labels of the pods an object creates: a known workload's, else its (job) template's. */
function podLabels(shard: Shard, resource: Resource): ReadonlyMap<string, Located<string>> {
  const workload = workloadOf(shard, resource);
  if (workload) return workload.podLabels;
  for (const path of POD_LABEL_PATHS) {
    const labels = stringEntries(resource, field(resource, path));
    if (labels.size > 0) return labels;
  }
  return new Map();
}

function selectingServices(
  shard: Shard,
  entry: MisplacedEntry,
  pods: ReadonlyMap<string, Located<string>>,
): ServiceInstance[] {
  return servicesIn(shard, entry.cluster, namespaceOf(entry.resource)).filter(
    (service) => service.selector !== undefined && selects(service.selector, pods),
  );
}

function moveAdvice(selecting: ServiceInstance[]): string {
  const names = selecting.map((service) => `${service.namespace}/${service.name}`).join(', ');
  return `Move it to ${selecting.length === 1 ? 'Service' : 'Services'} ${names}, which ${selecting.length === 1 ? 'selects' : 'select'} these pods.`;
}

function noServiceAdvice(pods: ReadonlyMap<string, Located<string>>): string {
  return pods.size > 0
    ? 'No Service in the workspace selects these pods: put it on the Service that fronts them.'
    : 'Put it on the Service it was meant for.';
}

function fixesFor(entry: MisplacedEntry, selecting: ServiceInstance[]): Fix[] {
  // Removing a label that a selector matches on would orphan the pods: leave such an entry to the user.
  if (selectorUses(entry, selecting)) return [];
  const map = mapAt(entry.resource, entry.mapOffset);
  const removal = map && removeEntryKeepingComment(entry.resource, map, entry.key);
  if (!removal) return [];
  const description = describeResource(entry.resource);
  if (selecting.length === 0) {
    return [singleFileFix(`Remove ${entry.key} from ${description}`, entry.resource, [removal], false)];
  }
  // A Service that already sets the key keeps its own value: it is the one the mesh reads.
  const { section } = entry.rule;
  const targets = selecting.filter((service) => !service.resource[section].has(entry.key));
  if (targets.length === 0) {
    return [
      singleFileFix(`Remove ${entry.key} from ${description} (its Services set it)`, entry.resource, [
        removal,
      ]),
    ];
  }
  return [
    multiFileFix(
      `Move ${entry.key}: ${entry.located.value} to ${targets.map((service) => `Service ${service.namespace}/${service.name}`).join(', ')}`,
      [
        { file: entry.resource.source.path, edits: [removal] },
        ...targets.map((service) => ({
          file: service.resource.source.path,
          edits: setMetadataEntry(service.resource, section, entry.key, entry.located.value),
        })),
      ],
      true,
    ),
  ];
}

function selectorUses(entry: MisplacedEntry, selecting: ServiceInstance[]): boolean {
  if (!entry.podLabel) return false;
  const workloadSelectors = SELECTOR_PATHS.map((path) =>
    stringEntries(entry.resource, field(entry.resource, path)),
  );
  return (
    workloadSelectors.some((selector) => selector.has(entry.key)) ||
    selecting.some((service) => service.selector?.has(entry.key))
  );
}
