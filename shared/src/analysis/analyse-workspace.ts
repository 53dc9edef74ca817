import type { Check } from '../checks/check';
import { type CheckOptions, checkByCode, checks, runCheckList } from '../checks/registry';
import { reportedFindings } from '../checks/reported';
import { type CellLayout, cellLayout, cellOfUnit, cellViews, sameCells, shardOfCell } from '../model/cells';
import { NAMESPACE_UNIT } from '../model/shards';
import type { MeshModel, Shard } from '../model/types';
import { tableOf } from '../model/unit-table';
import { changedUnitsSince, getModel, topologyChangesSince, type Workspace } from '../model/workspace';
import type { Finding } from '../text/findings';
import { compareFindings } from '../text/findings-order';
import { sameRange } from '../text/source';
import type { TopologyAspect } from '../topology/topology-diff';

/** The findings of a workspace's model, kept per shard so that an edit re-checks only its shards. */
export interface Analysis {
  model: MeshModel;
  /**
   * Every finding as users see it (the final pass of checks/reported.ts applied), in the CLI's order:
   * sorted into one list on the first call (publishing an edit reads only its files', `findingsOfFiles`).
   */
  findings: () => Finding[];
  /**
   * What the checks found in each cell (model/cells.ts: a shard, or a part of a big namespace), by
   * the cell's key (a shard checked whole is one cell keyed by the shard's key), before the final
   * pass: each check's own severity, suppressed findings included. Read them through `findings`,
   * `findingsOfFiles`, `shardFindings` or `reported`.
   */
  shards: ReadonlyMap<string, Finding[]>;
  /**
   * Per cell, per check that reads every hostname (`Check.beyondShard.hostnames`), what it
   * watched there: the cell is checked again when a hostname that affects one of them comes or goes.
   */
  watchedHostnames: ReadonlyMap<string, ReadonlyMap<Check, string[]>>;
  /**
   * The shards big enough to be split in cells (model/cells.ts) that are checked whole: guarded ones
   * two of whose cells found something at one place, which a whole check merges or tells once (kept
   * until a full analysis), and the `busyShards`.
   */
  wholeShards: ReadonlySet<string>;
  /**
   * The shards of `wholeShards` that are whole because the edit that last changed them touched most of
   * their cells: checking every cell costs more than checking the namespace once. The next edit that
   * touches few of their cells splits them again.
   */
  busyShards: ReadonlySet<string>;
  options: CheckOptions;
}

export interface AnalysisUpdate {
  analysis: Analysis;
  /**
   * The files whose findings may differ from the previous analysis's as reported — code, severity,
   * range, message and related locations. Fixes are not compared: they are offered on request from
   * the current analysis, and comparing them would build every re-checked finding's fixes.
   */
  changedFiles: ReadonlySet<string> | 'all';
}

/**
 * The findings of the workspace's current model, as `runChecks` would report them, re-running the
 * checks only on the cells that changed since `previous` (same options) was made. An edit of one
 * Service re-checks its namespace in every cluster and the routes into it, not the workspace; in a
 * big namespace, only the cells of the names it touched (model/cells.ts).
 */
