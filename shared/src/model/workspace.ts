import type { Document } from 'yaml';
import { deferredDeclarations, extractDeclarations } from '../facts/extract-declarations';
import { mayHoldMeshHostname } from '../facts/hostname-tokens';
import { isKustomizationFile } from '../kustomize';
import { type Finding, noFixes } from '../text/findings';
import { createSourceFile, forgetLineStarts } from '../text/source';
import type { RenderingReuse } from '../topology/place-workspace';
import { placesAlike } from '../topology/placement';
import type { TopologyAspect } from '../topology/topology-diff';
import { readTopologyFile, type TopologyDeclaration } from '../topology/topology-file';
import { INTERNED_STRINGS } from '../util/intern';
import { SessionCache } from '../util/session-cache';
import { finish, type Steps } from '../util/steps';
import { forgetDocuments } from '../yaml/document-cache';
import { type ParsedFile, parseFile, parseFileInSteps, SKIPPED_CONTENT } from '../yaml/parse-file';
import {
  buildModel,
  type FileChange,
  type FileFacts,
  renderingsOf,
  topologyDeclarationOf,
  updateModel,
} from './build-model';
import { factsFromPortable, type PortableFacts } from './portable-facts';
import type { MeshModel } from './types';

export const DEFAULT_TOPOLOGY_FILE = 'mesh-topology.yaml';

interface FileEntry {
  text: string;
  facts: FileFacts;
}

/**
 * The workspace's files and the caches derived from them. The state is explicit (no hidden
 * globals) so the adapters own its lifetime: each file is parsed once per distinct text, and
 * the model is reassembled from cached per-file facts only when something changed.
 */
export interface Workspace {
  topologyPath: string;
  files: Map<string, FileEntry>;
  /** How many times a file's text was parsed: lets tests prove an unchanged file is not re-read. */
  stats: { parses: number; modelBuilds: number };
  model?: MeshModel;
  topology?: { parsed: ParsedFile; declaration: TopologyDeclaration };
  /** Files changed since `model` was built, with their facts before the first of those changes. */
  pending: Map<string, FileFacts | undefined>;
  /** Files deleted since `model` was built: one that is back now comes last in `files`. */
  deletedSinceModel: Set<string>;
  /** Which shards each model build may have changed, newest last: lets an analysis catch up. */
  history: {
    generation: number;
    dirty: ReadonlySet<string> | 'all';
    /** Of the dirty shards, those where only these units changed (model/shards.ts). */
    units?: ReadonlyMap<string, ReadonlySet<string>>;
    /** Set when only the topology changed, every shard kept: what changed of it (model/build-model.ts). */
    topology?: ReadonlySet<TopologyAspect>;
  }[];
  generations: WeakMap<MeshModel, number>;
  /** A fork's first model, which its original still uses: updated by copy, never in place. */
  sharedModel?: MeshModel;
  /** Whether a kustomization was ever set: then parsed documents are kept until the next model. */
  kustomized: boolean;
  /**
   * The documents of the files parsed since the model was built, kept (only in a kustomized
   * workspace) for that build: rendering the kustomizations reads most files' documents again,
   * and the document cache holds only the last files read, so at 10k files each was parsed a second time.
   */
  parsedDocuments: Map<ParsedFile, Document.Parsed[]>;
  /**
   * The segment domains that do not mention the mesh (`payments.corp`), as the last model's topology
   * declares them: string values are scanned for hostnames in them too (facts/hostname-tokens.ts).
   */
  valueDomains: readonly string[];
  /**
   * What the host remembers across models (interned strings, MESH121's suggestions, completion's
   * match targets): owned here, carried by every model built from this workspace and its forks.
   */
  cache: SessionCache;
}

export function createWorkspace(topologyPath = DEFAULT_TOPOLOGY_FILE): Workspace {
  return {
    topologyPath,
    files: new Map(),
    stats: { parses: 0, modelBuilds: 0 },
    pending: new Map(),
    deletedSinceModel: new Set(),
    history: [],
    generations: new WeakMap(),
    kustomized: false,
    parsedDocuments: new Map(),
    valueDomains: [],
    cache: new SessionCache(),
  };
}

