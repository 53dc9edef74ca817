import type { PlacedFile } from '../model/placed-facts';
import { shardOfResource, unitOfResource } from '../model/shards';
import type { MeshIndex, ModelFile, Shard } from '../model/types';
import { fromUnitSlices, SliceMemo } from '../model/unit-table';
import type { Finding, RelatedLocation } from '../text/findings';
import type { Origin } from '../topology/types';
import { isDeepStrictEqualJson } from '../util/json-equal';
import { type KeyedMemo, memoized } from '../util/keyed-memo';
import { settledList } from '../util/settled';
import { describeResource, namespaceOf, type Resource } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, relatedAt } from './finding';

export const duplicateResource: Check = {
  code: 'MESH105',
  readsTopology: ['clusters'],
  name: 'duplicate-resource',
  severity: 'warning',
  description:
    'The same kind, namespace and name is placed twice in one cluster (two files, two kustomizations or two topology paths put it there), and the two copies differ. Applying both, the later overwrites the earlier: which labels, ports and selector the cluster ends up with depends on the order of apply, and one of the copies is silently lost. Keep one copy per cluster, or give the objects different names. Identical copies are not reported: applying one twice changes nothing.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        ports: [{ port: 9080 }]
      //- clusters/east/legacy/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
      spec:
        ports: [{ port: 9080 }]
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        ports: [{ port: 9080 }]
    `,
  },
  run: (shard, mesh) => {
    const groups =
      fromUnitSlices(shard, groupsOfSlice, mesh.topology.clusters, (unit, files) =>
        duplicates(files, (resources) => namedInUnit(shard.key, unit, resources), mesh),
      ) ?? duplicates(shard.files, (resources) => namedInShard(shard, resources), mesh);
    return groups.flatMap(([first, ...later]) => later.map((copy) => duplicateFinding(first, copy)));
  },
};

interface PlacedCopy {
  cluster: string;
  resource: Resource;
  /** What placed the copy there (an overlay, a controller, a topology path), when not the file itself. */
  entry?: Origin;
}

type CopyGroup = [PlacedCopy, ...PlacedCopy[]];

// Per unit slice (model/unit-table.ts), its groups of copies: two copies of an object have one name,
// so one unit. Kept with the clusters they were found with (the implicit cluster is not compared).
const groupsOfSlice = new SliceMemo<CopyGroup>();

/** The resources with a name of a unit in a shard. */
function namedInUnit(shard: string, unit: string, resources: readonly Resource[]): readonly Resource[] {
  return namedInShard({ key: shard }, resources).filter((resource) => unitOfResource(resource) === unit);
}

/** The groups of differing copies of one object in one cluster, in the order of `files`. */
function duplicates(
  files: readonly ModelFile[],
  /** The resources of a placement to compare: those the shard (or the cell, or the unit) holds. */
  named: (resources: readonly Resource[]) => readonly Resource[],
  mesh: MeshIndex,
): CopyGroup[] {
  // Every copy in order, and by cluster then identity the first copy's place in that order: a
  // namespace of thousands of rendered objects, nearly all with one copy, is grouped without an
  // object or a key string made for each (identities are made once per resource).
  const copies: Resource[] = [];
  const placementOfCopy: number[] = [];
  const placements: PlacedFile[] = [];
  const byCluster = new Map<string, Map<string, number>>();
  let later: Map<number, number[]> | undefined;
  for (const file of files)
    for (const placed of file.placements) {
      const { cluster, resources } = placed;
      // Without a topology file or a cluster folder, everything lands in one implicit cluster: two
      // copies there are most often alternatives (two examples, two environments), not one apply.
      if (mesh.topology.clusters.get(cluster)?.via === 'default') continue;
      let firsts = byCluster.get(cluster);
      if (!firsts) {
        firsts = new Map();
        byCluster.set(cluster, firsts);
      }
      const placement = placements.length;
      placements.push(placed);
      for (const resource of named(resources)) {
        const key = identityOf(resource);
        const first = firsts.get(key);
        if (first === undefined) firsts.set(key, copies.length);
        else {
          later ??= new Map();
          const list = later.get(first);
          if (list) list.push(copies.length);
          else later.set(first, [copies.length]);
        }
        copies.push(resource);
        placementOfCopy.push(placement);
      }
    }
  if (!later) return [];
  const copyAt = (index: number): PlacedCopy => {
    const { cluster, entry } = placements[placementOfCopy[index] as number] as PlacedFile;
    return { cluster, resource: copies[index] as Resource, entry };
  };
  return [...later]
    .sort(([a], [b]) => a - b)
    .flatMap(([firstIndex, rest]) => {
      const first = copyAt(firstIndex);
      // Most objects have one copy: converting them to plain data re-read every file's documents.
      const value = plainValue(first.resource);
      const differing = rest
        .map(copyAt)
        .filter((copy) => !isDeepStrictEqualJson(plainValue(copy.resource), value));
      return differing.length > 0 ? [[first, ...differing] as CopyGroup] : [];
    });
}

// Per list of a placement's resources (a value that never changes), those with a name in each shard:
// the list itself when that is all of them, as for most files (a copy per file held 2.5 MB at 50,000
// resources).
const namedByShard = new WeakMap<readonly Resource[], KeyedMemo<readonly Resource[]>>();

/** The resources with a name that the shard (or the cell) holds, as `inShard` (model/shards.ts) decides. */
function namedInShard(
  shard: Pick<Shard, 'key' | 'cell'>,
  resources: readonly Resource[],
): readonly Resource[] {
  const named = memoized(namedByShard, resources, shard.key, () => {
    const named = resources.filter(
      (resource) => resource.name?.value && shardOfResource(resource) === shard.key,
    );
    return named.length === resources.length ? resources : settledList(named);
  });
  const { cell } = shard;
  if (!cell) return named;
  // Per cell too: an edit that re-checks most cells of a namespace of 3,000 files hashed every
  // resource's unit again to find its cell.
  return memoized(namedByCell, named, cell.id, () => {
    const held = named.filter((resource) => cell.holds(unitOfResource(resource)));
    return held.length === named.length ? named : settledList(held);
  });
}

const namedByCell = new WeakMap<readonly Resource[], KeyedMemo<readonly Resource[]>>();

// A resource's API group, kind, namespace and name, per resource (a value that never changes).
const identities = new WeakMap<Resource, string>();

function identityOf(resource: Resource): string {
  let identity = identities.get(resource);
  if (identity === undefined) {
    identity = [
      resource.apiVersion.split('/')[0],
      resource.kind,
      namespaceOf(resource),
      resource.name?.value ?? '',
    ].join('\u0000');
    identities.set(resource, identity);
  }
  return identity;
}

function duplicateFinding(first: PlacedCopy, copy: PlacedCopy): Finding {
  const { resource, cluster } = copy;
  return findingAt(
    duplicateResource,
    resource,
    resource.name ?? resource.range,
    `${describeResource(resource)} is placed twice in cluster ${cluster}, and the copies differ: applying both, one overwrites the other, so what ${cluster} runs depends on the order of apply.`,
    { related: relatedCopies(first, copy) },
  );
}

/**
 * The other copy; when both are the same document (one base rendered by two entry points), what
 * placed each: pointing at the document itself would point at the finding.
 */
function relatedCopies(first: PlacedCopy, copy: PlacedCopy): RelatedLocation[] {
  const other = relatedAt(first.resource, first.resource.name, `the other copy in ${first.cluster}`);
  const self = relatedAt(copy.resource, copy.resource.name, '');
  const sameDocument =
    other.file === self.file &&
    other.range.start.line === self.range.start.line &&
    other.range.start.character === self.range.start.character;
  if (!sameDocument) return [other];
  return [first, copy].flatMap((placed) =>
    placed.entry
      ? [
          {
            file: placed.entry.file,
            range: placed.entry.range,
            message: `places a copy in ${placed.cluster}`,
          },
        ]
      : [],
  );
}

/** The object as plain data; a document yaml cannot convert (an alias loop) counts as differing. */
function plainValue(resource: Resource): unknown {
  try {
    return resource.node.toJSON();
  } catch {
    return resource;
  }
}
