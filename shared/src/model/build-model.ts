import type { Document } from 'yaml';
import type { FileDeclarations } from '../facts/declarations';
import { extractNow } from '../facts/extract-declarations';
import { ISTIO_SYSTEM } from '../facts/mesh-labels';
import { isKustomizationFile, type Rendering } from '../kustomize';
import type { Finding } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import { buildTopology, type PeeringGateway, type TopologyInputs } from '../topology/build-topology';
import { PLACEMENT_INCOMPLETE, placeWorkspace, type RenderingReuse } from '../topology/place-workspace';
import { isRenderedOutput, type Placement, placeFile, placesAlike } from '../topology/placement';
import { changedAspects, type TopologyAspect } from '../topology/topology-diff';
import type { TopologyDeclaration } from '../topology/topology-file';
import { domainOf, type Topology } from '../topology/types';
import { ObjectMemo } from '../util/object-memo';
import { RecentlyUsed } from '../util/recently-used';
import { SessionCache } from '../util/session-cache';
import type { ParsedFile } from '../yaml/parse-file';
import type { PlacedFile } from './placed-facts';
import { placedFile } from './placed-facts';
import { type Rerendered, rerenderedPlacements } from './rerendered';
import {
  addUnitsOfPart,
  assembleShard,
  type FilePart,
  filePartsOf,
  type ShardFile,
  shardFilesOf,
} from './shard-assembly';
import { emptyShard, GLOBAL_SHARD, shardOfResource } from './shards';
import {
  type GlobalService,
  type HostnameVersion,
  MeshModel,
  type MeshModelFields,
  type ModelFile,
  type NamespaceInstance,
  type ServiceInstance,
  type Shard,
  serviceKey,
  type Workload,
} from './types';
import { type EntryChange, entriesAfter, tableOf, updatedShard } from './unit-table';

/** One file's cached analysis inputs: its parse and what it declares. */
export interface FileFacts {
  parsed: ParsedFile;
  declarations: FileDeclarations;
  /** The segment domains not mentioning the mesh that its string values were scanned for (workspace.ts). */
  valueDomains?: readonly string[];
}

/** A file that changed since a model was built: its facts then and now (absent: no such file). */
export interface FileChange {
  before?: FileFacts;
  after?: FileFacts;
  /** Deleted and added again since the model was built: it now comes last in the Workspace's map. */
  readded?: boolean;
}

/** A model and which shards (model/shards.ts) may differ from the model it was updated from. */
export interface ModelUpdate {
  model: MeshModel;
  dirty: ReadonlySet<string> | 'all';
  /**
   * Of the dirty shards, those in which only some units (model/shards.ts) may differ, and which:
   * a dirty shard not listed may differ anywhere.
   */
  units?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Set when only the topology changed and every shard was kept: what changed of it, which only the
   * checks reading that (`Check.readsTopology`) can see.
   */
  topology?: ReadonlySet<TopologyAspect>;
}

/**
 * Assembles the mesh model from every file's facts (SPEC §1–§6). Pure: no I/O, and the per-file
 * work (parsing, extraction) is done before, once per file text, so this step only joins indexes.
 */