// Enough for an analysis to catch up with the edits of a burst of typing; an older one starts over.
const HISTORY_LENGTH = 64;

/**
 * Sets a file's text; re-parses only if the text differs. Returns whether anything changed. `read`:
 * the facts of that text as another thread read them (`readPortableFacts`), used when they were
 * read for the workspace's current segment domains (else the file is parsed here).
 */
export function setFile(workspace: Workspace, path: string, text: string, read?: PortableFacts): boolean {
  if (read && workspace.files.get(path)?.text !== text) {
    const facts = factsFromPortable(
      read,
      path,
      text,
      workspace.valueDomains,
      workspace.cache.get(INTERNED_STRINGS),
    );
    if (facts) {
      if (isKustomizationFile(path)) workspace.kustomized = true;
      storeFacts(workspace, path, text, facts);
      return true;
    }
  }
  return finish(setFileInSteps(workspace, path, text, 'let go'));
}

/**
 * `setFile`, pausing while it parses. The workspace changes only at the last step, all at once:
 * until then it answers with the file's previous text. A caller that drops the steps unfinished
 * (the text changed again) leaves the workspace as it was.
 *
 * `documents`: whether the file's YAML documents stay in the document cache once its facts are read.
 * An edited buffer keeps them, for the requests and fixes that follow an edit, and so does a workspace
 * with kustomizations, whose renderings read them. A file read whole (a scan, a change on disk:
 * `setFile`) in a plain workspace lets them go: kept, the last 64 files' documents were alive at
 * every young-generation collection of a scan and were copied out of it. With the documents' indexes
 * kept on them (util/object-memo.ts), letting them go (and the line index) took what a cold start of
 * 10,000 resources copied out of the young generation from 98 to 33 MB. A later reader parses the
 * file again (a third of a millisecond).
 */
export function* setFileInSteps(
  workspace: Workspace,
  path: string,
  text: string,
  documents: 'keep' | 'let go' = 'keep',
): Steps<boolean> {
  if (workspace.files.get(path)?.text === text) return false;
  const parsed = yield* parseFileInSteps(path, text, workspace.cache.get(INTERNED_STRINGS));
  keepDocuments(workspace, parsed);
  // With kustomizations, most files are read through their renderings: their own facts wait (facts/extract-declarations.ts).
  storeFacts(workspace, path, text, factsOfParsed(parsed, workspace.valueDomains, workspace.kustomized));
  // With kustomizations, renderings read the documents (the scan's are held for the first build).
  if (documents === 'let go' && !workspace.kustomized) {
    forgetDocuments(parsed.source);
    forgetLineStarts(parsed.source);
  }
  return true;
}

/** A file's new text and the facts read from it (here or in a worker thread), pending for the next model. */
function storeFacts(workspace: Workspace, path: string, text: string, facts: FileFacts): void {
  workspace.stats.parses++;
  invalidate(workspace, path);
  workspace.files.set(path, { text, facts });
}

/**
 * Keeps a file's documents for the next model build when the workspace has kustomizations (a plain
 * workspace keeps nothing). Read right after parsing, they come from the document cache.
 */
function keepDocuments(workspace: Workspace, parsed: ParsedFile): void {
  if (isKustomizationFile(parsed.source.path)) workspace.kustomized = true;
  if (workspace.kustomized) workspace.parsedDocuments.set(parsed, parsed.documents);
}

function factsOfParsed(parsed: ParsedFile, valueDomains: readonly string[], deferred = false): FileFacts {
  const declarations = (deferred ? deferredDeclarations : extractDeclarations)(parsed, valueDomains);
  return valueDomains.length > 0 ? { parsed, declarations, valueDomains } : { parsed, declarations };
}

function factsOf(workspace: Workspace, path: string, text: string): FileFacts {
  return factsOfParsed(parseFile(path, text, workspace.cache.get(INTERNED_STRINGS)), workspace.valueDomains);
}

