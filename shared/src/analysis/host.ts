import type { Check } from '../checks/check';
import { checkByCode, runChecks } from '../checks/registry';
import { clusterRows, problemsByCluster } from '../features/cluster-views';
import { codeLenses } from '../features/code-lens';
import { completionListAt } from '../features/completion';
import { globalServiceRows } from '../features/global-services';
import { hoverAt, type LinkTo } from '../features/hover';
import { type MeshGraph, type MeshGraphFocus, meshGraph } from '../features/mesh-graph';
import { definitionAt, referencesAt } from '../features/navigation';
import { type ClusterPlacements, placementsByCluster } from '../features/placements-summary';
import { suppressionFixes } from '../features/suppression-fixes';
import { documentSymbols, workspaceSymbols } from '../features/symbols';
import { buildModel } from '../model/build-model';
import type { PortableFacts } from '../model/portable-facts';
import type { MeshModel } from '../model/types';
import {
  createWorkspace,
  DEFAULT_TOPOLOGY_FILE,
  deleteFile,
  fileText,
  getModel,
  rebuildsWholeModel,
  setFile,
  setFileInSteps,
  setSkippedFile,
  setTopologyPath,
  type Workspace,
} from '../model/workspace';
import { reachFrom } from '../reach/reach-from';
import { type Finding, type Fix, fixesOf } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import type { Position } from '../text/source';
import { readTopologyFile, type SeverityOverride } from '../topology/topology-file';
import type { Steps } from '../util/steps';
import { type Analysis, analyseWorkspace, findingsOfFiles, problemCount } from './analyse-workspace';
import { withCurrentFixes } from './current-fixes';
import {
  applyPreferredFixes,
  type FixAllOptions,
  type FixAllResult,
  type FixedFile,
  type FixNotApplied,
  fixAll,
  MAX_FIX_PASSES,
} from './fix-all';
import { offeredFixes, shardChecker } from './verify-fix';

// The analysis host, as rust-analyzer has one: the single owner of the workspace's state. An
// adapter (the language server, the CLI) applies changes to it and reads everything else from a
// snapshot, which is a plain function of the files' text at one moment: findings, hovers, lenses,
// completion, navigation, fixes, reach, global services. A snapshot never changes. The model is
// updated in place for speed (copying it costs milliseconds per edit at tens of thousands of
// files), so once a change supersedes a snapshot, reading it throws `Cancelled`: the adapter
// answers that request as outdated and asks the new snapshot.

/** One change of the workspace, as the adapter saw it: files set, files that could not be read, files gone. */
export interface WorkspaceChange {
  /**
   * Files added or changed, with their text, and optionally its facts as a worker thread read them
   * (`readPortableFacts`): the host then does not parse the text itself.
   */
  set?: Iterable<readonly [path: string, text: string, read?: PortableFacts]>;
  /** Files that were not read (binary, too large, unreadable), with why: each becomes a MESH195. */
  skipped?: Iterable<readonly [path: string, reason: string]>;
  deleted?: Iterable<string>;
  /** The topology file's workspace path (`meshLens.topologyFile`, `--topology`). */
  topologyPath?: string;
  /** Severity overrides from the user's settings (they win over the topology file's). */
  severity?: ReadonlyMap<string, SeverityOverride>;
}

export interface HostOptions {
  topologyPath?: string;
  /** Told when a check (or a fix builder) throws: a bug in one check must not hide the others' findings. */
  onCheckError?: (check: Check, error: unknown) => void;
  /**
   * Told, each time the checks run, which files' findings may differ from the previous run's
   * (`'all'` after a rebuild or a settings change), whichever read made them run: an adapter that
   * publishes findings records them here, so a request that happened to run the checks first
   * cannot make it miss a change.
   */
  onAnalysed?: (changedFiles: ReadonlySet<string> | 'all') => void;
}

/**
 * How many model updates a request may make without the checks catching up. The workspace remembers
 * what its last 64 model builds changed (model/workspace.ts); an analysis older than that re-checks
 * everything. Hovers during a burst of edits each update the model: before they use up that memory,
 * the next one runs the checks too, which then catch up shard by shard.
 */
const MODEL_UPDATES_BEFORE_ANALYSIS = 32;

/** A snapshot read after a later change superseded it. */
export class Cancelled extends Error {
  constructor() {
    super('the workspace changed since this snapshot was taken');
  }
}