export function analyseWorkspace(
  workspace: Workspace,
  previous: Analysis | undefined,
  options: CheckOptions = {},
): AnalysisUpdate {
  const model = getModel(workspace);
  const comparable = previous !== undefined && previous.options.onCheckError === options.onCheckError;
  if (comparable && previous.model === model) {
    // New severity settings re-check nothing: the final pass reads them (checks/reported.ts).
    if (previous.options.severityOverrides === options.severityOverrides)
      return { analysis: previous, changedFiles: new Set() };
    return {
      analysis: analysisOf(model, previous.shards, previous.watchedHostnames, previous, options),
      changedFiles: 'all',
    };
  }
  const changed = comparable ? changedUnitsSince(workspace, previous.model) : 'all';
  if (changed === 'all' || !previous) return { analysis: analyseAll(model, options), changedFiles: 'all' };

  const { wholeShards, busyShards } = wholeShardsAfter(previous, model, changed);
  const dirty = new Set<string>();
  for (const [shard, units] of changed)
    dirtyCells(previous, model, shard, units, dirty, wholeShards.has(shard));
  // A check that reads every hostname (its beyondShard declaration) can change its findings in a
  // cell the edit did not touch when a hostname appears or goes away anywhere.
  const changedHostnames = hostnameChanges(previous.model, model, changed);
  if (changedHostnames.length > 0)
    for (const [cell, byCheck] of previous.watchedHostnames)
      if (affectedBy(byCheck, changedHostnames)) dirty.add(cell);

  // After a topology edit that kept every shard, the checks reading what changed of it run again on
  // every cell (recheckTopologyReaders); a guarded namespace's cells are checked again with every check
  // instead, so that its guard sees all their findings.
  const readers = topologyReaders(topologyChangesSince(workspace, previous.model));
  if (readers.size > 0)
    for (const shard of model.shards.values()) {
      const layout = cellLayout(shard, model, wholeShards.has(shard.key));
      if (layout.guarded) for (const cell of layout.keys) dirty.add(cell);
    }

  const shards = new Map(previous.shards);
  const watchedHostnames = new Map(previous.watchedHostnames);
  const before: Finding[] = [];
  const after: Finding[] = [];
  const dirtyByShard = new Map<string, Set<string>>();
  for (const cell of dirty) {
    before.push(...(shards.get(cell) ?? []));
    shards.delete(cell);
    watchedHostnames.delete(cell);
    const shard = shardOfCell(cell);
    const cells = dirtyByShard.get(shard);
    if (cells) cells.add(cell);
    else dirtyByShard.set(shard, new Set([cell]));
  }
  for (const [key, cells] of dirtyByShard) {
    const shard = model.shards.get(key);
    if (!shard) continue;
    const layout = cellLayout(shard, model, wholeShards.has(key));
    const found: Finding[] = [];
    for (const [cell, view] of cellViews(layout, cells))
      found.push(...checkCell(model, cell, view, options, shards, watchedHostnames));
    if (!(layout.guarded && meetAcrossCells(layout, cells, shards))) {
      after.push(...found);
      continue;
    }
    // The cells not checked again still hold the previous analysis's findings: they go too.
    for (const cell of layout.keys) if (!cells.has(cell)) before.push(...(shards.get(cell) ?? []));
    after.push(...checkWhole(model, layout, options, shards, watchedHostnames));
    wholeShards.add(key);
  }
  if (readers.size > 0) {
    const context = { model, options, shards, watchedHostnames, before, after };
    recheckTopologyReaders(context, readers, dirty, wholeShards);
  }
  // Severities are applied as findings are reported: new ones (the settings', the topology file's) change any file's.
  const sameSeverities =
    sameSeverity(previous.options, options) &&
    sameOverrides(previous.model.severityOverrides, model.severityOverrides);
  const changedFiles = sameSeverities ? filesThatDiffer(before, after) : 'all';
  return {
    analysis: analysisOf(model, shards, watchedHostnames, { wholeShards, busyShards }, options),
    changedFiles,
  };
}

/**
 * The shards checked whole after an edit: those whole before for a reason an edit does not undo, those
 * busy before and left alone by this edit, and those whose cells this edit mostly touches (a workload
 * that Services in every cell select, a file naming objects of every unit). An edit re-checking most
 * cells paid for each cell's view, and a cell walks its files in the order of its hash: in a namespace
 * of 3,000 files whose edit made 80 Services' instances again, re-checking every cell took 9 ms where
 * checking the namespace whole took 4 to 5.
 */
function wholeShardsAfter(
  previous: Analysis,
  model: MeshModel,
  changed: ReadonlyMap<string, ReadonlySet<string> | 'all'>,
): { wholeShards: Set<string>; busyShards: Set<string> } {
  const wholeShards = new Set<string>();
  const busyShards = new Set<string>();
  for (const key of previous.wholeShards) {
    if (!model.shards.has(key)) continue;
    if (!previous.busyShards.has(key)) wholeShards.add(key);
    else if (!changed.has(key)) {
      wholeShards.add(key);
      busyShards.add(key);
    }
  }
  for (const [key, units] of changed) {
    const shard = model.shards.get(key);
    if (units === 'all' || !shard || wholeShards.has(key)) continue;
    if (mostCellsTouched(cellLayout(shard, model), units)) {
      wholeShards.add(key);
      busyShards.add(key);
    }
  }
  return { wholeShards, busyShards };
}

/** Whether an edit of these units touches at least three quarters of a split shard's cells. */
function mostCellsTouched(layout: CellLayout, units: ReadonlySet<string>): boolean {
  if (layout.buckets === 0) return false;
  const cells = new Set([cellOfUnit(layout, NAMESPACE_UNIT)]);
  for (const unit of units) cells.add(cellOfUnit(layout, unit));
  return cells.size * 4 >= layout.keys.length * 3;
}

/** What re-checking cells reads and writes: the new analysis's lists, and the findings they replaced and found. */
interface Recheck {
  model: MeshModel;
  options: CheckOptions;
  shards: Map<string, Finding[]>;
  watchedHostnames: Map<string, ReadonlyMap<Check, string[]>>;
  before: Finding[];
  after: Finding[];
}

