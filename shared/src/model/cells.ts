import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { stringHash } from '../util/chunked-map';
import { GLOBAL_SHARD, NAMESPACE_UNIT, unitOfHost, unitOfResource } from './shards';
import type { MeshIndex, ModelFile, Shard } from './types';
import {
  isPlainFile,
  isPlainReference,
  isSplittableFile,
  isSplittableReference,
  MergedSlices,
  resourceUnits,
  tableOf,
  UnitShard,
  type UnitSlice,
  type UnitTable,
} from './unit-table';

// A big namespace is checked cell by cell: its units (model/shards.ts: a Service's or resource's
// name, a hostname's first label, the Namespace objects) are hashed into cells of a few dozen names,
// and an edit re-checks the cells of the units it touched, not the namespace. A cell's view is a
// Shard holding only its units' services, references, files and workloads; a check walks it as it
// walks a shard, and looks beyond it through `wholeShard`.
//
// Splitting is only sound when no finding of one unit can merge with or depend on another's. That
// holds for plain files. A namespace is checked whole, as one cell, when it is small (nothing to
// gain), when a Namespace object there sets a setting its Services inherit (a finding at that label
// speaks for several Services), or when a file there is Helm output, a render command's or renders
// an object under a new name (kustomize's name affixes rename a Service per cluster; a Helm template
// or a render command shows the findings of several documents at one line). A namespace rendered by
// kustomize without renaming is split like a plain one, but its cells are `guarded`: a finding at a
// line of a kustomization or a patch can be found by several units (a label every object gets), and
// the findings at one place are merged or told once (checks/cluster-copies.ts), so the analysis
// checks such a namespace whole when two of its cells find something at one place.

/** A namespace with fewer Service names than this is one cell (and keeps no table of units, model/unit-table.ts)... */
export const SPLIT_FROM = 256;
/** ...unless it has this many Service instances: a base of a few hundred Services placed in twenty clusters. */
export const SPLIT_FROM_INSTANCES = 1024;
/**
 * About this many Service names per cell, and at most about this many instances (a name placed in
 * many clusters). An edit re-checks the cells of the names it touches, so what it costs grows with
 * the instances a cell holds: at 128, an edit of a base shared by twenty overlays re-checked three
 * cells of about 150 instances each, half of its checking time for two names of 20 instances. At 32
 * the checks of such an edit took half the time (in process, the bench's 20 overlays of 202
 * Services); a cell still holds one name at least, however many clusters place it.
 */
const NAMES_PER_CELL = 32;
const INSTANCES_PER_CELL = 32;

/** Whether a namespace of this size is checked in cells and keeps a table of units. */
export function bigEnoughToSplit(names: number, instances: number): boolean {
  return names >= SPLIT_FROM || (instances >= SPLIT_FROM_INSTANCES && names >= 2);
}

/** How a shard is checked: whole (one cell keyed by the shard's key), or in `buckets` cells plus its Namespace cell. */
export interface CellLayout {
  shard: Shard;
  /** 0 when the shard is one cell. */
  buckets: number;
  /** Every cell's key. */
  keys: readonly string[];
  /**
   * Split though some of its files are rendered: findings of two cells at one place would be merged
   * by a whole check, so the analysis checks the shard whole when that happens (analyse-workspace.ts).
   */
  guarded: boolean;
}

const layouts = new WeakMap<Shard, CellLayout>();
const wholeLayouts = new WeakMap<Shard, CellLayout>();

/** How a shard is checked; `whole`: as one cell whatever its size (its cells found something at one place). */
export function cellLayout(shard: Shard, mesh: MeshIndex, whole = false): CellLayout {
  if (whole) {
    let layout = wholeLayouts.get(shard);
    if (!layout) {
      layout = { shard, buckets: 0, keys: [shard.key], guarded: false };
      wholeLayouts.set(shard, layout);
    }
    return layout;
  }
  let layout = layouts.get(shard);
  if (!layout) {
    const table = tableOf(shard);
    const split = table ? splittableTable(shard, table) : splittable(shard, mesh);
    const buckets =
      split === 'no'
        ? 0
        : table
          ? bucketCount(table.serviceNames, table.instances)
          : bucketCount(shard.serviceGroups.length, shard.services.length);
    const keys =
      buckets === 0
        ? [shard.key]
        : [
            namespaceCell(shard.key),
            ...Array.from({ length: buckets }, (_, bucket) => bucketCell(shard.key, bucket)),
          ];
    layout = { shard, buckets, keys, guarded: split === 'guarded' };
    layouts.set(shard, layout);
  }
  return layout;
}