export function buildModel(
  facts: FileFacts[],
  topologyDeclaration?: TopologyDeclaration,
  /** Documents still held from parsing, which rendering kustomizations would otherwise parse again. */
  parsedDocuments?: ReadonlyMap<ParsedFile, Document.Parsed[]>,
  /** The host's session cache, which every model it builds carries (a fresh one when none is given). */
  cache: SessionCache = new SessionCache(),
  /** The previous build's renderings and what changed since: renderings that read nothing changed are kept. */
  reuse?: RenderingReuse,
): MeshModel {
  const files = new Map<string, ModelFile>();
  const positions = new Map<string, number>();
  const placed = placeWorkspace(
    facts.map((fact) => fact.parsed),
    topologyDeclaration,
    parsedDocuments,
    reuse,
  );
  for (const fact of facts) {
    const path = fact.parsed.source.path;
    const placements = placed.byFile.get(path) ?? [];
    // Placed as written, a file's own declarations are read: extracted while its documents are held.
    if (placements.some((placement) => !placement.rendered))
      extractNow(fact.declarations, parsedDocuments?.get(fact.parsed));
    files.set(path, modelFile(fact, placements));
    positions.set(path, positions.size);
  }
  const nodes = nodesPerCluster(files.values());
  const filesByShard = new Map<string, Set<string>>();
  const parts: ReadonlyMap<string, FilePart>[] = [];
  for (const file of files.values()) {
    const fileParts = partsOfFile(file, nodes);
    parts.push(fileParts);
    for (const shard of fileParts.keys()) {
      const paths = filesByShard.get(shard);
      if (paths) paths.add(file.parsed.source.path);
      else filesByShard.set(shard, new Set([file.parsed.source.path]));
    }
  }
  const { declaration: _declaration, ...topologyInputs } = topologyInputsOf(
    files.values(),
    topologyDeclaration,
    placed.destinations,
    parts.flatMap((fileParts) => fileParts.get(ISTIO_SYSTEM)?.namespaces ?? []),
  );
  const { topology, peeringGateways, eastWestClusters } = buildTopology({
    ...topologyInputs,
    declaration: topologyDeclaration,
  });
  const state: ModelState = {
    topologyDeclaration,
    topologyInputs,
    kustomizeInputs: placed.kustomizeInputs,
    renderings: placed.renderings ?? new Map(),
    positions,
    nextPosition: positions.size,
    filesByShard,
    nodes,
  };
  const shards = new Map<string, Shard>();
  for (const shard of filesByShard.keys())
    shards.set(
      shard,
      assembleShard(shard, shardFiles(state, files, shard), topology, peeringGateways, files),
    );
  const findings = [
    ...facts.flatMap((fact) => fact.parsed.findings),
    ...placed.findings,
    ...topology.findings,
  ];
  const resourceCount = facts.reduce((sum, fact) => sum + fact.parsed.resources.length, 0);
  return finish(
    { topology, peeringGateways, eastWestClusters, files, findings, resourceCount, cache },
    state,
    shards,
  );
}

/**
 * The model after `changes`, reusing `previous` where they cannot have touched it; undefined when
 * a change can alter the topology (then only a full build is right). Only the shards the changed
 * files speak of are re-assembled; the result equals a build from scratch (the incremental fuzz
 * test holds it to that).
 */
