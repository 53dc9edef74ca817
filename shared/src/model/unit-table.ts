import { selects } from '../facts/selectors';
import type { PeeringGateway } from '../topology/build-topology';
import { isRenderedOutput } from '../topology/placement';
import type { Topology } from '../topology/types';
import { ChunkedMap } from '../util/chunked-map';
import { groupBy } from '../util/group-by';
import { trimmedList } from '../util/settled';
import { fileMayHoldHelmOutput } from '../yaml/helm-source';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import { globalServicesOf, serviceInstance } from './service-instance';
import type { FilePart, ShardFile } from './shard-assembly';
import { NAMESPACE_UNIT, shardOfResource, unitOfHost, unitOfResource } from './shards';
import {
  type ClusterReference,
  type EndpointSet,
  type GlobalService,
  type ModelFile,
  type NamespaceInstance,
  type PlacedService,
  type ServiceInstance,
  type Shard,
  serviceKey,
  type Workload,
} from './types';

// A big namespace keeps what it holds per unit (model/shards.ts: a Service's or resource's name, a
// hostname's first label, the Namespace objects), so that an edit's work is proportional to the
// names it touches, not to the namespace: an edit of one Service in a namespace of 8,000 rebuilds
// the slices of that name (and of the Services whose selector matched a workload it changed), copies
// the chunks of the table holding them, and shares every other slice with the shard before it.
//
// Each item of a slice keeps its place in the shard's order — its file's position in the workspace
// and its index in that file's part — so a cell's view (model/cells.ts) and the shard's whole lists
// (read by lookups beyond a cell, features, the CLI) are the slices' items merged by place: the very
// lists, in the very order, that assembling the shard from its files gives.

/** A list of a unit's items in the shard's order, each with its place (`placeOf`). */
export interface Ordered<T> {
  readonly items: T[];
  readonly places: readonly number[];
}

/** What one unit of a shard holds, from every file that speaks of it. */
export interface UnitSlice {
  readonly unit: string;
  /** The files with anything of this unit (a manifest, Service, workload, endpoint set or hostname), by position. */
  readonly entries: readonly ShardFile[];
  /** Its Service instances: the group of its `namespace/name` (`servicesByName`). */
  readonly services: Ordered<ServiceInstance>;
  readonly workloads: Ordered<Workload>;
  readonly endpointSets: Ordered<EndpointSet>;
  readonly references: Ordered<ClusterReference>;
  /** The files holding a manifest of this unit. */
  readonly files: Ordered<ModelFile>;
  /** The Namespace objects (the Namespace unit's only). */
  readonly namespaces: Ordered<NamespaceInstance>;
  readonly globalServices: Ordered<GlobalService>;
  /** Every file and reference of it is applied as written (model/cells.ts splits such namespaces). */
  readonly plain: boolean;
  /**
   * Every file and reference of it is plain or rendered without renaming (`isSplittableFile`):
   * model/cells.ts splits a namespace of such slices, watching for findings that meet across cells.
   */
  readonly splittable: boolean;
}

/** A shard's slices by unit, and what an edit needs to rebuild a few of them. */
export interface UnitTable {
  readonly units: ChunkedMap<UnitSlice>;
  /**
   * Each unit's list of files (its slice's `files`), changed only where a unit's files change: an
   * edit rebuilds the slices of the Services selecting a changed workload (80 of them in the crowded
   * namespace), whose files stay, so what was found per unit in its files (`fromUnitSlices`) is
   * found again only in the chunks whose files changed.
   */
  readonly unitFiles: ChunkedMap<Ordered<ModelFile>>;
  /**
   * The paths of the files with a workload carrying a pod label (`w` keys) or a Service selecting on
   * one (`s` keys), per cluster and label, by position: a new instance's workloads, and the Services a
   * changed workload was or is selected by, are found among them.
   */
  readonly labels: ChunkedMap<readonly string[]>;
  /**
   * Every file's entry, by path. The label index lists paths, not entries: an edit that leaves a file's
   * label keys as they were (most edits) changes its entry here and no list of the index. Listing
   * entries, each such edit copied every list its file was in, per cluster: a label all of a
   * namespace's workloads carry (`version: v1`) made it copy the namespace's files at every edit.
   */
  readonly entries: ChunkedMap<ShardFile>;
  /**
   * The same entries in position order (`EntryOrder`): the shard's whole lists of what files hold (its
   * files, workloads, endpoint sets, references) are its entries' parts joined in this order.
   */
  readonly order: EntryOrder;
  /** How many units have a Service (the shard's `serviceGroups.length`). */
  readonly serviceNames: number;
  /** How many Service instances the slices hold (the shard's `services.length`). */
  readonly instances: number;
  /** How many slices are not `plain`. */
  readonly notPlain: number;
  /** How many slices are not `splittable`. */
  readonly notSplittable: number;
  readonly peeringGateways: PeeringGateway[];
  /** Each cluster's first Namespace object, whose labels the Services there inherit. */
  readonly namespaceByCluster: ReadonlyMap<string, NamespaceInstance>;
}

// An item's place: its file's position, then its index in the file's part (parts past this many
// items of one kind are not kept in a table).
const PLACES_PER_FILE = 2 ** 22;