/**
 * After an edit of the topology file that kept every shard (a link, a network; model/build-model.ts),
 * `readers` — the checks reading what changed of the topology — run again on every cell not already
 * checked again, and the other checks' findings there are kept: a link edit re-runs the reachability
 * check, not the whole catalogue. The final passes of a cell's findings (suppressions, copies merged
 * across clusters, findings shown on templates) work code by code, so the two sets can be joined.
 */
function recheckTopologyReaders(
  context: Recheck,
  readers: ReadonlySet<Check>,
  dirty: ReadonlySet<string>,
  wholeShards: ReadonlySet<string>,
): void {
  const codes = new Set([...readers].map((check) => check.code));
  const { model, options, shards, before, after } = context;
  for (const shard of model.shards.values()) {
    const layout = cellLayout(shard, model, wholeShards.has(shard.key));
    const cells = new Set(layout.keys.filter((cell) => !dirty.has(cell)));
    for (const [cell, view] of cellViews(layout, cells)) {
      rewatch(context, cell, view, readers);
      const old = shards.get(cell) ?? [];
      const replaced = old.filter((finding) => codes.has(finding.code));
      const found = runCheckList(view, model, options.onCheckError, (check) => readers.has(check));
      if (replaced.length === 0 && found.length === 0) continue;
      before.push(...replaced);
      after.push(...found);
      const kept = old.filter((finding) => !codes.has(finding.code));
      if (kept.length + found.length > 0) shards.set(cell, kept.concat(found));
      else shards.delete(cell);
    }
  }
}

/** The checks reading an aspect of the topology that changed (`Check.readsTopology`). */
function topologyReaders(changed: ReadonlySet<TopologyAspect>): Set<Check> {
  if (changed.size === 0) return new Set();
  return new Set(checks.filter((check) => check.readsTopology?.some((aspect) => changed.has(aspect))));
}

/** A cell's hostnames watched by the re-run checks (`Check.beyondShard`), the other checks' kept. */
function rewatch(context: Recheck, cell: string, view: Shard, readers: ReadonlySet<Check>): void {
  const watchers = [...readers].filter((check) => check.beyondShard);
  if (watchers.length === 0) return;
  const { model, watchedHostnames } = context;
  const byCheck = new Map(watchedHostnames.get(cell) ?? []);
  for (const check of watchers) {
    byCheck.delete(check);
    const values = check.beyondShard?.hostnames.watched(view, model) ?? [];
    if (values.length > 0) byCheck.set(check, values);
  }
  if (byCheck.size > 0) watchedHostnames.set(cell, byCheck);
  else watchedHostnames.delete(cell);
}

/**
 * The cells (model/cells.ts) of a changed shard to check again: those of its changed units, its
 * Namespace's, and those holding a finding that reads the whole namespace (`Check.readsNamespace`);
 * every cell, before and after, when the shard changed anywhere or its cells are no longer the same.
 */
function dirtyCells(
  previous: Analysis,
  model: MeshModel,
  key: string,
  units: ReadonlySet<string> | 'all',
  dirty: Set<string>,
  /** Whether the shard is checked whole after the edit (`wholeShardsAfter`). */
  wholeNow: boolean,
): void {
  const before = previous.model.shards.get(key);
  const after = model.shards.get(key);
  const old = before && cellLayout(before, previous.model, previous.wholeShards.has(key));
  const now = after && cellLayout(after, model, wholeNow);
  if (units === 'all' || !old || !now || !sameCells(old, now) || now.buckets === 0) {
    for (const cell of old?.keys ?? []) dirty.add(cell);
    for (const cell of now?.keys ?? []) dirty.add(cell);
    return;
  }
  dirty.add(cellOfUnit(now, NAMESPACE_UNIT));
  for (const unit of units) dirty.add(cellOfUnit(now, unit));
  for (const cell of old.keys)
    if (previous.shards.get(cell)?.some((finding) => namespaceReaders.has(finding.code))) dirty.add(cell);
}

/** The codes whose findings read their whole namespace: a cell holding one is checked whenever it changes. */
const namespaceReaders = new Set(checks.filter((check) => check.readsNamespace).map((check) => check.code));

/**
 * The files whose findings differ between two lists (the re-checked shards' findings before and
 * after): a re-checked namespace often has findings in many files that the edit left as they were,
 * and a client should not be sent those again.
 */