export function updateModel(
  previous: MeshModel,
  changes: FileChange[],
  topologyDeclaration?: TopologyDeclaration,
  /** Leave `previous` as it was (copying its maps), for a model of what an edit would do. */
  keepPrevious = false,
): ModelUpdate | undefined {
  const state = statesByModel.get(previous);
  if (!state) return undefined;
  if (state.topologyDeclaration !== topologyDeclaration)
    return retopologized(previous, state, changes, topologyDeclaration, keepPrevious);
  // A scan or a branch switch changes a good part of the workspace: building afresh is cheaper.
  if (changes.length > Math.max(64, previous.files.size / 8)) return undefined;
  const rerendered = rerenderedChange(previous, state, changes, topologyDeclaration);
  if (!rerendered && !changes.every((change) => keepsTopology(change, state, topologyDeclaration)))
    return undefined;
  // The shards the changed files speak of, before and after: every namespace their manifests and
  // hostnames name (the keys of their parts), and the global shard (their parse findings).
  const dirty = new Set<string>([GLOBAL_SHARD]);
  // Within each dirty shard, the units the changed files speak of, before and after (absent: all of them).
  const units = new Map<string, Set<string>>();
  const whole = new Set<string>([GLOBAL_SHARD]);
  const changedWorkloads = new Map<string, Workload[]>();
  const changedPaths = new Set<string>();
  // Per shard, each changed file's entry there before and after (a big namespace's table takes them).
  const entryChanges = new Map<string, Map<string, EntryChange>>();
  const entryChange = (shard: string, path: string): EntryChange => {
    let byPath = entryChanges.get(shard);
    if (!byPath) {
      byPath = new Map();
      entryChanges.set(shard, byPath);
    }
    let change = byPath.get(path);
    if (!change) {
      change = { path };
      byPath.set(path, change);
    }
    return change;
  };
  const touch = (file: ModelFile, parts: ReadonlyMap<string, FilePart>) => {
    for (const [shard, part] of parts) {
      dirty.add(shard);
      if (whole.has(shard)) continue;
      let set = units.get(shard);
      if (!set) {
        set = new Set();
        units.set(shard, set);
      }
      if (!addUnitsOfPart(file, part, shard, set)) {
        whole.add(shard);
        units.delete(shard);
        continue;
      }
      const workloads = changedWorkloads.get(shard);
      if (workloads) workloads.push(...part.workloads);
      else changedWorkloads.set(shard, [...part.workloads]);
    }
  };
  // Patched in place rather than copied (a copy costs milliseconds at tens of thousands of files):
  // the previous model is superseded, and the Workspace never hands it out again.
  const files = keepPrevious ? new Map(previous.files) : previous.files;
  // Positions, like the file map, are patched in place.
  const positions = keepPrevious ? new Map(state.positions) : state.positions;
  const next: ModelState = {
    ...state,
    positions,
    filesByShard: keepPrevious ? new Map(state.filesByShard) : state.filesByShard,
    renderings: rerendered?.renderings ?? state.renderings,
  };
  const index = shardIndexEditor(next.filesByShard, keepPrevious);
  let parseFindingsChanged = false;
  let resourceCount = previous.resourceCount;
  for (const { before, after, readded } of changes) {
    const path = (after ?? before)?.parsed.source.path ?? '';
    const known = previous.files.get(path);
    changedPaths.add(path);
    if (known) {
      const parts = partsOfFile(known, next.nodes);
      const position = next.positions.get(path) ?? 0;
      for (const [shard, part] of parts) {
        index.remove(shard, path);
        entryChange(shard, path).before = { file: known, part, position };
      }
      touch(known, parts);
    }
    if (before?.parsed.findings.length || after?.parsed.findings.length) parseFindingsChanged = true;
    resourceCount += (after?.parsed.resources.length ?? 0) - (before?.parsed.resources.length ?? 0);
    if (!after || readded) {
      files.delete(path);
      next.positions.delete(path); // back later, it comes last, as in the Workspace's map
      if (!after) continue;
    }
    const file =
      rerendered?.path === path
        ? rerendered.file
        : modelFile(after, placeFile(after.parsed, topologyDeclaration));
    files.set(path, file);
    // A new file comes last, as it does in the Workspace's map (a kept file keeps its place).
    if (!next.positions.has(path)) next.positions.set(path, next.nextPosition++);
    const parts = partsOfFile(file, next.nodes);
    const position = next.positions.get(path) ?? 0;
    for (const [shard, part] of parts) {
      index.add(shard, path);
      entryChange(shard, path).after = { file, part, position };
    }
    touch(file, parts);
  }
  const findings = parseFindingsChanged
    ? findingsWith(files, previous, previous.topology.findings)
    : previous.findings;
  const shards = new Map(previous.shards);
  // The shards made from their tables, with the units whose slices they rebuilt.
  const byUnits = new Map<string, ReadonlySet<string>>();
  for (const shard of dirty) {
    if (!next.filesByShard.has(shard)) {
      shards.delete(shard);
      continue;
    }
    const before = previous.shards.get(shard);
    const unitSet = units.get(shard);
    const table = before && unitSet && tableOf(before);
    const fromTable =
      table &&
      updatedShard(
        before,
        table,
        [...(entryChanges.get(shard)?.values() ?? [])],
        unitSet,
        previous.topology,
        files,
      );
    if (fromTable) {
      shards.set(shard, fromTable);
      byUnits.set(shard, unitSet);
      continue;
    }
    const reuse =
      before && unitSet
        ? { previous: before, units: unitSet, changedWorkloads: changedWorkloads.get(shard) ?? [] }
        : undefined;
    const list = before ? patchedShardFiles(before, entryChanges.get(shard)) : undefined;
    shards.set(
      shard,
      assembleShard(
        shard,
        list ?? shardFiles(next, files, shard),
        previous.topology,
        previous.peeringGateways,
        files,
        reuse,
      ),
    );
  }
  const { topology, peeringGateways, eastWestClusters, cache } = previous;
  const model = finish(
    { topology, peeringGateways, eastWestClusters, files, findings, resourceCount, cache },
    next,
    shards,
    { previous, dirty, byUnits, keepPrevious },
  );
  return { model, dirty, units };
}