function placeOf(entry: ShardFile, index: number): number {
  return entry.position * PLACES_PER_FILE + index;
}

function fitsPlaces(part: FilePart): boolean {
  return (
    part.services.length < PLACES_PER_FILE &&
    part.workloads.length < PLACES_PER_FILE &&
    part.endpointSets.length < PLACES_PER_FILE &&
    part.references.length < PLACES_PER_FILE &&
    part.namespaces.length < PLACES_PER_FILE
  );
}

// ---- plain files ---------------------------------------------------------------------------------

const plainFiles = new WeakMap<ModelFile, boolean>();

/** A file as written and applied as written: not rendered by kustomize, Helm or a render command. */
export function isPlainFile(file: ModelFile): boolean {
  let plain = plainFiles.get(file);
  if (plain === undefined) {
    plain =
      writtenHere(file) &&
      file.placements.every((placement) => placement.via !== 'kustomize' && !placement.rendered);
    plainFiles.set(file, plain);
  }
  return plain;
}

/** Whether a file's documents are its own: not a render command's output, nor Helm's (whose findings go to templates). */
function writtenHere(file: ModelFile): boolean {
  const { source } = file.parsed;
  return !isRenderedOutput(source.path) && !fileMayHoldHelmOutput(source);
}

/** A reference written in a plain file and placed as written (no default namespace, no rendering). */
export function isPlainReference(
  reference: ClusterReference,
  files: ReadonlyMap<string, ModelFile>,
): boolean {
  const { resource } = reference;
  const file = files.get(resource.source.path);
  return resource.origin === undefined && (file === undefined || isPlainFile(file));
}

const splittableFiles = new WeakMap<ModelFile, boolean>();

/**
 * A file whose every object keeps in each placement the unit (model/shards.ts) of the document it
 * was written as: plain, placed with a default namespace, or rendered by kustomize without a new
 * name (no `namePrefix`/`nameSuffix`, no patch of the name). Not Helm output nor a render command's:
 * their findings are moved to a template's or a command's line shared by many documents. Each
 * document's copies are then all in one cell (MESH104, MESH107 and the merging of per-cluster copies
 * compare them); findings at a line of a kustomization or a patch that several units share are what
 * model/cells.ts still watches for.
 */
export function isSplittableFile(file: ModelFile): boolean {
  let splittable = splittableFiles.get(file);
  if (splittable === undefined) {
    splittable =
      isPlainFile(file) ||
      (writtenHere(file) && file.placements.every((placement) => placement.resources.every(keepsItsUnit)));
    splittableFiles.set(file, splittable);
  }
  return splittable;
}

function keepsItsUnit(resource: Resource): boolean {
  const { origin } = resource;
  return origin === undefined || unitOfResource(origin) === unitOfResource(resource);
}

/** A reference whose file is `isSplittableFile` (or unknown to the model). */
export function isSplittableReference(
  reference: ClusterReference,
  files: ReadonlyMap<string, ModelFile>,
): boolean {
  const { resource } = reference;
  const file = files.get(resource.source.path);
  return file === undefined ? keepsItsUnit(resource) : isSplittableFile(file);
}

// ---- building slices -------------------------------------------------------------------------------

interface SliceBuilder {
  unit: string;
  entries: ShardFile[];
  placed: { items: PlacedService[]; places: number[] };
  workloads: { items: Workload[]; places: number[] };
  endpointSets: { items: EndpointSet[]; places: number[] };
  references: { items: ClusterReference[]; places: number[] };
  files: { items: ModelFile[]; places: number[] };
  namespaces: { items: NamespaceInstance[]; places: number[] };
}

function sliceBuilder(unit: string): SliceBuilder {
  const list = () => ({ items: [], places: [] });
  return {
    unit,
    entries: [],
    placed: list(),
    workloads: list(),
    endpointSets: list(),
    references: list(),
    files: list(),
    namespaces: list(),
  };
}

// Per model file, per shard: the units of its manifests there (a file rarely holds several).
const resourceUnitsByFile = new WeakMap<ModelFile, Map<string, readonly string[]>>();

/** The units of a file's manifests in a shard, every placement's. */
export function resourceUnits(file: ModelFile, shard: string): readonly string[] {
  let byShard = resourceUnitsByFile.get(file);
  if (!byShard) {
    byShard = new Map();
    resourceUnitsByFile.set(file, byShard);
  }
  let units = byShard.get(shard);
  if (!units) {
    const found = new Set<string>();
    for (const placement of file.placements)
      for (const resource of placement.resources)
        if (shardOfResource(resource) === shard) found.add(unitOfResource(resource));
    units = [...found];
    byShard.set(shard, units);
  }
  return units;
}

/**
 * Each wanted unit's items from `entries` (in position order), each entry's part walked once: a
 * file of 10,000 manifests is read once, not once per unit it holds.
 */