export class MeshLens {
  readonly #workspace: Workspace;
  readonly #onCheckError: HostOptions['onCheckError'];
  readonly #onAnalysed: HostOptions['onAnalysed'];
  /** Model updates since the checks last ran (see MODEL_UPDATES_BEFORE_ANALYSIS). */
  #modelUpdates = 0;
  #severity: ReadonlyMap<string, SeverityOverride> | undefined;
  /** The analysis of the last snapshot that was read; the next one is computed from it. */
  #analysis: Analysis | undefined;
  #current: Snapshot;

  constructor(options: HostOptions = {}) {
    this.#workspace = createWorkspace(options.topologyPath ?? DEFAULT_TOPOLOGY_FILE);
    this.#onCheckError = options.onCheckError;
    this.#onAnalysed = options.onAnalysed;
    this.#current = new Snapshot(this, this.#workspace, 1);
  }

  /**
   * Applies a change and returns the snapshot after it: a new one when anything changed, else the
   * current one. Nothing is analysed until the snapshot is read, so a scan of ten thousand files
   * applied one by one is analysed once.
   */
  applyChange(change: WorkspaceChange): Snapshot {
    const workspace = this.#workspace;
    let changed = false;
    if (change.topologyPath !== undefined && change.topologyPath !== workspace.topologyPath) {
      setTopologyPath(workspace, change.topologyPath);
      changed = true;
    }
    for (const [path, text, read] of change.set ?? [])
      changed = setFile(workspace, path, text, read) || changed;
    for (const [path, reason] of change.skipped ?? []) {
      setSkippedFile(workspace, path, reason);
      changed = true;
    }
    for (const path of change.deleted ?? []) changed = deleteFile(workspace, path) || changed;
    if (change.severity !== undefined && change.severity !== this.#severity) {
      this.#severity = change.severity;
      changed = true;
    }
    return changed ? this.#supersede() : this.#current;
  }

  /**
   * Sets one file's text, pausing while it parses (a 10 MB buffer takes seconds): until the last
   * step the current snapshot stays current and answers from the previous text.
   */
  *setTextInSteps(path: string, text: string): Steps<Snapshot> {
    const changed = yield* setFileInSteps(this.#workspace, path, text);
    return changed ? this.#supersede() : this.#current;
  }

  /** The snapshot of the workspace as it is now. */
  snapshot(): Snapshot {
    return this.#current;
  }

  /**
   * The segment domains that do not mention the mesh, which string values are scanned for: what a
   * worker thread reading files for this host passes to `readPortableFacts`.
   */
  valueDomains(): readonly string[] {
    return this.#workspace.valueDomains;
  }

  /** The workspace paths of every file the host holds (read or skipped). */
  paths(): string[] {
    return [...this.#workspace.files.keys()];
  }

  /** Whether a snapshot is still the newest one. */
  isCurrent(snapshot: Snapshot): boolean {
    return snapshot === this.#current;
  }

  #supersede(): Snapshot {
    // A superseded snapshot cannot be read (it throws `Cancelled`): what it analysed is let go.
    this.#current.release();
    this.#current = new Snapshot(this, this.#workspace, this.#current.generation + 1);
    return this.#current;
  }

  /**
   * Before a model is built from nothing (the topology file changed), the last analysis is of no
   * use: the next one checks everything again. Let go of it (and its model) first, so the old model
   * and the new one are not held at once.
   */
  #forgetWhatARebuildReplaces(): void {
    const workspace = this.#workspace;
    if (workspace.model && rebuildsWholeModel(workspace)) this.#analysis = undefined;
  }

