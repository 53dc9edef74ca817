import { checkByCode, runCheckList, runChecks } from '../checks/registry';
import { reportedFindings } from '../checks/reported';
import { applyTextEdits, editsOverlap } from '../fixes/apply-edits';
import { type Span, textProblems } from '../fixes/fix-oracle';
import { fixesForGeneratedOutput } from '../fixes/generated-output';
import type { HelmContext } from '../fixes/helm-values-fix';
import { keepEncoding, writtenLike } from '../fixes/keep-encoding';
import type { MeshModel } from '../model/types';
import {
  fileText,
  getModel,
  isSkippedText,
  modelWith,
  type TrialModel,
  type Workspace,
} from '../model/workspace';
import { type FileEdit, type Finding, type Fix, severityRank, type TextEdit } from '../text/findings';
import { createSourceFile, offsetAt, type SourceFile } from '../text/source';
import { type Analysis, reported, shardFindings } from './analyse-workspace';
import { withCurrentFixes } from './current-fixes';

// The fix oracle (docs/reliability.md), used alike by the editor's code actions, the CLI's --fix
// and the fuzzer. A fix is tried on a copy of the model before anyone sees it:
// - it must be safe as text (fixes/fix-oracle.ts): the YAML parses, no duplicate key, bytes outside
//   the edits identical, nothing outside the edited nodes changes meaning, no comment lost;
// - it must resolve the findings it is for;
// - it must raise nothing new. A fix that does is still offered in the editor, titled with what it
//   raises, but it is not preferred and `--fix` does not apply it: a fixer that chases its own
//   consequences ends up rewriting instances that were right (issue: MESH111 → MESH102 → every
//   cluster's scope rewritten).

export interface FixVerdict {
  /** Why the fix must not be offered at all; empty when it is safe. */
  unsafe: string[];
  /** Findings the fix would raise that were not there before. */
  raises: Finding[];
  /** The texts of every file the fix changes or creates, as they would be written. */
  texts: Map<string, string>;
}

/** Findings of one part of the model (a shard, or all of it) before and after a trial. */
export interface ComparedPart {
  before: Finding[];
  after: Finding[];
}

/**
 * Where the oracle gets findings: before a trial, and for the parts of a trial model that may
 * differ. The editor and the CLI check shard by shard; tests may give any function of a model.
 */
export interface Checker {
  /** The findings of the workspace's current model. */
  findings(workspace: Workspace): Finding[];
  /** The findings of each part that may differ between the current model and a trial one. */
  compare(workspace: Workspace, trial: TrialModel): ComparedPart[];
}

/**
 * Checks through the incremental analysis: a trial re-checks only the shards its edits touch.
 * `analysisOf` gives the analysis of the workspace's current model (the server keeps one; the CLI
 * updates one as fixes land).
 */
export function shardChecker(analysisOf: (workspace: Workspace) => Analysis): Checker {
  return {
    findings: (workspace) => {
      const analysis = analysisOf(workspace);
      return withCurrentFixes(analysis, analysis.findings());
    },
    compare: (workspace, trial) => {
      const analysis = analysisOf(workspace);
      if (trial.dirty === 'all')
        return [{ before: analysis.findings(), after: runChecks(trial.model, analysis.options) }];
      return [...trial.dirty].map((key) => {
        const shard = trial.model.shards.get(key);
        const found = shard ? runCheckList(shard, trial.model, analysis.options.onCheckError) : [];
        return {
          before: reported(analysis, shardFindings(analysis, key)),
          after: reportedFindings(trial.model, found, { ...analysis.options, checkByCode }),
        };
      });
    },
  };
}

/** Checks with any function of a whole model (every trial re-checks everything). */
export function modelChecker(findingsOf: (model: MeshModel) => Finding[]): Checker {
  return {
    findings: (workspace) => findingsOf(getModel(workspace)),
    compare: (workspace, trial) => [
      { before: findingsOf(getModel(workspace)), after: findingsOf(trial.model) },
    ],
  };
}

/** A fix and the findings it is meant to resolve. */
export interface FixFor {
  fix: Fix;
  findings: readonly Finding[];
}