/** A model of the workspace as it would be with some files' texts replaced, and which shards differ. */
export interface TrialModel {
  model: MeshModel;
  dirty: ReadonlySet<string> | 'all';
}

/**
 * The model the workspace would have if `texts` replaced (or created) those files, leaving the
 * workspace and its model as they are: how a fix is tried before it is offered or written.
 */
export function modelWith(workspace: Workspace, texts: ReadonlyMap<string, string>): TrialModel {
  const current = getModel(workspace);
  const changes: FileChange[] = [];
  const replaced = new Map<string, FileFacts>();
  for (const [path, text] of texts) {
    const before = workspace.files.get(path);
    if (before?.text === text) continue;
    const after = factsOf(workspace, path, text);
    replaced.set(path, after);
    changes.push({ before: before?.facts, after, readded: false });
  }
  if (changes.length === 0) return { model: current, dirty: new Set() };
  const topologyFile = replaced.get(workspace.topologyPath);
  const declaration = topologyFile ? readTopologyFile(topologyFile.parsed) : topologyDeclaration(workspace);
  const update = topologyFile ? undefined : updateModel(current, changes, declaration, true);
  if (update) return update;
  const facts = [...workspace.files].map(([path, entry]) => replaced.get(path) ?? entry.facts);
  for (const [path, fact] of replaced) if (!workspace.files.has(path)) facts.push(fact);
  const reuse = topologyFile ? undefined : renderingReuse(current, changes);
  return { model: buildModel(facts, declaration, undefined, workspace.cache, reuse), dirty: 'all' };
}

const SKIPPED_PREFIX = '\u0000skipped:';

/** Whether a file's text is the placeholder of a file that was not read: an edit of it would destroy the real file. */
export function isSkippedText(text: string): boolean {
  return text.startsWith(SKIPPED_PREFIX);
}

/** The text the workspace holds for a file, if it was read (a skipped file's placeholder is no text). */
export function fileText(workspace: Workspace, path: string): string | undefined {
  const text = workspace.files.get(path)?.text;
  return text === undefined || isSkippedText(text) ? undefined : text;
}

/** Records a file that was not read (binary, too large, not UTF-8, …) so the reason is reported on it. */
export function setSkippedFile(workspace: Workspace, path: string, reason: string): void {
  const source = createSourceFile(path, '');
  const finding: Finding = {
    code: SKIPPED_CONTENT,
    severity: 'info',
    file: path,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: `Not analysed: ${reason}.`,
    related: [],
    fixes: noFixes,
  };
  const parsed: ParsedFile = { source, documents: [], resources: [], findings: [finding], documentCount: 0 };
  invalidate(workspace, path);
  workspace.files.set(path, {
    text: `${SKIPPED_PREFIX}${reason}`,
    facts: { parsed, declarations: extractDeclarations(parsed) },
  });
}

export function deleteFile(workspace: Workspace, path: string): boolean {
  if (!workspace.files.has(path)) return false;
  invalidate(workspace, path);
  workspace.files.delete(path);
  workspace.deletedSinceModel.add(path);
  return true;
}

export function setTopologyPath(workspace: Workspace, path: string): void {
  if (workspace.topologyPath === path) return;
  workspace.topologyPath = path;
  workspace.topology = undefined;
  workspace.model = undefined;
}

/**
 * Whether the next model is built from nothing: there is none yet, or the topology file changed in
 * a way that can change files' placements (its clusters, paths or render commands), or together with
 * other files. Then nothing of the current model is read again.
 */
export function rebuildsWholeModel(workspace: Workspace): boolean {
  const { model, pending, topologyPath } = workspace;
  if (!model) return true;
  if (!pending.has(topologyPath)) return false;
  const before = topologyDeclarationOf(model);
  const after = topologyDeclaration(workspace);
  return pending.size > 1 || !before || !after || !placesAlike(before, after);
}