  /** The analysis of the current snapshot, updated from the last one read. */
  analysisOf(snapshot: Snapshot): { analysis: Analysis; changedFiles: ReadonlySet<string> | 'all' } {
    if (!this.isCurrent(snapshot)) throw new Cancelled();
    const options = { severityOverrides: this.#severity, onCheckError: this.#onCheckError };
    this.#forgetWhatARebuildReplaces();
    const update = analyseWorkspace(this.#workspace, this.#analysis, options);
    this.#analysis = update.analysis;
    this.#modelUpdates = 0;
    this.#onAnalysed?.(update.changedFiles);
    return update;
  }

  /**
   * The current snapshot's model, updated without running the checks (what hover, completion and
   * navigation read); undefined when the checks should catch up first (then read the analysis).
   */
  modelOf(snapshot: Snapshot): MeshModel | undefined {
    if (!this.isCurrent(snapshot)) throw new Cancelled();
    const workspace = this.#workspace;
    const updates = workspace.model && workspace.pending.size === 0 ? 0 : 1;
    if (this.#analysis && this.#modelUpdates + updates >= MODEL_UPDATES_BEFORE_ANALYSIS) return undefined;
    this.#modelUpdates += updates;
    this.#forgetWhatARebuildReplaces();
    return getModel(workspace);
  }

  /**
   * The findings of the checks declared `fileLocal` in each of `files`, from nothing but that file's
   * text and the topology file's (for its severity map): the rest of the workspace is neither read
   * nor analysed, so they can be shown while it is still being read. Each is a finding the full
   * analysis has too.
   */
  fileLocalFindingsOf(snapshot: Snapshot, files: Iterable<string>): Map<string, Finding[]> {
    if (!this.isCurrent(snapshot)) throw new Cancelled();
    const workspace = this.#workspace;
    const topology = workspace.files.get(workspace.topologyPath)?.facts;
    // Read once for every file: each model then shares its compiled path globs.
    const declaration = topology && readTopologyFile(topology.parsed);
    const byFile = new Map<string, Finding[]>();
    for (const file of files) {
      const facts = workspace.files.get(file)?.facts;
      if (!facts) {
        byFile.set(file, []);
        continue;
      }
      const alone = topology && file !== workspace.topologyPath ? [topology, facts] : [facts];
      const model = buildModel(alone, declaration);
      const findings = runChecks(model, {
        severityOverrides: this.#severity,
        onCheckError: this.#onCheckError,
        // The others' findings would be dropped below: not running them halves the cost.
        only: (check) => check.fileLocal === true,
      });
      byFile.set(
        file,
        findings.filter((finding) => finding.file === file && checkByCode(finding.code)?.fileLocal === true),
      );
    }
    return byFile;
  }
}

/** The workspace at one moment, and every answer about it. */
export class Snapshot {
  readonly #host: MeshLens;
  readonly #workspace: Workspace;
  #analysed: { analysis: Analysis; changedFiles: ReadonlySet<string> | 'all' } | undefined;
  readonly generation: number;

  constructor(host: MeshLens, workspace: Workspace, generation: number) {
    this.#host = host;
    this.#workspace = workspace;
    this.generation = generation;
  }

  /** Called once a later change superseded this snapshot: reading it throws from now on. */
  release(): void {
    this.#analysed = undefined;
  }

  /** The analysis, once it is certain no later change has touched the model it reads. */
  #live(): Analysis {
    if (!this.#host.isCurrent(this)) throw new Cancelled();
    this.#analysed ??= this.#host.analysisOf(this);
    return this.#analysed.analysis;
  }

  /**
   * The files whose findings may differ from those of the snapshot read before this one ('all'
   * after a rebuild or a settings change): what an adapter publishes again.
   */
  get changedFiles(): ReadonlySet<string> | 'all' {
    this.#live();
    return this.#analysed?.changedFiles ?? 'all';
  }

  /** The model; reading it runs no check (unless the checks are far behind, see `MeshLens.modelOf`). */
  get model(): MeshModel {
    if (!this.#host.isCurrent(this)) throw new Cancelled();
    return this.#analysed?.analysis.model ?? this.#host.modelOf(this) ?? this.#live().model;
  }

  /**
   * The findings of the checks declared `fileLocal` in each of `files`, computed from those files
   * alone: what can be shown before the rest of the workspace is read (`MeshLens.fileLocalFindingsOf`).
   */
  fileLocalFindingsOf(files: Iterable<string>): Map<string, Finding[]> {
    return this.#host.fileLocalFindingsOf(this, files);
  }

  /** Every finding as users see it, in the CLI's order. */
  findings(): Finding[] {
    return this.#live().findings();
  }

  /** The findings of some files, each file's in the CLI's order (an empty list for a file without any). */
  findingsOf(files: Iterable<string>): Map<string, Finding[]> {
    return findingsOfFiles(this.#live(), files);
  }

  /** Errors and warnings: what a status bar counts. */
  problemCount(): number {
    return problemCount(this.#live());
  }

  /** The fixes an editor may offer for a finding: each tried by the fix oracle first (verify-fix.ts). */
  fixes(finding: Finding): Fix[] {
    const analysis = this.#live();
    const [current] = withCurrentFixes(analysis, [finding]);
    return offeredFixes(
      this.#workspace,
      shardChecker(() => analysis),
      current ?? finding,
    );
  }

  /**
   * "Disable CODE for this line / for this resource" for a finding: never preferred, never applied by
   * fix-all, and tried by the same oracle as every fix (a suppression must silence its finding and
   * raise nothing).
   */
  suppressions(finding: Finding): Fix[] {
    const analysis = this.#live();
    return offeredFixes(
      this.#workspace,
      shardChecker(() => analysis),
      { ...finding, fixes: fixesOf(suppressionFixes(analysis.model, finding)) },
    );
  }

  /** Every qualifying preferred fix applied, on a fork of the workspace (this snapshot stays as it is). */
  fixAll(options: FixAllOptions = {}): FixAllResult {
    const analysis = this.#live();
    return fixAll(this.#workspace, analysis.options, options, analysis);
  }

  /**
   * `fixAll`, one pass per step, with the same result: between passes an adapter can hand the event
   * loop back, stop when the request is cancelled, or drop the work once an edit superseded this
   * snapshot (a fix-all of a large workspace runs for seconds). Each pass is `fixAll`'s own, run on
   * the workspace the previous one left.
   */
  *fixAllInSteps(options: FixAllOptions = {}): Steps<FixAllResult> {
    const analysis = this.#live();
    let latest = analysis;
    const checker = shardChecker((workspace) => {
      latest = analyseWorkspace(workspace, latest, analysis.options).analysis;
      return latest;
    });
    const fixed = new Map<string, FixedFile>();
    const notApplied = new Map<string, FixNotApplied>();
    const maxPasses = options.maxPasses ?? MAX_FIX_PASSES;
    let passes = 0;
    let pass = applyPreferredFixes(this.#workspace, checker, {
      ...options,
      maxPasses: Math.min(1, maxPasses),
    });
    for (;;) {
      passes += pass.passes;
      for (const file of pass.files) mergeFixedFile(fixed, file);
      for (const refused of pass.notApplied) {
        const key = `${refused.title}\u0000${refused.file}`;
        if (!notApplied.has(key)) notApplied.set(key, refused);
      }
      if (pass.passes === 0 || passes >= maxPasses) break;
      yield;
      pass = applyPreferredFixes(pass.workspace, checker, { ...options, maxPasses: 1 });
    }
    const files = [...fixed.values()]
      .filter((file) => file.created || file.after !== file.before)
      .sort((a, b) => compareStrings(a.path, b.path));
    return { ...pass, files, notApplied: [...notApplied.values()], passes };
  }

  hover(file: string, position: Position, linkTo: LinkTo) {
    return hoverAt(this.model, file, position, linkTo);
  }

  completion(file: string, text: string, position: Position) {
    return completionListAt(this.model, file, text, position);
  }

  /** Every cluster with its entry points and what each places (SPEC §9). */
  placements(): ClusterPlacements[] {
    return placementsByCluster(this.model);
  }

  codeLenses(file: string) {
    return codeLenses(this.model, file);
  }

  definition(file: string, position: Position) {
    return definitionAt(this.model, file, position);
  }

  references(file: string, position: Position, includeDeclaration: boolean) {
    return referencesAt(this.model, file, position, includeDeclaration);
  }

  documentSymbols(file: string) {
    return documentSymbols(this.model, file);
  }

  workspaceSymbols(query: string) {
    return workspaceSymbols(this.model, query);
  }

  globalServices() {
    return globalServiceRows(this.model);
  }

  /** Every cluster, its entry points and the files each places there (the editor's Clusters view). */
  clusters() {
    return clusterRows(this.model);
  }

  /** The findings as users see them, by the clusters their files are placed in. */
  problemsByCluster() {
    return problemsByCluster(this.model, this.findings());
  }

  reach(hostname: string, from: string, namespace?: string) {
    return reachFrom(this.model, hostname, from, namespace);
  }

  /** The mesh as a picture's content (`mesh-lens graph`, the editor's map), from the answers above. */
  meshGraph(focus: MeshGraphFocus = {}): MeshGraph {
    return meshGraph(
      {
        topology: this.model.topology,
        services: this.globalServices(),
        reach: (hostname, from) => this.reach(hostname, from),
      },
      focus,
    );
  }

  /** The text the snapshot holds for a file (an open editor's buffer, else the file as read). */
  textOf(file: string): string | undefined {
    this.#live();
    return fileText(this.#workspace, file);
  }

  get fileCount(): number {
    this.#live();
    return this.#workspace.files.size;
  }
}

/** A file a later pass changed again: its text before the first pass, after the last, every fix's title. */
function mergeFixedFile(fixed: Map<string, FixedFile>, file: FixedFile): void {
  const earlier = fixed.get(file.path);
  if (!earlier) {
    fixed.set(file.path, { ...file, fixes: [...file.fixes] });
    return;
  }
  earlier.after = file.after;
  for (const title of file.fixes) if (!earlier.fixes.includes(title)) earlier.fixes.push(title);
}
