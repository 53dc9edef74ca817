import { sameRange } from '../text/source';
import type { Cluster, Link, Origin, Segment, Topology } from './types';

/**
 * The parts of a topology a check can read (`Check.readsTopology`): the clusters (their networks,
 * regions, zones, segments and where they are declared), the segments (domains), and the links
 * (with what they make reachable).
 */
export type TopologyAspect = 'clusters' | 'segments' | 'links';

/**
 * The aspects in which two topologies differ, declarations' ranges included (a finding points at
 * them). The topology file path and its findings are not compared: an edit that keeps every shard
 * keeps the path (model/build-model.ts), and its findings are the global shard's, checked again.
 */
export function changedAspects(before: Topology, after: Topology): Set<TopologyAspect> {
  const changed = new Set<TopologyAspect>();
  if (!sameMaps(before.clusters, after.clusters, sameCluster)) changed.add('clusters');
  if (!sameMaps(before.segments, after.segments, sameSegment)) changed.add('segments');
  if (
    !sameLists(before.links, after.links, sameLink) ||
    !sameMaps(before.reachable, after.reachable, (a, b) => sameLists([...a], [...b], (x, y) => x === y))
  )
    changed.add('links');
  return changed;
}

function sameCluster(a: Cluster, b: Cluster): boolean {
  return (
    a.name === b.name &&
    a.network === b.network &&
    a.region === b.region &&
    a.zone === b.zone &&
    a.segment === b.segment &&
    a.via === b.via &&
    sameOrigin(a.declaredAt, b.declaredAt)
  );
}

function sameSegment(a: Segment, b: Segment): boolean {
  return a.name === b.name && a.domain === b.domain && sameOrigin(a.declaredAt, b.declaredAt);
}

function sameLink(a: Link, b: Link): boolean {
  return a.from === b.from && a.to === b.to && a.via === b.via && sameOrigin(a.declaredAt, b.declaredAt);
}

function sameOrigin(a: Origin | undefined, b: Origin | undefined): boolean {
  if (!a || !b) return a === b;
  return a.file === b.file && sameRange(a.range, b.range);
}

/** Same keys in the same order (lists shown to users follow it), and alike values. */
function sameMaps<V>(
  a: ReadonlyMap<string, V>,
  b: ReadonlyMap<string, V>,
  same: (x: V, y: V) => boolean,
): boolean {
  if (a.size !== b.size) return false;
  const theirs = [...b];
  let index = 0;
  for (const [key, value] of a) {
    const entry = theirs[index++];
    if (!entry || entry[0] !== key || !same(value, entry[1])) return false;
  }
  return true;
}

function sameLists<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((item, index) => same(item, b[index] as T));
}