export function getModel(workspace: Workspace): MeshModel {
  const { pending } = workspace;
  if (workspace.model && pending.size === 0) return workspace.model;
  workspace.stats.modelBuilds++;
  const changes: FileChange[] = [...pending].map(([path, before]) => ({
    before,
    after: workspace.files.get(path)?.facts,
    readded: workspace.deletedSinceModel.has(path),
  }));
  const declaration = topologyDeclaration(workspace);
  // A topology file that places files anew changes everything; so does a model that was thrown away.
  const previous = rebuildsWholeModel(workspace) ? undefined : workspace.model;
  // Nothing of the old model is read again then: let it go (no variable here holds it) before the
  // new one is built, which at 50,000 resources held both models (130 MB) at once.
  if (!previous) workspace.model = undefined;
  const update = previous
    ? updateModel(previous, changes, declaration, previous === workspace.sharedModel)
    : undefined;
  const next =
    update?.model ??
    buildModel(
      [...workspace.files.values()].map((entry) => entry.facts),
      declaration,
      workspace.parsedDocuments,
      workspace.cache,
      previous && renderingReuse(previous, changes),
    );
  workspace.parsedDocuments.clear();
  pending.clear();
  workspace.deletedSinceModel.clear();
  const final = withValueDomains(workspace, next, declaration) ?? next;
  if (final === next && update) record(workspace, final, update.dirty, update.units, update.topology);
  else record(workspace, final, 'all');
  workspace.model = final;
  return final;
}

/**
 * What a rebuild may keep of the previous model's renderings: those that read none of the changed
 * files, when the changes only edit files (a file added or removed can change what a kustomization
 * finds, so then everything is rendered again).
 */
function renderingReuse(previous: MeshModel, changes: readonly FileChange[]): RenderingReuse | undefined {
  if (changes.some((change) => !change.before || !change.after || change.readded)) return undefined;
  const changed = new Set(changes.map((change) => change.after?.parsed.source.path ?? ''));
  return { previous: renderingsOf(previous), changed };
}

/**
 * When the model's segment domains that do not mention the mesh changed (a segment `payments.corp`
 * declared, renamed or gone), the files whose text names one, before or now, are read again for
 * hostnames in it and the model is built again; undefined when nothing changed (almost always: a
 * segment domain is rarely named otherwise, and rarely changes).
 */
function withValueDomains(
  workspace: Workspace,
  model: MeshModel,
  declaration: TopologyDeclaration | undefined,
): MeshModel | undefined {
  const domains = [...model.topology.segments.values()]
    .map((segment) => segment.domain)
    .filter((domain) => !mayHoldMeshHostname(domain))
    .sort();
  const before = workspace.valueDomains;
  if (domains.join(' ') === before.join(' ')) return undefined;
  workspace.valueDomains = domains;
  const named = [...before, ...domains];
  for (const [path, entry] of workspace.files) {
    if (!named.some((domain) => entry.text.includes(domain))) continue;
    workspace.files.set(path, { ...entry, facts: factsOfParsed(entry.facts.parsed, domains) });
  }
  workspace.stats.modelBuilds++;
  return buildModel(
    [...workspace.files.values()].map((entry) => entry.facts),
    declaration,
    undefined,
    workspace.cache,
  );
}

/**
 * A workspace that starts as this one is and then goes its own way (how fix-all works on a copy):
 * its files and model are shared, and its first edit copies the model rather than patching it.
 * Analyses of the original's current model stay valid for the fork.
 */
export function forkWorkspace(workspace: Workspace): Workspace {
  const model = getModel(workspace);
  const fork: Workspace = {
    ...createWorkspace(workspace.topologyPath),
    files: new Map(workspace.files),
    model,
    sharedModel: model,
    kustomized: workspace.kustomized,
    valueDomains: workspace.valueDomains,
    cache: workspace.cache,
    ...(workspace.topology ? { topology: workspace.topology } : {}),
  };
  fork.history.push({ generation: generationOf(workspace, model), dirty: 'all' });
  fork.generations.set(model, generationOf(workspace, model));
  return fork;
}