function filesThatDiffer(before: Finding[], after: Finding[]): Set<string> {
  const old = sortedByFile(before);
  const now = sortedByFile(after);
  const changed = new Set<string>();
  for (const file of new Set([...old.keys(), ...now.keys()]))
    if (!sameShown(old.get(file) ?? [], now.get(file) ?? [])) changed.add(file);
  return changed;
}

/**
 * Whether two files' findings show the same to a client: everything but the fixes (built on request,
 * `Finding.fixes`). Compared field by field: serialising both lists cost 7 % of an edit at 50,000
 * resources.
 */
function sameShown(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((finding, index) => {
    const other = b[index] as Finding;
    return (
      finding.code === other.code &&
      finding.severity === other.severity &&
      finding.message === other.message &&
      sameRange(finding.range, other.range) &&
      finding.related.length === other.related.length &&
      finding.related.every((related, at) => {
        const twin = other.related[at] as Finding['related'][number];
        return (
          related.file === twin.file &&
          related.message === twin.message &&
          sameRange(related.range, twin.range)
        );
      })
    );
  });
}

/** Findings grouped by file, each file's in the CLI's order; `files` start with an empty list. */
function sortedByFile(findings: Iterable<Finding>, files: Iterable<string> = []): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const file of files) byFile.set(file, []);
  for (const finding of findings) {
    const list = byFile.get(finding.file);
    if (list) list.push(finding);
    else byFile.set(finding.file, [finding]);
  }
  for (const list of byFile.values()) list.sort(compareFindings);
  return byFile;
}

function checkCell(
  model: MeshModel,
  cell: string,
  view: Shard,
  options: CheckOptions,
  shards: Map<string, Finding[]>,
  watchedHostnames: Map<string, ReadonlyMap<Check, string[]>>,
): Finding[] {
  const found = runCheckList(view, model, options.onCheckError);
  if (found.length > 0) shards.set(cell, found);
  const watched = new Map<Check, string[]>();
  for (const check of checks) {
    const values = check.beyondShard?.hostnames.watched(view, model) ?? [];
    if (values.length > 0) watched.set(check, values);
  }
  if (watched.size > 0) watchedHostnames.set(cell, watched);
  return found;
}

function affectedBy(byCheck: ReadonlyMap<Check, string[]>, hostnames: readonly string[]): boolean {
  for (const [check, watched] of byCheck) {
    const affects = check.beyondShard?.hostnames.affects;
    if (affects && watched.some((value) => hostnames.some((hostname) => affects(value, hostname))))
      return true;
  }
  return false;
}

function analyseAll(model: MeshModel, options: CheckOptions): Analysis {
  const shards = new Map<string, Finding[]>();
  const watchedHostnames = new Map<string, ReadonlyMap<Check, string[]>>();
  const wholeShards = new Set<string>();
  for (const shard of model.shards.values()) {
    const layout = cellLayout(shard, model);
    const cells = new Set(layout.keys);
    for (const [cell, view] of cellViews(layout, cells))
      checkCell(model, cell, view, options, shards, watchedHostnames);
    if (layout.guarded && meetAcrossCells(layout, cells, shards)) {
      checkWhole(model, layout, options, shards, watchedHostnames);
      wholeShards.add(shard.key);
    }
  }
  return analysisOf(model, shards, watchedHostnames, { wholeShards, busyShards: new Set() }, options);
}

/**
 * Whether a finding of one of `cells` is at the place (code, file, range) of a finding of another
 * cell of the layout: checked whole, the two would be merged into one naming both clusters, or told
 * once (checks/cluster-copies.ts), so the cells' findings are not the shard's. Without such a pair,
 * every group of findings at one place is in one cell, merged there as a whole check merges it.
 */
function meetAcrossCells(
  layout: CellLayout,
  cells: ReadonlySet<string>,
  shards: ReadonlyMap<string, Finding[]>,
): boolean {
  for (const cell of cells)
    for (const finding of shards.get(cell) ?? [])
      for (const other of layout.keys) {
        if (other === cell) continue;
        const list = shards.get(other);
        const inFile = list && byFileOf(list).get(finding.file);
        if (inFile?.some((found) => found.code === finding.code && sameRange(found.range, finding.range)))
          return true;
      }
  return false;
}

/** Checks a split shard whole, in place of its cells (their findings dropped): one cell keyed by the shard's key. */
function checkWhole(
  model: MeshModel,
  layout: CellLayout,
  options: CheckOptions,
  shards: Map<string, Finding[]>,
  watchedHostnames: Map<string, ReadonlyMap<Check, string[]>>,
): Finding[] {
  for (const cell of layout.keys) {
    shards.delete(cell);
    watchedHostnames.delete(cell);
  }
  const { shard } = layout;
  return checkCell(model, shard.key, shard, options, shards, watchedHostnames);
}