function collect(shard: string, entries: readonly ShardFile[], wanted: (unit: string) => boolean) {
  const builders = new Map<string, SliceBuilder>();
  const builderOf = (unit: string, entry: ShardFile): SliceBuilder | undefined => {
    let builder = builders.get(unit);
    if (!builder) {
      if (!wanted(unit)) return undefined;
      builder = sliceBuilder(unit);
      builders.set(unit, builder);
    }
    if (builder.entries.at(-1) !== entry) builder.entries.push(entry);
    return builder;
  };
  const add = <T>(list: { items: T[]; places: number[] }, item: T, place: number) => {
    list.items.push(item);
    list.places.push(place);
  };
  for (const entry of entries) {
    const { part } = entry;
    part.namespaces.forEach((namespace, index) => {
      const builder = builderOf(NAMESPACE_UNIT, entry);
      if (builder) add(builder.namespaces, namespace, placeOf(entry, index));
    });
    part.services.forEach((service, index) => {
      const builder = builderOf(service.name, entry);
      if (builder) add(builder.placed, service, placeOf(entry, index));
    });
    part.workloads.forEach((workload, index) => {
      const builder = builderOf(unitOfResource(workload.resource), entry);
      if (builder) add(builder.workloads, workload, placeOf(entry, index));
    });
    part.endpointSets.forEach((set, index) => {
      const builder = builderOf(set.serviceName, entry);
      if (builder) add(builder.endpointSets, set, placeOf(entry, index));
    });
    part.references.forEach((reference, index) => {
      const builder = builderOf(unitOfHost(reference.host.value), entry);
      if (builder) add(builder.references, reference, placeOf(entry, index));
    });
    if (part.holdsResources)
      for (const unit of resourceUnits(entry.file, shard)) {
        const builder = builderOf(unit, entry);
        if (builder) add(builder.files, entry.file, placeOf(entry, 0));
      }
  }
  return builders;
}

/** What finishing a slice needs: its instances made (or kept) and its global services. */
interface SliceContext {
  shard: string;
  topology: Topology;
  files: ReadonlyMap<string, ModelFile>;
  instance: (placed: PlacedService, builder: SliceBuilder) => ServiceInstance;
  /** The global services of a name's instances (kept ones when the instances are kept). */
  globals: (unit: string, instances: ServiceInstance[]) => GlobalService[];
  /** The group array of a name (kept when the instances are kept). */
  group: (unit: string, instances: ServiceInstance[]) => ServiceInstance[];
}

function finishSlice(builder: SliceBuilder, context: SliceContext): UnitSlice {
  const instances = builder.placed.items.map((placed) => context.instance(placed, builder));
  const services = { items: context.group(builder.unit, instances), places: builder.placed.places };
  const globals = context.globals(builder.unit, services.items);
  const globalPlaces = globals.map(
    (global) => services.places[services.items.indexOf(global.instances[0] as ServiceInstance)] ?? 0,
  );
  const plain =
    builder.files.items.every(isPlainFile) &&
    builder.references.items.every((reference) => isPlainReference(reference, context.files));
  const splittable =
    plain ||
    (builder.files.items.every(isSplittableFile) &&
      builder.references.items.every((reference) => isSplittableReference(reference, context.files)));
  return {
    unit: builder.unit,
    entries: builder.entries,
    services,
    workloads: builder.workloads,
    endpointSets: builder.endpointSets,
    references: builder.references,
    files: builder.files,
    namespaces: builder.namespaces,
    globalServices: { items: globals, places: globalPlaces },
    plain,
    splittable,
  };
}

// ---- the label index ---------------------------------------------------------------------------

function workloadKey(cluster: string, key: string, value: string): string {
  return `w\u0000${cluster}\u0000${key}\u0000${value}`;
}

function selectorKey(cluster: string, key: string, value: string): string {
  return `s\u0000${cluster}\u0000${key}\u0000${value}`;
}

/**
 * A label key's chunk in the index is decided by its label alone, not its cluster: one manifest is
 * placed in many clusters (a base in twenty overlays), and an edit of it changes its labels' keys in
 * every one. Chunked by whole key, such an edit copied a chunk per cluster and label (80 chunks);
 * by label, a chunk per label.
 */
function labelOfKey(key: string): string {
  const afterCluster = key.indexOf('\u0000', 2);
  return afterCluster < 0 ? key : key.slice(afterCluster);
}

// Per part: the label keys its workloads and Service selectors are found under.
const labelKeysByPart = new WeakMap<FilePart, readonly string[]>();

function labelKeys(part: FilePart): readonly string[] {
  let keys = labelKeysByPart.get(part);
  if (!keys) {
    const found = new Set<string>();
    for (const workload of part.workloads)
      for (const [key, { value }] of workload.podLabels) found.add(workloadKey(workload.cluster, key, value));
    for (const service of part.services)
      for (const [key, { value }] of service.selector ?? [])
        found.add(selectorKey(service.cluster, key, value));
    keys = [...found];
    labelKeysByPart.set(part, keys);
  }
  return keys;
}

function pathOf(entry: ShardFile): string {
  return entry.file.parsed.source.path;
}

function labelIndex(entries: readonly ShardFile[]): ChunkedMap<readonly string[]> {
  const byKey = new Map<string, string[]>();
  for (const entry of entries)
    for (const key of labelKeys(entry.part)) {
      const list = byKey.get(key);
      if (list) list.push(pathOf(entry));
      else byKey.set(key, [pathOf(entry)]);
    }
  return ChunkedMap.of(byKey, labelOfKey);
}