/**
 * The model after an edit of the topology file alone that leaves every shard as it was: every file
 * is placed as before (topology/placement.ts `placesAlike`), and every cluster keeps its segment and
 * domain, and the peering gateways their peers — what assembling a shard reads of the topology. A
 * link, a cluster's network, region or zone, or a severity changed this way keeps every shard; only
 * the topology, the global shard's findings and the severity map are new. Undefined otherwise (then
 * the model is built afresh).
 */
function retopologized(
  previous: MeshModel,
  state: ModelState,
  changes: readonly FileChange[],
  declaration: TopologyDeclaration | undefined,
  keepPrevious: boolean,
): ModelUpdate | undefined {
  const [change, ...more] = changes;
  const before = state.topologyDeclaration;
  if (!change?.before || !change.after || change.readded || more.length > 0) return undefined;
  if (!before || !declaration || !placesAlike(before, declaration)) return undefined;
  const path = change.after.parsed.source.path;
  const known = previous.files.get(path);
  if (!known || path !== declaration.file || state.kustomizeInputs.has(path)) return undefined;
  const file = modelFile(change.after, placeFile(change.after.parsed, declaration));
  // The topology file holds no manifest (else it is in shards, and a full build places it).
  if (partsOfFile(known, state.nodes).size > 0 || partsOfFile(file, state.nodes).size > 0) return undefined;
  const built = buildTopology({ ...state.topologyInputs, declaration });
  if (!sameShardReadings(previous, built.topology, built.peeringGateways)) return undefined;
  const files = keepPrevious ? new Map(previous.files) : previous.files;
  files.set(path, file);
  // A model's findings end with its topology's (buildModel); the parse findings come first, in the files' order.
  const findings =
    known.parsed.findings.length === 0 && file.parsed.findings.length === 0
      ? [
          ...previous.findings.slice(0, previous.findings.length - previous.topology.findings.length),
          ...built.topology.findings,
        ]
      : findingsWith(files, previous, built.topology.findings);
  const model = finish(
    { ...built, files, findings, resourceCount: previous.resourceCount, cache: previous.cache },
    { ...state, topologyDeclaration: declaration },
    new Map(previous.shards),
    { previous, dirty: new Set([GLOBAL_SHARD]), byUnits: new Map(), keepPrevious },
  );
  return {
    model,
    dirty: new Set([GLOBAL_SHARD]),
    topology: changedAspects(previous.topology, built.topology),
  };
}

/**
 * A model's findings in buildModel's order: every file's parse findings, the previous model's
 * placement findings (they come from kustomizations, and a change to one rebuilds: they stay as they
 * were), then the topology's.
 */
function findingsWith(
  files: ReadonlyMap<string, ModelFile>,
  previous: MeshModel,
  topologyFindings: readonly Finding[],
): Finding[] {
  return [
    ...[...files.values()].flatMap((file) => file.parsed.findings),
    ...previous.findings.filter((finding) => finding.code === PLACEMENT_INCOMPLETE),
    ...topologyFindings,
  ];
}

/**
 * Whether shards assembled with a new topology would be the same as the model's: each cluster has
 * the same segment and domain (service-instance.ts reads them for hostnames and exports), and the
 * peering gateways resolve to the same peers.
 */
function sameShardReadings(
  model: MeshModel,
  topology: Topology,
  peeringGateways: readonly PeeringGateway[],
): boolean {
  const names = new Set([...model.topology.clusters.keys(), ...topology.clusters.keys()]);
  for (const name of names)
    if (
      model.topology.clusters.get(name)?.segment !== topology.clusters.get(name)?.segment ||
      domainOf(model.topology, name) !== domainOf(topology, name)
    )
      return false;
  return (
    model.peeringGateways.length === peeringGateways.length &&
    model.peeringGateways.every((peering, index) => {
      const other = peeringGateways[index];
      return (
        other !== undefined &&
        peering.gateway === other.gateway &&
        peering.cluster === other.cluster &&
        peering.peer === other.peer
      );
    })
  );
}

/**
 * A dirty shard's files in order, from the previous shard's list: the changed files taken out and put
 * back at their place (undefined when that list is not known).
 */