function analysisOf(
  model: MeshModel,
  shards: ReadonlyMap<string, Finding[]>,
  watchedHostnames: ReadonlyMap<string, ReadonlyMap<Check, string[]>>,
  { wholeShards, busyShards }: Pick<Analysis, 'wholeShards' | 'busyShards'>,
  options: CheckOptions,
): Analysis {
  let sorted: Finding[] | undefined;
  const analysis: Analysis = {
    model,
    shards,
    watchedHostnames,
    wholeShards,
    busyShards,
    options,
    findings: () => {
      sorted ??= reported(analysis, ([] as Finding[]).concat(...shards.values())).sort(compareFindings);
      return sorted;
    },
  };
  return analysis;
}

/** Findings of the analysis's checks as users see them: the final pass with the analysis's settings. */
export function reported(analysis: Analysis, found: readonly Finding[]): Finding[] {
  return reportedFindings(analysis.model, found, { ...analysis.options, checkByCode });
}

// A shard's findings by file, made once per list: an analysis after an edit shares the lists of
// every shard the edit did not touch, so publishing an edit indexes only the re-checked ones.
const findingsByFile = new WeakMap<Finding[], Map<string, Finding[]>>();

function byFileOf(found: Finding[]): Map<string, Finding[]> {
  let byFile = findingsByFile.get(found);
  if (!byFile) {
    byFile = sortedByFile(found);
    findingsByFile.set(found, byFile);
  }
  return byFile;
}

/** The findings of some files, each file's in the CLI's order. */
export function findingsOfFiles(analysis: Analysis, files: Iterable<string>): Map<string, Finding[]> {
  const wanted = new Set(files);
  const found: Finding[] = [];
  for (const list of analysis.shards.values()) {
    const byFile = byFileOf(list);
    for (const file of wanted) {
      const inFile = byFile.get(file);
      if (inFile) found.push(...inFile);
    }
  }
  return sortedByFile(reported(analysis, found), wanted);
}

const problemCounts = new WeakMap<
  Finding[],
  { severity: CheckOptions['severityOverrides']; count: number }
>();

/** Errors and warnings as reported: what the status bar counts. Counted once per shard's findings and settings. */
export function problemCount(analysis: Analysis): number {
  let total = 0;
  const severity = analysis.options.severityOverrides;
  for (const found of analysis.shards.values()) {
    let counted = problemCounts.get(found);
    if (!counted || counted.severity !== severity) {
      const count = reported(analysis, found).filter(
        (finding) => finding.severity === 'error' || finding.severity === 'warning',
      ).length;
      counted = { severity, count };
      problemCounts.set(found, counted);
    }
    total += counted.count;
  }
  return total;
}

function sameSeverity(a: CheckOptions, b: CheckOptions): boolean {
  return a.severityOverrides === b.severityOverrides;
}

function sameOverrides(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([code, severity]) => b.get(code) === severity);
}

/** The global hostnames that appeared or went away in the changed units (only they can change). */
function hostnameChanges(
  before: MeshModel,
  after: MeshModel,
  changed: ReadonlyMap<string, ReadonlySet<string> | 'all'>,
): string[] {
  const hostnamesIn = (model: MeshModel) => {
    const hostnames = new Set<string>();
    for (const [key, units] of changed) {
      const shard = model.shards.get(key);
      const table = shard && tableOf(shard);
      // A big namespace's table answers by unit, without walking its global services.
      if (table && units !== 'all') {
        for (const unit of units)
          for (const global of table.units.get(unit)?.globalServices.items ?? [])
            hostnames.add(global.hostname);
        continue;
      }
      for (const global of shard?.globalServices ?? [])
        if (units === 'all' || units.has(global.name)) hostnames.add(global.hostname);
    }
    return hostnames;
  };
  const old = hostnamesIn(before);
  const now = hostnamesIn(after);
  return [
    ...[...old].filter((hostname) => !now.has(hostname)),
    ...[...now].filter((hostname) => !old.has(hostname)),
  ];
}

/** What the checks found in one shard (every cell of it), before the final pass. */
export function shardFindings(analysis: Analysis, key: string): Finding[] {
  const shard = analysis.model.shards.get(key);
  if (!shard) return analysis.shards.get(key) ?? [];
  return cellLayout(shard, analysis.model, analysis.wholeShards.has(key)).keys.flatMap(
    (cell) => analysis.shards.get(cell) ?? [],
  );
}