/**
 * Whether two layouts key their cells alike (a unit is in the same cell in both) and are guarded alike:
 * a layout becoming guarded has its every cell checked, so that no two of them find something at one place.
 */
export function sameCells(a: CellLayout, b: CellLayout): boolean {
  return a.buckets === b.buckets && a.guarded === b.guarded;
}

/** The key of the cell holding `unit`. */
export function cellOfUnit(layout: CellLayout, unit: string): string {
  if (layout.buckets === 0) return layout.shard.key;
  if (unit === NAMESPACE_UNIT) return namespaceCell(layout.shard.key);
  return bucketCell(layout.shard.key, bucketOf(unit, layout.buckets));
}

/** A cell's key and its layout's bucket count: which units a cell holds depends on both. */
function cellId(layout: CellLayout, key: string): string {
  return `${key}\u0000${layout.buckets}`;
}

/**
 * The views of some cells of a shard: the shard itself when it is one cell. A shard an edit made
 * from its table of units (model/unit-table.ts) gives each view from the slices of its units, and
 * its other shards' lists are not read: an edit's views cost what their cells hold.
 */
export function cellViews(layout: CellLayout, keys: ReadonlySet<string>): Map<string, Shard> {
  const { shard } = layout;
  if (layout.buckets === 0) return keys.has(shard.key) ? new Map([[shard.key, shard]]) : new Map();
  const table = tableOf(shard);
  if (table && shard instanceof UnitShard) return viewsFromTable(layout, table, keys);
  const lists = new Map<string, CellLists>();
  for (const key of keys) if (layout.keys.includes(key)) lists.set(key, emptyLists());
  const into = (unit: string) => lists.get(cellOfUnit(layout, unit));
  for (const service of shard.services) into(service.name)?.services.push(service);
  for (const group of shard.serviceGroups) if (group[0]) into(group[0].name)?.serviceGroups.push(group);
  for (const global of shard.globalServices) into(global.name)?.globalServices.push(global);
  for (const reference of shard.references)
    into(unitOfHost(reference.host.value))?.references.push(reference);
  for (const workload of shard.workloads) into(unitOfResource(workload.resource))?.workloads.push(workload);
  for (const set of shard.endpointSets) into(set.serviceName)?.endpointSets.push(set);
  for (const file of shard.files)
    for (const key of cellsOfFile(layout, file)) lists.get(key)?.files.push(file);
  const namespaceLists = lists.get(namespaceCell(shard.key));
  if (namespaceLists) {
    namespaceLists.namespaces.push(...shard.namespaces);
    namespaceLists.peeringGateways.push(...shard.peeringGateways);
  }
  const views = new Map<string, Shard>();
  for (const [key, cell] of lists) {
    const holds = (unit: string) => cellOfUnit(layout, unit) === key;
    views.set(key, {
      key: shard.key,
      ...cell,
      findings: [],
      cell: { whole: shard, holds, id: cellId(layout, key) },
    });
  }
  return views;
}

interface CellLists {
  files: ModelFile[];
  namespaces: Shard['namespaces'];
  services: Shard['services'];
  workloads: Shard['workloads'];
  endpointSets: Shard['endpointSets'];
  references: Shard['references'];
  peeringGateways: Shard['peeringGateways'];
  globalServices: Shard['globalServices'];
  serviceGroups: Shard['serviceGroups'];
}

function emptyLists(): CellLists {
  return {
    files: [],
    namespaces: [],
    services: [],
    workloads: [],
    endpointSets: [],
    references: [],
    peeringGateways: [],
    globalServices: [],
    serviceGroups: [],
  };
}

function viewsFromTable(layout: CellLayout, table: UnitTable, keys: ReadonlySet<string>): Map<string, Shard> {
  const { shard } = layout;
  const views = new Map<string, Shard>();
  for (const key of keys) {
    if (!layout.keys.includes(key)) continue;
    const holds = (unit: string) => cellOfUnit(layout, unit) === key;
    const namespace = key === namespaceCell(shard.key);
    const slices = namespace ? [] : slicesOfBucket(layout, table, Number(key.slice(shard.key.length + 1)));
    const cell = { whole: shard, holds, id: cellId(layout, key) };
    views.set(key, new CellView(shard, slices, namespace ? table : undefined, cell));
  }
  return views;
}

/** A cell's view of a shard from its table: its lists merged from its units' slices when first read. */
class CellView extends MergedSlices implements Shard {
  readonly key: string;
  readonly namespaces: Shard['namespaces'];
  readonly peeringGateways: Shard['peeringGateways'];
  readonly findings: readonly never[] = [];