/**
 * The index after the changes: a changed file's path leaves the lists of the keys it no longer has
 * and joins, at its position (`entries`, after the changes), those of the keys it has now. A file
 * whose keys and position stay changes no list.
 */
function patchedLabels(
  labels: ChunkedMap<readonly string[]>,
  entries: ChunkedMap<ShardFile>,
  changes: readonly EntryChange[],
): ChunkedMap<readonly string[]> {
  const lists = new Map<string, string[]>();
  const listOf = (key: string) => {
    let list = lists.get(key);
    if (!list) {
      list = [...(labels.get(key) ?? [])];
      lists.set(key, list);
    }
    return list;
  };
  // Every path leaves first: a list is in position order again before any is put back by position.
  const kept = changes.map(({ before, after }) => {
    if (!before || !after || before.position !== after.position) return new Set<string>();
    const had = new Set(labelKeys(before.part));
    return new Set(labelKeys(after.part).filter((key) => had.has(key)));
  });
  changes.forEach(({ path, before }, index) => {
    for (const key of before ? labelKeys(before.part) : [])
      if (!kept[index]?.has(key)) {
        const list = listOf(key);
        const at = list.indexOf(path);
        if (at >= 0) list.splice(at, 1);
      }
  });
  const positionOf = (path: string) => entries.get(path)?.position ?? 0;
  changes.forEach(({ path, after }, index) => {
    for (const key of after ? labelKeys(after.part) : [])
      if (!kept[index]?.has(key)) insertInOrder(listOf(key), path, positionOf);
  });
  const changed = new Map<string, string[] | undefined>();
  for (const [key, list] of lists) changed.set(key, list.length > 0 ? list : undefined);
  return labels.with(changed);
}

/**
 * A table's entries in position order, made when first read. Once read, the order after an edit is
 * made from it at once (a namespace checked whole reads it at every edit); until then it is left to
 * be sorted when needed: keeping it at every edit copied the 16,000 entries of the 8,000-Service
 * namespace, whose edits check a few cells and never read it (twice the garbage collection per edit).
 */
export class EntryOrder {
  #list: readonly ShardFile[] | undefined;
  #read = false;

  constructor(
    private readonly entries: ChunkedMap<ShardFile>,
    /** The entries in order, when known. */
    list?: readonly ShardFile[],
  ) {
    this.#list = list;
  }

  get list(): readonly ShardFile[] {
    this.#read = true;
    this.#list ??= this.entries.valueList().sort((a, b) => a.position - b.position);
    return this.#list;
  }