function patchedShardFiles(
  previous: Shard,
  /** The changed files' entries in this shard before and after the change. */
  changes: ReadonlyMap<string, EntryChange> | undefined,
): ShardFile[] | undefined {
  const known = shardFilesOf(previous);
  return known && entriesAfter(known, changes?.values() ?? []);
}

/** What a model keeps to be updated: where each file's parts went, and in which order files come. */
interface ModelState {
  topologyDeclaration?: TopologyDeclaration;
  /**
   * What the topology was built from besides the topology file. An update keeps them: it happens only
   * for changes that leave the topology as it was (`keepsTopology`, `rerenderedChange`), which leave
   * alike what building it reads of them (each placement's cluster, way and file, which clusters
   * receive manifests, the Segments, istio-system Namespaces and Gateways).
   */
  topologyInputs: Omit<TopologyInputs, 'declaration'>;
  /** The files kustomizations read: a change to one changes other files' placements. */
  kustomizeInputs: ReadonlySet<string>;
  /** The kustomizations rendered for this model, by folder: the next build reuses those it can. */
  renderings: ReadonlyMap<string, Rendering>;
  /** A file's place in the workspace's order: within a shard, files contribute in this order. */
  positions: Map<string, number>;
  /** The place the next new file takes. */
  nextPosition: number;
  filesByShard: Map<string, Set<string>>;
  nodes: Map<string, number>;
}

function partsOfFile(file: ModelFile, nodes: Map<string, number>): ReadonlyMap<string, FilePart> {
  return filePartsOf(file, nodes);
}

function modelFile(fact: FileFacts, placements: readonly Placement[]): ModelFile {
  return {
    parsed: fact.parsed,
    declarations: fact.declarations,
    placements: placements.map((placement) => placedFile(fact, placement)),
  };
}

// On the model itself, not in a WeakMap: the young-generation collector keeps a WeakMap's values alive
// whatever becomes of their keys, so each edit's state (every rendering it holds, their object lists)
// outlived the model it belonged to until the next full collection. An edit of a base shared by 20
// overlays promoted 213 → 146 KB per edit out of the young generation (util/object-memo.ts).
const statesByModel = new ObjectMemo<MeshModel, ModelState>();

/** The kustomizations a model rendered, by folder (empty for a workspace without any). */
export function renderingsOf(model: MeshModel): ReadonlyMap<string, Rendering> {
  return statesByModel.get(model)?.renderings ?? new Map();
}

/** The topology file's declaration a model was built with. */
export function topologyDeclarationOf(model: MeshModel): TopologyDeclaration | undefined {
  return statesByModel.get(model)?.topologyDeclaration;
}

/**
 * Edits the shard → files index: in place, like the file map, unless the previous model is kept
 * (then each shard's set is copied once, and the previous model keeps its own).
 */
function shardIndexEditor(index: Map<string, Set<string>>, copy: boolean) {
  const copied = new Set<string>();
  const paths = (shard: string) => {
    let set = index.get(shard);
    if (!set || (copy && !copied.has(shard))) {
      set = new Set(set);
      index.set(shard, set);
      copied.add(shard);
    }
    return set as Set<string>;
  };
  return {
    add: (shard: string, path: string) => paths(shard).add(path),
    remove: (shard: string, path: string) => {
      const set = paths(shard);
      set.delete(path);
      if (set.size === 0) {
        index.delete(shard);
        copied.delete(shard);
      }
    },
  };
}

function shardFiles(state: ModelState, files: Map<string, ModelFile>, shard: string): ShardFile[] {
  const paths = [...(state.filesByShard.get(shard) ?? [])]
    .map((path) => ({ path, position: state.positions.get(path) ?? 0 }))
    .sort((a, b) => a.position - b.position)
    .map(({ path }) => path);
  return paths.flatMap((path) => {
    const file = files.get(path);
    const part = file && partsOfFile(file, state.nodes).get(shard);
    return file && part ? [{ file, part, position: state.positions.get(path) ?? 0 }] : [];
  });
}

type ModelBase = Omit<
  MeshModelFields,
  'servicesByName' | 'globalServices' | 'severityOverrides' | 'hostnameVersion'
>;