/** Tries fixes together (the edits of one file merged) on a copy of the workspace's model. */
export function verifyFixes(workspace: Workspace, checker: Checker, fixes: readonly FixFor[]): FixVerdict {
  const unsafe: string[] = [];
  const edited = editedFiles(
    workspace,
    fixes.flatMap(({ fix }) => fix.changes),
    unsafe,
  );
  const texts = new Map([...edited].map(([path, file]) => [path, file.after]));
  if (unsafe.length > 0) return { unsafe, raises: [], texts };
  for (const file of edited.values())
    unsafe.push(
      ...textProblems({ path: file.path, before: file.before, after: file.after, spans: file.spans }),
    );
  if (unsafe.length > 0) return { unsafe, raises: [], texts };

  const parts = checker.compare(workspace, modelWith(workspace, texts));
  const before = parts.flatMap((part) => part.before);
  const after = parts.flatMap((part) => part.after);
  const keyOf = findingKeys(edited);
  const left = counted(before.map((finding) => keyOf(finding, 'before')));
  for (const { findings } of fixes)
    for (const finding of findings) {
      const key = keyOf(finding, 'before');
      // A finding outside the re-checked shards cannot be touched by the edits.
      left.set(key, left.has(key) ? (left.get(key) ?? 0) - 1 : Number.NEGATIVE_INFINITY);
    }
  const remaining = counted(after.map((finding) => keyOf(finding, 'after')));
  for (const { fix, findings } of fixes)
    for (const finding of findings) {
      const key = keyOf(finding, 'before');
      const allowed = left.get(key) ?? 0;
      if (allowed === Number.NEGATIVE_INFINITY || (remaining.get(key) ?? 0) > Math.max(0, allowed))
        unsafe.push(`"${fix.title}" does not resolve ${finding.code} in ${finding.file}`);
    }
  const raises = parts.flatMap((part) => raisedIn(part, keyOf, edited));
  return { unsafe: [...new Set(unsafe)], raises, texts };
}

/** What the generated-output rule of fixes reads of a workspace (fixes/generated-output.ts). */
export function helmContextOf(workspace: Workspace): HelmContext {
  return {
    textOf: (file) => fileText(workspace, file),
    paths: () => workspace.files.keys(),
    clustersOf: (file) => [
      ...new Set(
        getModel(workspace)
          .files.get(file)
          ?.placements.map((placement) => placement.cluster) ?? [],
      ),
    ],
  };
}

/**
 * A finding's fixes as the editor may offer them: a fix the oracle finds unsafe is dropped; one
 * that would raise findings of its own is kept, not preferred, and its title says what it raises.
 */
export function offeredFixes(workspace: Workspace, checker: Checker, finding: Finding): Fix[] {
  const offered: Fix[] = [];
  for (const fix of fixesForGeneratedOutput(finding.fixes(), helmContextOf(workspace))) {
    const verdict = verifyFixes(workspace, checker, [{ fix, findings: [finding] }]);
    if (verdict.unsafe.length > 0) continue;
    if (verdict.raises.length === 0) offered.push(fix);
    else
      offered.push({
        ...fix,
        preferred: false,
        title: `${fix.title} (raises ${raisedCodes(verdict.raises)})`,
      });
  }
  return offered;
}

function raisedCodes(raised: readonly Finding[]): string {
  return [...new Set(raised.map((finding) => finding.code))].join(', ');
}

/**
 * The findings of a part that the edits raise. A finding at a place where the same finding stood
 * before is not new. Nor is one whose problem the part already had, seen from the files the fix
 * edits or from files that already showed it: exporting one more instance of a service with no
 * endpoints shows that service's MESH170 on the new instance too. Anything else is new: a code the
 * part did not have (MESH111's fix raising MESH102), or a known code on an instance the fix was
 * not about. Infos and hints are advice, as they are to `--fix`: they never make a fix unsafe to
 * prefer (labeling a sibling with no pods in its cluster adds MESH170's info about that cluster).
 */
function raisedIn(part: ComparedPart, keyOf: FindingKey, edited: ReadonlyMap<string, EditedFile>): Finding[] {
  const existing = counted(part.before.map((finding) => keyOf(finding, 'before')));
  const shown = new Set(part.before.map((finding) => `${finding.code}\u0000${finding.file}`));
  const codes = new Set(part.before.map((finding) => finding.code));
  return part.after.filter((finding) => {
    if (severityRank[finding.severity] < severityRank.warning) return false;
    const key = keyOf(finding, 'after');
    const count = existing.get(key) ?? 0;
    existing.set(key, count - 1);
    if (count > 0) return false;
    const sameProblem =
      codes.has(finding.code) &&
      (edited.has(finding.file) || shown.has(`${finding.code}\u0000${finding.file}`));
    return !sameProblem;
  });
}