  /** The order of `entries`, these changes made to this order's. */
  after(entries: ChunkedMap<ShardFile>, changes: readonly EntryChange[]): EntryOrder {
    return new EntryOrder(entries, this.#read && this.#list ? entriesAfter(this.#list, changes) : undefined);
  }
}

/**
 * A list of entries in position order after some changes: each change's entry before it taken out,
 * found by its position (testing each of a namespace's files cost a tenth of an edit where thousands
 * land in one namespace), and its entry after it put in at its place.
 */
export function entriesAfter(list: readonly ShardFile[], changes: Iterable<EntryChange>): ShardFile[] {
  const result = list.slice();
  const added: ShardFile[] = [];
  for (const { path, before, after } of changes) {
    if (after) added.push(after);
    if (!before) continue;
    const at = indexInOrder(result, before.position, (entry) => entry.position);
    // Never expected; but a stale entry left in the shard would be worse than a search.
    const index = result[at]?.file === before.file ? at : result.findIndex((entry) => pathOf(entry) === path);
    if (index >= 0) result.splice(index, 1);
  }
  for (const entry of added) insertByPosition(result, entry);
  return result;
}

/** Puts an entry into a list of entries in position order, at its place. */
export function insertByPosition(list: ShardFile[], entry: ShardFile): void {
  insertInOrder(list, entry, (item) => item.position);
}

/** Puts `item` into `list`, kept in ascending order of `positionOf`, after the items it does not precede. */
function insertInOrder<T>(list: T[], item: T, positionOf: (item: T) => number): void {
  list.splice(indexInOrder(list, positionOf(item), positionOf), 0, item);
}

/** In a list in ascending order of `positionOf`, the index of the first item not before `position`. */
export function indexInOrder<T>(
  list: readonly T[],
  position: number,
  positionOf: (item: T) => number,
): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positionOf(list[middle] as T) < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** An instance's workloads (or endpoint sets), as `attachEndpoints` finds them, from the table. */
function attachFromTable(
  instance: ServiceInstance,
  selected: (cluster: string, selector: ReadonlyMap<string, Located<string>>) => readonly Workload[],
  endpointSets: readonly EndpointSet[],
): void {
  const { selector, cluster } = instance;
  if (selector) {
    const workloads = selected(cluster, selector);
    instance.workloads = trimmedList([...workloads]);
    instance.endpoints = workloads.reduce((sum, workload) => sum + workload.pods, 0);
    return;
  }
  instance.endpointSets = endpointSets.filter((set) => set.cluster === cluster);
  instance.endpoints = instance.endpointSets.reduce((sum, set) => sum + set.ready, 0);
}

/**
 * The workloads a selector selects in a cluster, from the table's label index, each selector's once
 * per edit: copies of one application (twenty in a namespace, each with its Services) select alike,
 * and an edit of one copy's workloads makes all of their instances again.
 */
function selectedWorkloads(
  labels: ChunkedMap<readonly string[]>,
  entries: ChunkedMap<ShardFile>,
): (cluster: string, selector: ReadonlyMap<string, Located<string>>) => readonly Workload[] {
  const known = new Map<string, readonly Workload[]>();
  return (cluster, selector) => {
    const keys: string[] = [];
    selector.forEach(({ value }, key) => {
      keys.push(workloadKey(cluster, key, value));
    });
    const memoKey = keys.join('\u0001');
    let workloads = known.get(memoKey);
    if (!workloads) {
      workloads = selectedIn(labels, entries, keys, cluster, selector);
      known.set(memoKey, workloads);
    }
    return workloads;
  };
}

function selectedIn(
  labels: ChunkedMap<readonly string[]>,
  entries: ChunkedMap<ShardFile>,
  keys: readonly string[],
  cluster: string,
  selector: ReadonlyMap<string, Located<string>>,
): Workload[] {
  // The files with a workload carrying the selector's rarest label (its matches are among them).
  let rarest: readonly string[] = [];
  keys.forEach((key, index) => {
    const list = labels.get(key) ?? [];
    if (index === 0 || list.length < rarest.length) rarest = list;
  });
  const workloads: Workload[] = [];
  for (const path of rarest)
    for (const workload of entries.get(path)?.part.workloads ?? [])
      if (workload.cluster === cluster && selects(selector, workload.podLabels)) workloads.push(workload);
  return workloads;
}

// ---- tables --------------------------------------------------------------------------------------

const tables = new WeakMap<Shard, UnitTable>();

/** The shard's table of units, when it keeps one (a big namespace). */
export function tableOf(shard: Shard): UnitTable | undefined {
  return tables.get(shard);
}

/**
 * The table of a shard assembled from its files (`files`, in position order), keeping its
 * instances, groups and global services; undefined when a file's part is too long to place.
 */
export function attachTable(
  shard: Shard,
  entries: readonly ShardFile[],
  instances: ReadonlyMap<PlacedService, ServiceInstance>,
  topology: Topology,
  files: ReadonlyMap<string, ModelFile>,
): void {
  if (!entries.every((entry) => fitsPlaces(entry.part))) return;
  const groups = new Map(shard.serviceGroups.map((group) => [group[0]?.name ?? '', group]));
  const globals = groupBy(shard.globalServices, (global) => global.name);
  const builders = collect(shard.key, entries, () => true);
  const context: SliceContext = {
    shard: shard.key,
    topology,
    files,
    instance: (placed) => instances.get(placed) as ServiceInstance,
    globals: (unit) => globals.get(unit) ?? [],
    group: (unit, made) => groups.get(unit) ?? made,
  };
  const slices = [...builders.values()].map((builder) => finishSlice(builder, context));
  const byPath = ChunkedMap.of(entries.map((entry) => [pathOf(entry), entry] as const));
  tables.set(shard, {
    units: ChunkedMap.of(slices.map((slice) => [slice.unit, slice])),
    unitFiles: ChunkedMap.of(slices.map((slice) => [slice.unit, slice.files])),
    labels: labelIndex(entries),
    entries: byPath,
    order: new EntryOrder(byPath, entries),
    serviceNames: slices.filter((slice) => slice.services.items.length > 0).length,
    instances: slices.reduce((sum, slice) => sum + slice.services.items.length, 0),
    notPlain: slices.filter((slice) => !slice.plain).length,
    notSplittable: slices.filter((slice) => !slice.splittable).length,
    peeringGateways: shard.peeringGateways,
    namespaceByCluster: firstNamespaces(shard.namespaces),
  });
}

function firstNamespaces(namespaces: readonly NamespaceInstance[]): Map<string, NamespaceInstance> {
  const byCluster = new Map<string, NamespaceInstance>();
  for (const namespace of namespaces)
    if (!byCluster.has(namespace.cluster)) byCluster.set(namespace.cluster, namespace);
  return byCluster;
}

/** A changed file's entry in a shard before the change and after it (absent: no part there). */
export interface EntryChange {
  path: string;
  before?: ShardFile;
  after?: ShardFile;
}

/**
 * The shard after some of its files changed, from its table: `units` are the units the changed
 * files speak of, before and after; they grow by the Services whose selector matches a changed
 * workload, before or after (its endpoints change). Every other slice is shared with `previous`.
 * Undefined when the table cannot take the change (a Namespace object changed, a part too long to
 * place): the shard is then assembled from its files.
 */
export function updatedShard(
  previous: Shard,
  table: UnitTable,
  changes: readonly EntryChange[],
  units: Set<string>,
  topology: Topology,
  files: ReadonlyMap<string, ModelFile>,
): Shard | undefined {
  if (!changes.every(({ after }) => !after || fitsPlaces(after.part))) return undefined;
  addSelectingServices(table, changes, units);
  const entries = table.entries.with(new Map(changes.map(({ path, after }) => [path, after])));
  const order = table.order.after(entries, changes);
  const labels = patchedLabels(table.labels, entries, changes);
  const changedPaths = new Set(changes.map((change) => change.path));
  const relevant = new Set<ShardFile>();
  for (const unit of units)
    for (const entry of table.units.get(unit)?.entries ?? [])
      if (!changedPaths.has(entry.file.parsed.source.path)) relevant.add(entry);
  for (const { after } of changes) if (after) relevant.add(after);
  const sorted = [...relevant].sort((a, b) => a.position - b.position);
  const builders = collect(previous.key, sorted, (unit) => units.has(unit));
  const selected = selectedWorkloads(labels, entries);
  const context: SliceContext = {
    shard: previous.key,
    topology,
    files,
    instance: (placed, builder) => {
      const instance = serviceInstance(placed, table.namespaceByCluster.get(placed.cluster), topology);
      attachFromTable(instance, selected, builder.endpointSets.items);
      return instance;
    },
    globals: (unit, instances) =>
      globalServicesOf(instances, new Map([[serviceKey(previous.key, unit), instances]]), topology),
    group: (_unit, instances) => instances,
  };
  const changed = new Map<string, UnitSlice | undefined>();
  const changedFiles = new Map<string, Ordered<ModelFile> | undefined>();
  let { serviceNames, instances, notPlain, notSplittable } = table;
  for (const unit of units) {
    const old = table.units.get(unit);
    const builder = builders.get(unit);
    const slice = builder && keepingFiles(finishSlice(builder, context), old);
    // The Namespace objects are what every instance inherits from: a change to them assembles the shard.
    if (unit === NAMESPACE_UNIT && !sameItems(old?.namespaces.items ?? [], slice?.namespaces.items ?? []))
      return undefined;
    serviceNames += Number(hasServices(slice)) - Number(hasServices(old));
    instances += (slice?.services.items.length ?? 0) - (old?.services.items.length ?? 0);
    notPlain += Number(slice !== undefined && !slice.plain) - Number(old !== undefined && !old.plain);
    notSplittable +=
      Number(slice !== undefined && !slice.splittable) - Number(old !== undefined && !old.splittable);
    if (slice || old) changed.set(unit, slice);
    if (slice?.files !== old?.files) changedFiles.set(unit, slice?.files);
  }
  const shard = new UnitShard(previous.key, previous.namespaces);
  tables.set(shard, {
    units: table.units.with(changed),
    unitFiles: table.unitFiles.with(changedFiles),
    labels,
    entries,
    order,
    serviceNames,
    instances,
    notPlain,
    notSplittable,
    peeringGateways: table.peeringGateways,
    namespaceByCluster: table.namespaceByCluster,
  });
  return shard;
}

/**
 * A rebuilt slice with the old one's list of files when it holds the very same files at the same
 * places: a Service's slice is rebuilt when a workload it selects changes, though its files did not,
 * and what was found in its files (`SliceMemo`) is kept by that list.
 */
function keepingFiles(slice: UnitSlice, old: UnitSlice | undefined): UnitSlice {
  if (
    !old ||
    old.files === slice.files ||
    !sameItems(old.files.items, slice.files.items) ||
    !sameItems(old.files.places, slice.files.places)
  )
    return slice;
  return { ...slice, files: old.files };
}

function hasServices(slice: UnitSlice | undefined): boolean {
  return slice !== undefined && slice.services.items.length > 0;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** Adds the names of the Services whose selector matched a changed workload before the change, or does after it. */
function addSelectingServices(table: UnitTable, changes: readonly EntryChange[], units: Set<string>): void {
  for (const change of changes)
    for (const side of [change.before, change.after])
      for (const workload of side?.part.workloads ?? [])
        for (const [key, { value }] of workload.podLabels)
          for (const path of table.labels.get(selectorKey(workload.cluster, key, value)) ?? [])
            for (const service of table.entries.get(path)?.part.services ?? [])
              if (
                service.cluster === workload.cluster &&
                service.selector &&
                selects(service.selector, workload.podLabels)
              )
                units.add(service.name);
  // A Service added with the change selects through its own file's entry, whose name is already a unit.
}

// ---- the shard of a table ---------------------------------------------------------------------------

/** The lists a shard (or a cell's view) is made of, besides its Namespaces and peering gateways. */
export interface WholeLists {
  readonly files: readonly ModelFile[];
  readonly services: ServiceInstance[];
  readonly workloads: Workload[];
  readonly endpointSets: EndpointSet[];
  readonly references: ClusterReference[];
  readonly globalServices: GlobalService[];
  readonly serviceGroups: ServiceInstance[][];
}

/** What a shard's lists are merged from: its units' slices, and the Namespace unit's, which adds its files. */
interface MergeSource {
  /** Its units' slices; with `ordered`, those holding Services are enough. */
  slices: readonly UnitSlice[];
  namespace: UnitSlice | undefined;
  /**
   * Every entry of the slices, in position order, when known (a table's whole shard): the lists of
   * what files hold are their parts joined in order, one pass, instead of every item sorted by place.
   */
  ordered?: readonly ShardFile[];
}

/**
 * The files' parts joined, in the files' order, in one pass: a namespace most of a repository's files
 * land in (`default`, 2,450 files, most holding no Service) is assembled again at each edit there, and
 * five passes over its files were a tenth of the edit.
 */
export function gathered(files: readonly ShardFile[]) {
  const namespaces: NamespaceInstance[] = [];
  const workloads: Workload[] = [];
  const endpointSets: EndpointSet[] = [];
  const references: ClusterReference[] = [];
  const holding: ModelFile[] = [];
  // Indexed loops: an iterator per list and file (most of them empty) was most of what gathering a
  // namespace of 3,000 files allocated.
  for (let at = 0; at < files.length; at++) {
    const { file, part } = files[at] as ShardFile;
    if (part.holdsResources) holding.push(file);
    pushAll(namespaces, part.namespaces);
    pushAll(workloads, part.workloads);
    pushAll(endpointSets, part.endpointSets);
    pushAll(references, part.references);
  }
  return { namespaces, workloads, endpointSets, references, holding };
}

/**
 * Slices' items merged into the shard's order, each list when first read. A check reads a few of a
 * shard's lists: the whole namespace's Services, say, to name those selecting a workload. Merging all
 * of them at each edit of a namespace of 3,000 files (its files, most of them a unit of their own,
 * first) was a fifth of the edit. A table's shard (`UnitShard`) and a cell's view (model/cells.ts) are
 * made of these lists.
 */
export class MergedSlices implements WholeLists {
  #source: MergeSource | undefined;
  #gathered: ReturnType<typeof gathered> | undefined;
  #files: ModelFile[] | undefined;
  #services: ServiceInstance[] | undefined;
  #workloads: Workload[] | undefined;
  #endpointSets: EndpointSet[] | undefined;
  #references: ClusterReference[] | undefined;
  #globalServices: GlobalService[] | undefined;
  #serviceGroups: ServiceInstance[][] | undefined;

  constructor(
    private readonly slices: readonly UnitSlice[],
    private readonly namespace: UnitSlice | undefined,
  ) {}

  /** The slices to merge: those given, unless a subclass finds them elsewhere. Read once. */
  protected slicesToMerge(): MergeSource {
    return { slices: this.slices, namespace: this.namespace };
  }

  private get source(): MergeSource {
    this.#source ??= this.slicesToMerge();
    return this.#source;
  }

  /** One of the lists gathered from the ordered entries, when they are known: every list is gathered at once. */
  private gatheredList<K extends 'holding' | 'workloads' | 'endpointSets' | 'references'>(
    list: K,
  ): ReturnType<typeof gathered>[K] | undefined {
    const { ordered } = this.source;
    if (!ordered) return undefined;
    this.#gathered ??= gathered(ordered);
    return this.#gathered[list];
  }

  /**
   * Every slice these lists are merged from, the Namespace unit's included: a check whose findings
   * are each about one unit can work slice by slice and keep a slice's result while the slice is kept.
   */
  get unitSlices(): readonly UnitSlice[] {
    return this.all;
  }

  /** The slices with the Namespace unit's, for the lists its files contribute to. */
  private get all(): readonly UnitSlice[] {
    const { slices, namespace } = this.source;
    return namespace ? [...slices, namespace] : slices;
  }

  get files(): ModelFile[] {
    this.#files ??=
      this.gatheredList('holding') ?? uniqueInOrder(merged(this.all.map((slice) => slice.files)));
    return this.#files;
  }
  get services(): ServiceInstance[] {
    this.#services ??= merged(this.source.slices.map((slice) => slice.services));
    return this.#services;
  }
  get workloads(): Workload[] {
    this.#workloads ??= this.gatheredList('workloads') ?? merged(this.all.map((slice) => slice.workloads));
    return this.#workloads;
  }
  get endpointSets(): EndpointSet[] {
    this.#endpointSets ??=
      this.gatheredList('endpointSets') ?? merged(this.all.map((slice) => slice.endpointSets));
    return this.#endpointSets;
  }
  get references(): ClusterReference[] {
    this.#references ??= this.gatheredList('references') ?? merged(this.all.map((slice) => slice.references));
    return this.#references;
  }
  get globalServices(): GlobalService[] {
    this.#globalServices ??= merged(this.source.slices.map((slice) => slice.globalServices));
    return this.#globalServices;
  }
  get serviceGroups(): ServiceInstance[][] {
    if (!this.#serviceGroups) {
      const withServices = this.source.slices.filter((slice) => slice.services.items.length > 0);
      withServices.sort((a, b) => (a.services.places[0] as number) - (b.services.places[0] as number));
      this.#serviceGroups = withServices.map((slice) => slice.services.items);
    }
    return this.#serviceGroups;
  }
}

/**
 * A shard made from its table by an edit: its whole lists are the slices' items merged by place,
 * joined when first read (a cell's view reads only its slices).
 */
export class UnitShard extends MergedSlices implements Shard {
  readonly key: string;
  readonly namespaces: NamespaceInstance[];
  readonly findings: readonly never[] = [];

  constructor(key: string, namespaces: NamespaceInstance[]) {
    // The slices are the table's, attached once the shard is made (`tables`): read when first merged.
    super([], undefined);
    this.key = key;
    this.namespaces = namespaces;
  }

  protected override slicesToMerge(): MergeSource {
    const { units, order } = tables.get(this) as UnitTable;
    // Only the slices with Services: the lists of what files hold are gathered from the ordered
    // entries, and in a namespace of 3,000 files most units are a ConfigMap's or a Role's.
    const slices: UnitSlice[] = [];
    for (let chunk = 0; chunk < units.chunkCount; chunk++)
      units.chunk(chunk).forEach((slice) => {
        if (slice.services.items.length > 0) slices.push(slice);
      });
    return { slices, namespace: units.get(NAMESPACE_UNIT), ordered: order.list };
  }

  override get unitSlices(): readonly UnitSlice[] {
    return (tables.get(this) as UnitTable).units.valueList();
  }

  get peeringGateways(): PeeringGateway[] {
    return (tables.get(this) as UnitTable).peeringGateways;
  }
}

/** What a check collects from the files of one unit: `files` hold what it reads of `unit`. */
export type CollectInUnit<T> = (unit: string, files: readonly ModelFile[]) => readonly T[];

/**
 * What `fromUnitSlices` keeps: per unit's list of files (a slice rebuilt with the same files keeps
 * it, `keepingFiles`), what was found there and with what else it was read; and the same per chunk
 * of a table's lists of files (`UnitTable.unitFiles`, util/chunked-map.ts), which an edit shares
 * with the table before it unless it changed a unit's files there.
 */
export class SliceMemo<T> {
  readonly #byFiles = new WeakMap<Ordered<ModelFile>, Found<T>>();
  readonly #byChunk = new WeakMap<ReadonlyMap<string, Ordered<ModelFile>>, Found<T>>();

  /** What `collect` finds in a unit's files, kept while that list and `key` stay. */
  found(unit: string, files: Ordered<ModelFile>, key: unknown, collect: CollectInUnit<T>): readonly T[] {
    let known = this.#byFiles.get(files);
    if (!known || known.key !== key) {
      known = { key, found: collect(unit, files.items) };
      this.#byFiles.set(files, known);
    }
    return known.found;
  }

  /** What `collect` finds in a chunk's units, kept while the chunk and `key` stay. */
  foundInChunk(
    chunk: ReadonlyMap<string, Ordered<ModelFile>>,
    key: unknown,
    collect: CollectInUnit<T>,
  ): readonly T[] {
    let known = this.#byChunk.get(chunk);
    if (!known || known.key !== key) {
      const found: T[] = [];
      chunk.forEach((files, unit) => {
        pushAll(found, this.found(unit, files, key, collect));
      });
      known = { key, found };
      this.#byChunk.set(chunk, known);
    }
    return known.found;
  }
}

interface Found<T> {
  key: unknown;
  found: readonly T[];
}

/**
 * For a shard made of unit slices (a table's shard, a cell's view of one), what `collect` finds in
 * the files of each unit, joined; undefined for a shard assembled from its files. A unit's finds
 * are kept while its list of files is (an edit keeps every list but its units') and `key` stays
 * (what else `collect` read). For a check whose every finding is about the objects of one unit,
 * such as two copies of one object (one name): a namespace of 3,000 files checked whole at an edit
 * walked every file for it.
 *
 * A table's lists are visited by chunk: visiting each of thousands of units after an edit cost
 * about 100 ns a unit (its objects no longer in the processor's caches), where a chunk the edit
 * did not copy is one lookup.
 */
export function fromUnitSlices<T>(
  shard: Shard,
  memo: SliceMemo<T>,
  key: unknown,
  collect: CollectInUnit<T>,
): T[] | undefined {
  if (!(shard instanceof MergedSlices)) return undefined;
  const found: T[] = [];
  const table = shard instanceof UnitShard ? tableOf(shard) : undefined;
  if (table) {
    const { unitFiles } = table;
    for (let chunk = 0; chunk < unitFiles.chunkCount; chunk++)
      pushAll(found, memo.foundInChunk(unitFiles.chunk(chunk), key, collect));
  } else
    for (const slice of shard.unitSlices) pushAll(found, memo.found(slice.unit, slice.files, key, collect));
  return found;
}

function merged<T>(lists: readonly Ordered<T>[]): T[] {
  const placed: { place: number; item: T }[] = [];
  for (const { items, places } of lists)
    for (let index = 0; index < items.length; index++)
      placed.push({ place: places[index] as number, item: items[index] as T });
  placed.sort((a, b) => a.place - b.place);
  return placed.map(({ item }) => item);
}

function pushAll<T>(into: T[], items: readonly T[]): void {
  for (let at = 0; at < items.length; at++) into.push(items[at] as T);
}

/** A file of several units appears once per unit, at one place: kept once. */
function uniqueInOrder<T>(items: T[]): T[] {
  return items.filter((item, index) => index === 0 || items[index - 1] !== item);
}