/** What an update changed: the maps are patched shard by shard instead of rebuilt. */
interface Patch {
  previous: MeshModel;
  dirty: ReadonlySet<string>;
  /** The dirty shards made from their tables, with the units whose slices changed: only those are patched. */
  byUnits: ReadonlyMap<string, ReadonlySet<string>>;
  /** Copy the previous model's maps rather than patch them. */
  keepPrevious: boolean;
}

/** The model of its shards, the global one holding the findings of reading files and the topology. */
function finish(base: ModelBase, state: ModelState, shards: Map<string, Shard>, patch?: Patch): MeshModel {
  shards.set(GLOBAL_SHARD, emptyShard(GLOBAL_SHARD, base.findings));
  const { globals, hostnameVersion } = globalServicesAndVersion(shards, patch);
  const model = new MeshModel(
    {
      ...base,
      servicesByName: servicesByNameOf(shards, patch),
      globalServices: globals,
      hostnameVersion,
      severityOverrides: new Map(
        [...(state.topologyDeclaration?.severity ?? new Map()).entries()].map(([code, located]) => [
          code,
          located.value,
        ]),
      ),
    },
    shards,
  );
  statesByModel.set(model, state);
  return model;
}

function servicesByNameOf(
  shards: ReadonlyMap<string, Shard>,
  patch: Patch | undefined,
): Map<string, ServiceInstance[]> {
  const keyOf = (group: ServiceInstance[]) => (group[0] ? serviceKey(group[0].namespace, group[0].name) : '');
  const byName = !patch
    ? new Map<string, ServiceInstance[]>()
    : patch.keepPrevious
      ? new Map(patch.previous.servicesByName)
      : patch.previous.servicesByName;
  const changed = patch ? [...patch.dirty].filter((shard) => !patch.byUnits.has(shard)) : [...shards.keys()];
  for (const shard of changed)
    for (const group of patch?.previous.shards.get(shard)?.serviceGroups ?? []) byName.delete(keyOf(group));
  for (const shard of changed)
    for (const group of shards.get(shard)?.serviceGroups ?? []) byName.set(keyOf(group), group);
  for (const [shard, units] of patch?.byUnits ?? [])
    for (const unit of units) {
      const table = tableOf(shards.get(shard) as Shard);
      const group = table?.units.get(unit)?.services.items;
      if (group && group.length > 0) byName.set(serviceKey(shard, unit), group);
      else byName.delete(serviceKey(shard, unit));
    }
  return byName;
}

let hostnameVersions = 0;

// The versions of the last sets of hostnames a full build made, by the set: a rebuild that leaves the
// set as it was (a topology edit, a file added) keeps its version, and so MESH121's suggestions,
// which took 0.35 s of each topology edit at 50,000 resources when every rebuild was a new version.
const fullBuildVersions = new RecentlyUsed<string, HostnameVersion>(2);

function versionOfSet(sortedHostnames: readonly string[]): HostnameVersion {
  const set = sortedHostnames.join('\n');
  let version = fullBuildVersions.get(set);
  if (!version) {
    version = { id: ++hostnameVersions };
    fullBuildVersions.set(set, version);
  }
  return version;
}

/**
 * By hostname, and the version of the set of hostnames. A full build inserts them sorted; an update
 * patches the previous map in place, so its order is not sorted: whoever shows a list uses
 * `sortedGlobalServices`.
 */
