import type { Check } from '../checks/check';
import { type CheckOptions, checkByCode, checks, runCheckList } from '../checks/registry';
import { reportedFindings } from '../checks/reported';
import type { MeshModel, Shard } from '../model/types';
import { changedShardsSince, getModel, type Workspace } from '../model/workspace';
import type { Finding } from '../text/findings';
import { compareFindings } from '../text/findings-order';

/** The findings of a workspace's model, kept per shard so that an edit re-checks only its shards. */
export interface Analysis {
  model: MeshModel;
  /**
   * Every finding as users see it (the final pass of checks/reported.ts applied), in the CLI's order:
   * sorted into one list on the first call (publishing an edit reads only its files', `findingsOfFiles`).
   */
  findings: () => Finding[];
  /**
   * What the checks found in each shard (model/shards.ts), by the shard's key, before the final
   * pass: each check's own severity, suppressed findings included. Read them through `findings`,
   * `findingsOfFiles` or `reported`.
   */
  shards: ReadonlyMap<string, Finding[]>;
  /**
   * Per shard, per check that reads every hostname (`Check.beyondShard.hostnames`), what it
   * watched there: the shard is checked again when a hostname that affects one of them comes or goes.
   */
  watchedHostnames: ReadonlyMap<string, ReadonlyMap<Check, string[]>>;
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
 * checks only on the shards that changed since `previous` (same options) was made. An edit of one
 * Service re-checks its namespace in every cluster and the routes into it, not the workspace.
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
      analysis: analysisOf(model, previous.shards, previous.watchedHostnames, options),
      changedFiles: 'all',
    };
  }
  const changed = comparable ? changedShardsSince(workspace, previous.model) : 'all';
  if (changed === 'all' || !previous) return { analysis: analyseAll(model, options), changedFiles: 'all' };

  const dirty = new Set(changed);
  // A check that reads every hostname (its beyondShard declaration) can change its findings in a
  // shard the edit did not touch when a hostname appears or goes away anywhere.
  const changedHostnames = hostnameChanges(previous.model, model, dirty);
  if (changedHostnames.length > 0)
    for (const [shard, byCheck] of previous.watchedHostnames)
      if (affectedBy(byCheck, changedHostnames)) dirty.add(shard);

  const shards = new Map(previous.shards);
  const watchedHostnames = new Map(previous.watchedHostnames);
  const before: Finding[] = [];
  const after: Finding[] = [];
  for (const shard of dirty) {
    before.push(...(shards.get(shard) ?? []));
    shards.delete(shard);
    watchedHostnames.delete(shard);
  }
  for (const key of dirty) {
    const shard = model.shards.get(key);
    if (shard) after.push(...checkShard(model, shard, options, shards, watchedHostnames));
  }
  const changedFiles = sameSeverity(previous.options, options) ? filesThatDiffer(before, after) : 'all';
  return { analysis: analysisOf(model, shards, watchedHostnames, options), changedFiles };
}

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
    if (shownText(old.get(file)) !== shownText(now.get(file))) changed.add(file);
  return changed;
}

/** What a client is shown of findings: everything but the fixes (built on request, `Finding.fixes`). */
function shownText(findings: Finding[] | undefined): string {
  return JSON.stringify(
    (findings ?? []).map(({ code, severity, range, message, related }) => [
      code,
      severity,
      range,
      message,
      related,
    ]),
  );
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

function checkShard(
  model: MeshModel,
  shard: Shard,
  options: CheckOptions,
  shards: Map<string, Finding[]>,
  watchedHostnames: Map<string, ReadonlyMap<Check, string[]>>,
): Finding[] {
  const found = runCheckList(shard, model, options.onCheckError);
  if (found.length > 0) shards.set(shard.key, found);
  const watched = new Map<Check, string[]>();
  for (const check of checks) {
    const values = check.beyondShard?.hostnames.watched(shard, model) ?? [];
    if (values.length > 0) watched.set(check, values);
  }
  if (watched.size > 0) watchedHostnames.set(shard.key, watched);
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
  for (const shard of model.shards.values()) checkShard(model, shard, options, shards, watchedHostnames);
  return analysisOf(model, shards, watchedHostnames, options);
}

function analysisOf(
  model: MeshModel,
  shards: ReadonlyMap<string, Finding[]>,
  watchedHostnames: ReadonlyMap<string, ReadonlyMap<Check, string[]>>,
  options: CheckOptions,
): Analysis {
  let sorted: Finding[] | undefined;
  const analysis: Analysis = {
    model,
    shards,
    watchedHostnames,
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

/** The global hostnames that appeared or went away in the dirty shards (only they can change). */
function hostnameChanges(before: MeshModel, after: MeshModel, dirty: ReadonlySet<string>): string[] {
  const hostnamesIn = (model: MeshModel) =>
    new Set(
      [...dirty].flatMap((shard) =>
        (model.shards.get(shard)?.globalServices ?? []).map((global) => global.hostname),
      ),
    );
  const old = hostnamesIn(before);
  const now = hostnamesIn(after);
  return [
    ...[...old].filter((hostname) => !now.has(hostname)),
    ...[...now].filter((hostname) => !old.has(hostname)),
  ];
}