  constructor(
    shard: Shard,
    slices: readonly UnitSlice[],
    /** The Namespace cell's view: it holds the Namespace unit's files, Namespaces and peering gateways. */
    namespaceCell: UnitTable | undefined,
    readonly cell: NonNullable<Shard['cell']>,
  ) {
    super(slices, namespaceCell?.units.get(NAMESPACE_UNIT));
    this.key = shard.key;
    this.namespaces = namespaceCell ? shard.namespaces : [];
    this.peeringGateways = namespaceCell ? shard.peeringGateways : [];
  }
}

/**
 * The slices of one bucket's units. The table's chunks and the buckets hash units alike (a power of
 * two of each), so a bucket's units are whole chunks when the table has more chunks, else part of one.
 */
function slicesOfBucket(layout: CellLayout, table: UnitTable, bucket: number): UnitSlice[] {
  const chunks = table.units.chunkCount;
  const slices: UnitSlice[] = [];
  const take = (chunk: number, filter: boolean) => {
    for (const [unit, slice] of table.units.chunk(chunk))
      if (unit !== NAMESPACE_UNIT && (!filter || bucketOf(unit, layout.buckets) === bucket))
        slices.push(slice);
  };
  if (chunks >= layout.buckets)
    for (let chunk = bucket; chunk < chunks; chunk += layout.buckets) take(chunk, false);
  else take(bucket & (chunks - 1), true);
  return slices;
}

// Per file, the cells of its last layout: a file rarely changes namespace or size of namespace.
const fileCells = new WeakMap<ModelFile, { shard: string; buckets: number; keys: string[] }>();

/** The cells a file has resources of (its placements' resources in the shard, by unit). */
function cellsOfFile(layout: CellLayout, file: ModelFile): readonly string[] {
  const known = fileCells.get(file);
  if (known && known.shard === layout.shard.key && known.buckets === layout.buckets) return known.keys;
  const keys = new Set<string>();
  for (const unit of resourceUnits(file, layout.shard.key)) keys.add(cellOfUnit(layout, unit));
  const cells = { shard: layout.shard.key, buckets: layout.buckets, keys: [...keys] };
  fileCells.set(file, cells);
  return cells.keys;
}

/** Whether a shard is split: `guarded` when some of its files are rendered (`isSplittableFile`). */
type Split = 'no' | 'plain' | 'guarded';

function splittable(shard: Shard, mesh: MeshIndex): Split {
  if (shard.key === GLOBAL_SHARD || !bigEnoughToSplit(shard.serviceGroups.length, shard.services.length))
    return 'no';
  if (shard.namespaces.some(({ resource }) => setsInheritedSetting(resource))) return 'no';
  if (
    shard.files.every(isPlainFile) &&
    shard.references.every((reference) => isPlainReference(reference, mesh.files))
  )
    return 'plain';
  return shard.files.every(isSplittableFile) &&
    shard.references.every((reference) => isSplittableReference(reference, mesh.files))
    ? 'guarded'
    : 'no';
}

/** `splittable` from a table's counts: the same answer without walking the namespace. */
function splittableTable(shard: Shard, table: UnitTable): Split {
  if (
    !bigEnoughToSplit(table.serviceNames, table.instances) ||
    table.notSplittable > 0 ||
    shard.namespaces.some(({ resource }) => setsInheritedSetting(resource))
  )
    return 'no';
  return table.notPlain === 0 ? 'plain' : 'guarded';
}

function setsInheritedSetting(resource: Shard['namespaces'][number]['resource']): boolean {
  return (
    resource.labels.has(SCOPE_LABEL) ||
    resource.labels.has(TAKEOVER_LABEL) ||
    resource.annotations.has(DISTRIBUTION_ANNOTATION)
  );
}

/** A power of two, so that a namespace's cells change only when its size doubles or halves. */
function bucketCount(names: number, instances: number): number {
  let buckets = 2;
  while (buckets < names && (buckets * NAMES_PER_CELL < names || buckets * INSTANCES_PER_CELL < instances))
    buckets *= 2;
  return buckets;
}

/** A unit's bucket: its hash as the table of units (util/chunked-map.ts) hashes it into chunks. */
function bucketOf(unit: string, buckets: number): number {
  return stringHash(unit) & (buckets - 1);
}

function namespaceCell(shard: string): string {
  return `${shard}\u0001namespace`;
}

function bucketCell(shard: string, bucket: number): string {
  return `${shard}\u0001${bucket}`;
}

/** The shard a cell belongs to. */
export function shardOfCell(cell: string): string {
  const separator = cell.indexOf('\u0001');
  return separator < 0 ? cell : cell.slice(0, separator);
}