function globalServicesAndVersion(
  shards: ReadonlyMap<string, Shard>,
  patch: Patch | undefined,
): { globals: Map<string, GlobalService>; hostnameVersion: HostnameVersion } {
  if (!patch) {
    const all = [...shards.values()]
      .flatMap((shard) => shard.globalServices)
      .sort((a, b) => compareStrings(a.hostname, b.hostname));
    return {
      globals: new Map(all.map((global) => [global.hostname, global])),
      hostnameVersion: versionOfSet(all.map((global) => global.hostname)),
    };
  }
  const globals = patch.keepPrevious ? new Map(patch.previous.globalServices) : patch.previous.globalServices;
  // A hostname names one namespace: it is deleted and set again only by its own shard.
  const deleted = new Set<string>();
  const inserted = new Set<string>();
  const remove = (global: GlobalService) => {
    globals.delete(global.hostname);
    deleted.add(global.hostname);
  };
  const insert = (global: GlobalService) => {
    globals.set(global.hostname, global);
    inserted.add(global.hostname);
  };
  const changed = [...patch.dirty].filter((shard) => !patch.byUnits.has(shard));
  for (const shard of changed)
    for (const global of patch.previous.shards.get(shard)?.globalServices ?? []) remove(global);
  for (const shard of changed) for (const global of shards.get(shard)?.globalServices ?? []) insert(global);
  for (const [shard, units] of patch.byUnits) {
    const before = tableOf(patch.previous.shards.get(shard) as Shard);
    const after = tableOf(shards.get(shard) as Shard);
    for (const unit of units)
      for (const global of before?.units.get(unit)?.globalServices.items ?? []) remove(global);
    for (const unit of units)
      for (const global of after?.units.get(unit)?.globalServices.items ?? []) insert(global);
  }
  const added = [...inserted].filter((hostname) => !deleted.has(hostname));
  const removed = [...deleted].filter((hostname) => !inserted.has(hostname));
  const previous = patch.previous.hostnameVersion;
  return {
    globals,
    hostnameVersion:
      added.length === 0 && removed.length === 0
        ? previous
        : { id: ++hostnameVersions, from: { id: previous.id, added, removed } },
  };
}

/**
 * What the topology is built from besides the topology file (SPEC §6, "merged in"): the clusters
 * files are placed in, and the istio-system Namespaces, Segments and peering Gateways they declare.
 * `istioSystemNamespaces`: the istio-system shard's Namespaces, in the files' order.
 */
function topologyInputsOf(
  files: Iterable<ModelFile>,
  declaration: TopologyDeclaration | undefined,
  controllerDestinations: ReadonlySet<string> | undefined,
  istioSystemNamespaces: readonly NamespaceInstance[],
): TopologyInputs {
  const placements: PlacedFile[] = [];
  const clustersSeen = new Set<string>();
  const receivingClusters = new Set<string>();
  const segmentManifests: TopologyInputs['segmentManifests'] = [];
  const gateways: TopologyInputs['gateways'] = [];
  // Only a cluster with a render command has a rendered output to tell of.
  const rendering = declaration?.clusters.some((cluster) => cluster.render) ?? false;
  for (const file of files) {
    segmentManifests.push(...file.declarations.segments);
    for (const placement of file.placements)
      for (const gateway of placement.declarations.gateways)
        gateways.push({ cluster: placement.cluster, gateway });
    // Only files that hold manifests (or name their cluster) make a cluster exist; the topology
    // file and stray YAML (CI configs, values files) must not conjure a `default` cluster.
    if (file.parsed.source.path === declaration?.file) continue;
    for (const placement of file.placements) {
      if (contributesCluster(placement) && tellsOfCluster(placement, clustersSeen, rendering))
        placements.push(placement);
      if (placement.resources.length > 0 || file.parsed.findings.length > 0)
        receivingClusters.add(placement.cluster);
    }
  }
  return {
    declaration,
    placements,
    controllerDestinations,
    receivingClusters,
    istioSystemNamespaces: istioSystemNamespaces.map((namespace) => ({
      cluster: namespace.cluster,
      namespace,
    })),
    segmentManifests,
    gateways,
  };
}

/**
 * Whether building the topology reads this placement (topology/build-topology.ts): the first of its
 * cluster (which makes an undeclared cluster exist, and says how), one naming its cluster in a
 * modeline (checked against the declared clusters), one of a render command's output (which then
 * ran). The others are left out: at 50,000 files, walking every placement took 18 ms of a topology edit.
 */
function tellsOfCluster(placement: PlacedFile, seen: Set<string>, rendering: boolean): boolean {
  const first = !seen.has(placement.cluster);
  seen.add(placement.cluster);
  return first || placement.modeline !== undefined || (rendering && isRenderedOutput(placement.file));
}

function contributesCluster(placement: PlacedFile): boolean {
  return placement.resources.length > 0 || placement.via === 'modeline';
}

/**
 * A change of one file that kustomizations read as a resource, re-rendered alone
 * (model/rerendered.ts) and leaving the topology as it was; undefined otherwise (then only a full
 * build, which renders the kustomizations that read it again, is right).
 */