type FindingKey = (finding: Finding, side: 'before' | 'after') => string;

/** One file as the fixes leave it. */
interface EditedFile {
  path: string;
  before: string | undefined;
  after: string;
  spans: Span[];
  beforeSource?: SourceFile;
  afterSource: SourceFile;
}

/** The fixes' edits merged per file, as offsets and as the texts they produce. */
function editedFiles(workspace: Workspace, changes: FileEdit[], unsafe: string[]): Map<string, EditedFile> {
  const byFile = new Map<string, FileEdit>();
  for (const change of changes) {
    const merged = byFile.get(change.file);
    byFile.set(change.file, {
      file: change.file,
      ...(merged?.create || change.create ? { create: true } : {}),
      edits: distinct([...(merged?.edits ?? []), ...change.edits]),
    });
  }
  const files = new Map<string, EditedFile>();
  for (const change of byFile.values()) {
    const existing = workspace.files.get(change.file);
    if (change.create ? existing !== undefined : existing === undefined || isSkippedText(existing.text)) {
      unsafe.push(
        change.create ? `${change.file} exists already` : `${change.file} is not a file Mesh Lens has read`,
      );
      continue;
    }
    const before = change.create ? undefined : existing?.text;
    const beforeSource = createSourceFile(change.file, before ?? '');
    const spans = change.edits
      .map((edit) => ({
        start: offsetAt(beforeSource, edit.range.start),
        end: offsetAt(beforeSource, edit.range.end),
        newText: edit.newText,
      }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    if (spans.some((span, index) => index > 0 && editsOverlap(spans[index - 1] as Span, span))) {
      unsafe.push(`the edits of ${change.file} overlap`);
      continue;
    }
    const after =
      before === undefined
        ? applyTextEdits('', change.edits)
        : keepEncoding(before, applyTextEdits(before, change.edits));
    files.set(change.file, {
      path: change.file,
      before,
      after,
      spans,
      ...(before === undefined ? {} : { beforeSource }),
      afterSource: createSourceFile(change.file, after),
    });
  }
  return files;
}

/** Identical edits once: a fix built from several instances (or fixes sharing a pass) may repeat one. */
function distinct(edits: TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((edit) => {
    const key = JSON.stringify([edit.range.start, edit.range.end, edit.newText]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A finding's identity across an edit: its code, its file and where it starts, as an offset into
 * the text before the edit. A start inside an edit counts as the edit's start, so a finding on a
 * value the fix rewrote is the same finding before and after.
 */
function findingKeys(edited: ReadonlyMap<string, EditedFile>): FindingKey {
  return (finding: Finding, side: 'before' | 'after'): string => {
    const file = edited.get(finding.file);
    let at = `${finding.range.start.line}:${finding.range.start.character}`;
    if (file) {
      const source = side === 'before' ? file.beforeSource : file.afterSource;
      const offset = source ? offsetAt(source, finding.range.start) : 0;
      at = String(side === 'before' ? beforeOffset(file.spans, offset) : offsetBeforeEdits(file, offset));
    }
    return `${finding.code}\u0000${finding.file}\u0000${at}`;
  };
}

function beforeOffset(spans: readonly Span[], offset: number): number {
  const inside = spans.find((span) => offset >= span.start && offset < span.end);
  return inside ? inside.start : offset;
}

/** Where an offset of the text after the edits stood before them (inside new text: the edit's start). */
function offsetBeforeEdits(file: EditedFile, offset: number): number {
  if (file.before === undefined) return 0;
  let shift = 0;
  for (const span of file.spans) {
    const from = span.start + shift;
    const written = writtenLength(file, span);
    if (offset < from) break;
    if (offset < from + written) return span.start;
    shift += written - (span.end - span.start);
  }
  return offset - shift;
}

function writtenLength(file: EditedFile, span: Span): number {
  return writtenLike(file.before ?? '')(span.newText).length;
}

function counted(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