function generationOf(workspace: Workspace, model: MeshModel): number {
  return workspace.generations.get(model) ?? 0;
}

function record(
  workspace: Workspace,
  model: MeshModel,
  dirty: ReadonlySet<string> | 'all',
  units?: ReadonlyMap<string, ReadonlySet<string>>,
  topology?: ReadonlySet<TopologyAspect>,
): void {
  const generation = (workspace.history[workspace.history.length - 1]?.generation ?? 0) + 1;
  workspace.history.push({
    generation,
    dirty,
    ...(units ? { units } : {}),
    ...(topology ? { topology } : {}),
  });
  if (workspace.history.length > HISTORY_LENGTH) workspace.history.shift();
  workspace.generations.set(model, generation);
}

/** What each model build since `since` changed, oldest first; 'all' when that is not known (too old, or from elsewhere). */
function historySince(workspace: Workspace, since: MeshModel): Workspace['history'] | 'all' {
  const from = workspace.generations.get(since);
  const to = workspace.generations.get(getModel(workspace));
  if (from === undefined || to === undefined) return 'all';
  const entries = workspace.history.filter((entry) => entry.generation > from && entry.generation <= to);
  return entries.length === to - from ? entries : 'all';
}

/**
 * The shards (model/shards.ts) in which the workspace's current model may differ from `since`, an
 * earlier model of this workspace; 'all' when that is not known (too old, or from elsewhere).
 */
export function changedShardsSince(workspace: Workspace, since: MeshModel): ReadonlySet<string> | 'all' {
  const entries = historySince(workspace, since);
  if (entries === 'all') return 'all';
  const dirty = new Set<string>();
  for (const entry of entries) {
    if (entry.dirty === 'all') return 'all';
    for (const shard of entry.dirty) dirty.add(shard);
  }
  return dirty;
}

/**
 * Like `changedShardsSince`, with the units of each changed shard that may differ (model/shards.ts):
 * 'all' for a shard that may differ anywhere.
 */
export function changedUnitsSince(
  workspace: Workspace,
  since: MeshModel,
): ReadonlyMap<string, ReadonlySet<string> | 'all'> | 'all' {
  const entries = historySince(workspace, since);
  if (entries === 'all') return 'all';
  const changed = new Map<string, Set<string> | 'all'>();
  for (const entry of entries) {
    if (entry.dirty === 'all') return 'all';
    for (const shard of entry.dirty) {
      const units = entry.units?.get(shard);
      const known = changed.get(shard);
      if (!units) changed.set(shard, 'all');
      else if (known === undefined) changed.set(shard, new Set(units));
      else if (known !== 'all') for (const unit of units) known.add(unit);
    }
  }
  return changed;
}

/**
 * What changed of the topology in the model builds since `since` that kept every shard (their
 * `topology`): the checks reading it run again on every cell. Empty when no such build happened.
 */
export function topologyChangesSince(workspace: Workspace, since: MeshModel): ReadonlySet<TopologyAspect> {
  const entries = historySince(workspace, since);
  const changed = new Set<TopologyAspect>();
  if (entries === 'all') return changed;
  for (const entry of entries) for (const aspect of entry.topology ?? []) changed.add(aspect);
  return changed;
}

function topologyDeclaration(workspace: Workspace): TopologyDeclaration | undefined {
  const entry = workspace.files.get(workspace.topologyPath);
  if (!entry) return undefined;
  if (workspace.topology?.parsed !== entry.facts.parsed) {
    workspace.topology = { parsed: entry.facts.parsed, declaration: readTopologyFile(entry.facts.parsed) };
  }
  return workspace.topology.declaration;
}

/** Call before changing a file's entry: remembers its facts as the model knew them. */
function invalidate(workspace: Workspace, path: string): void {
  if (!workspace.pending.has(path)) workspace.pending.set(path, workspace.files.get(path)?.facts);
  if (path === workspace.topologyPath) workspace.topology = undefined;
}