function rerenderedChange(
  previous: MeshModel,
  state: ModelState,
  changes: readonly FileChange[],
  declaration: TopologyDeclaration | undefined,
): (Rerendered & { file: ModelFile }) | undefined {
  const [change, ...more] = changes;
  if (!change || more.length > 0 || change.readded || !change.before || !change.after) return undefined;
  const { before, after } = change;
  const path = after.parsed.source.path;
  const known = previous.files.get(path);
  if (!known || !state.kustomizeInputs.has(path) || path === declaration?.file) return undefined;
  if (![before, after].every(topologyNeutral)) return undefined;
  const rerendered = rerenderedPlacements(
    before.parsed,
    after.parsed,
    known,
    state.renderings,
    previous.files,
  );
  if (!rerendered) return undefined;
  const file = modelFile(after, rerendered.placements);
  // The file stays in its clusters, gives each of them objects, and none of them tells of the topology.
  const sameKey = (list: readonly PlacedFile[]) =>
    list.map((p) => `${p.cluster}\u0000${p.via}`).join('\u0001');
  if (sameKey(known.placements) !== sameKey(file.placements)) return undefined;
  if (![...known.placements, ...file.placements].every(placementNeutral)) return undefined;
  return { ...rerendered, file };
}

/** A placement with objects, none of which tells of the topology (segments, peering gateways, Nodes, istio-system). */
function placementNeutral(placed: PlacedFile): boolean {
  const { declarations, resources } = placed;
  return (
    resources.length > 0 &&
    declarations.segments.length === 0 &&
    declarations.gateways.length === 0 &&
    declarations.nodeCount === 0 &&
    !resources.some((resource) => shardOfResource(resource) === ISTIO_SYSTEM)
  );
}

/**
 * Whether a change leaves the topology as it was: it is not about the clusters, segments, links or
 * nodes (istio-system, Segment, peering Gateways, Nodes, modelines), and the file stays in its
 * cluster, which exists with or without it.
 */
function keepsTopology(change: FileChange, state: ModelState, declaration?: TopologyDeclaration): boolean {
  const sides = [change.before, change.after].filter((fact): fact is FileFacts => fact !== undefined);
  const [first] = sides;
  if (!first) return true;
  const path = first.parsed.source.path;
  // What a kustomization reads decides other files' placements: only a full build re-renders it.
  if (state.kustomizeInputs.has(path) || isKustomizationFile(path)) return false;
  if (state.kustomizeInputs.size > 0 && sides.length === 1) return false;
  if (sides.some((fact) => fact.parsed.source.path === declaration?.file || !topologyNeutral(fact)))
    return false;
  const placements = sides.map((fact) => placeFile(fact.parsed, declaration));
  const [placed] = placements;
  const sameKey = (list: readonly Placement[]) =>
    list.map((p) => `${p.cluster}\u0000${p.via}`).join('\u0001');
  if (placements.some((list) => sameKey(list) !== sameKey(placed ?? []))) return false;
  // Whether the file makes its clusters exist, and whether it gives them something (MESH193): a
  // change of either changes the topology.
  const contributed = (fact?: FileFacts) =>
    fact !== undefined && modelFile(fact, placed ?? []).placements.some(contributesCluster);
  const receives = (fact?: FileFacts) =>
    fact !== undefined && (fact.parsed.resources.length > 0 || fact.parsed.findings.length > 0);
  return (
    contributed(change.before) === contributed(change.after) &&
    receives(change.before) === receives(change.after)
  );
}

function topologyNeutral(fact: FileFacts): boolean {
  const { declarations, parsed } = fact;
  return (
    parsed.modelineCluster === undefined &&
    declarations.segments.length === 0 &&
    declarations.gateways.length === 0 &&
    declarations.nodeCount === 0 &&
    !parsed.resources.some((resource) => shardOfResource(resource) === ISTIO_SYSTEM)
  );
}

function nodesPerCluster(files: Iterable<ModelFile>): Map<string, number> {
  const nodes = new Map<string, number>();
  for (const { placements } of files)
    for (const { cluster, declarations } of placements)
      if (declarations.nodeCount > 0) nodes.set(cluster, (nodes.get(cluster) ?? 0) + declarations.nodeCount);
  return nodes;
}
