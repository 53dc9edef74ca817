import type { CheckOptions } from '../checks/registry';
import { editsOverlap } from '../fixes/apply-edits';
import { fixesForGeneratedOutput } from '../fixes/generated-output';
import type { HelmContext } from '../fixes/helm-values-fix';
import { forkWorkspace, setFile, type Workspace } from '../model/workspace';
import { type Finding, type Fix, type Severity, severityRank } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import { createSourceFile, offsetAt } from '../text/source';
import { type Analysis, analyseWorkspace } from './analyse-workspace';
import {
  type Checker,
  type FixFor,
  type FixVerdict,
  helmContextOf,
  shardChecker,
  verifyFixes,
} from './verify-fix';

/** One file that the fixes changed or created. */
export interface FixedFile {
  path: string;
  /** The text before any fix; empty for a created file. */
  before: string;
  after: string;
  created: boolean;
  /** Titles of the fixes applied to this file, in the order they were applied. */
  fixes: string[];
}

/** A fix `--fix` left alone, and why: it would be unsafe, or it would raise findings of its own. */
export interface FixNotApplied {
  title: string;
  code: string;
  file: string;
  reason: string;
}

export interface FixAllResult {
  /** Changed and created files, sorted by path. */
  files: FixedFile[];
  /** The workspace after every fix (a new object; the input workspace is left as it was). */
  workspace: Workspace;
  /** The findings of the fixed workspace. */
  remaining: Finding[];
  /** Fixes of findings that qualified but were not applied, in the order they were tried. */
  notApplied: FixNotApplied[];
  passes: number;
}

export interface FixAllOptions {
  /** Also apply suggestions: rewrites that change more than the finding (MESH130's split). */
  suggestions?: boolean;
  /** The least severe findings whose fixes are applied: `warning` unless asked (info and hints are advice). */
  minSeverity?: Severity;
  /** Fix only findings in these files (the editor's "fix all in this file"). */
  files?: ReadonlySet<string>;
  maxPasses?: number;
}

/** Enough for fixes that only become possible after others, without looping forever on fixes that undo each other. */
export const MAX_FIX_PASSES = 10;

/**
 * Applies every qualifying finding's preferred fix (SPEC §8 `--fix`), eslint-style: each pass takes
 * fixes in priority order, keeps those that touch no text another kept fix touches (a fix is
 * all-or-nothing across its files), tries them on a copy of the model with the fix oracle
 * (verify-fix.ts), applies those that are safe, resolve their findings and raise nothing new, and
 * re-checks. A fix skipped for an overlap is recomputed on the new text in the next pass; a fix
 * the oracle refuses is reported, never applied, so a run never chases its own consequences.
 */
export function fixAll(
  workspace: Workspace,
  checks: CheckOptions = {},
  options: FixAllOptions = {},
  /** The analysis of the workspace's current model, when the caller has one (the server does). */
  current?: Analysis,
): FixAllResult {
  let analysis = current;
  const checker = shardChecker((current) => {
    analysis = analyseWorkspace(current, analysis, checks).analysis;
    return analysis;
  });
  return applyPreferredFixes(workspace, checker, options);
}

/** `fixAll` over any source of findings: the fixing does not depend on which checks exist. */
export function applyPreferredFixes(
  workspace: Workspace,
  checker: Checker,
  options: FixAllOptions = {},
): FixAllResult {
  const work = forkWorkspace(workspace);
  const fixed = new Map<string, FixedFile>();
  const notApplied = new Map<string, FixNotApplied>();
  let findings = checker.findings(work);
  let passes = 0;
  while (passes < (options.maxPasses ?? MAX_FIX_PASSES)) {
    const candidates = nonOverlapping(work, fixesToApply(findings, options, helmContextOf(work)));
    const applied = safeSubset(work, checker, candidates, notApplied);
    if (!applied || !applyPass(work, applied, fixed)) break;
    passes++;
    findings = checker.findings(work);
  }
  const files = [...fixed.values()]
    .filter((file) => file.created || file.after !== file.before)
    .sort((a, b) => compareStrings(a.path, b.path));
  return { files, workspace: work, remaining: findings, notApplied: [...notApplied.values()], passes };
}

/** The fix to apply for each qualifying finding, most severe findings first, each distinct fix once. */
function fixesToApply(findings: Finding[], options: FixAllOptions, helm: HelmContext): FixFor[] {
  const least = severityRank[options.minSeverity ?? 'warning'];
  const ordered = findings
    .filter((finding) => severityRank[finding.severity] >= least)
    .filter((finding) => !options.files || options.files.has(finding.file))
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank[b.finding.severity] - severityRank[a.finding.severity] || a.index - b.index);
  const byChanges = new Map<string, { fix: Fix; findings: Finding[] }>();
  for (const { finding } of ordered) {
    const fixes = fixesForGeneratedOutput(finding.fixes(), helm);
    const fix =
      fixes.find((candidate) => candidate.preferred) ??
      (options.suggestions ? fixes.find((candidate) => candidate.suggestion) : undefined);
    if (!fix) continue;
    const key = JSON.stringify(fix.changes);
    const entry = byChanges.get(key);
    if (entry) entry.findings.push(finding);
    else byChanges.set(key, { fix, findings: [finding] });
  }
  return [...byChanges.values()];
}

interface Span {
  start: number;
  end: number;
}

/** In priority order, the fixes that touch no text an earlier one touches. */
function nonOverlapping(work: Workspace, fixes: FixFor[]): FixFor[] {
  const taken = new Map<string, Span[]>();
  const chosen: FixFor[] = [];
  for (const candidate of fixes) {
    const spans = spansOf(work, candidate.fix);
    const clashes = [...spans].some(([file, fileSpans]) =>
      (taken.get(file) ?? []).some((other) => fileSpans.some((span) => editsOverlap(span, other))),
    );
    if (clashes) continue;
    chosen.push(candidate);
    for (const [file, fileSpans] of spans) taken.set(file, [...(taken.get(file) ?? []), ...fileSpans]);
  }
  return chosen;
}

/**
 * A fix's edits as offsets per file. Whether its own edits overlap is the oracle's to say (and to
 * report): here they only decide which fixes can share a pass.
 */
function spansOf(work: Workspace, fix: Fix): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  for (const change of fix.changes) {
    const source = createSourceFile(
      change.file,
      change.create ? '' : (work.files.get(change.file)?.text ?? ''),
    );
    const fileSpans = change.edits.map((edit) => ({
      start: offsetAt(source, edit.range.start),
      end: offsetAt(source, edit.range.end),
    }));
    spans.set(change.file, [...(spans.get(change.file) ?? []), ...fileSpans]);
  }
  return spans;
}

/**
 * The fixes of a pass that the oracle accepts together. Tried as a whole first; when that fails,
 * one by one, and the accepted ones together again (two safe fixes can still clash in meaning);
 * if they still fail together, the first alone. Refused fixes are recorded with the reason.
 */
function safeSubset(
  work: Workspace,
  checker: Checker,
  candidates: FixFor[],
  notApplied: Map<string, FixNotApplied>,
): { fixes: FixFor[]; texts: Map<string, string> } | undefined {
  if (candidates.length === 0) return undefined;
  const together = verifyFixes(work, checker, candidates);
  if (accepted(together)) return { fixes: candidates, texts: together.texts };
  const good: { candidate: FixFor; verdict: FixVerdict }[] = [];
  for (const candidate of candidates) {
    const verdict = verifyFixes(work, checker, [candidate]);
    if (accepted(verdict)) good.push({ candidate, verdict });
    else record(notApplied, candidate, verdict);
  }
  const [first] = good;
  if (!first) return undefined;
  if (good.length === 1) return { fixes: [first.candidate], texts: first.verdict.texts };
  const chosen = good.map((entry) => entry.candidate);
  const again = verifyFixes(work, checker, chosen);
  return accepted(again)
    ? { fixes: chosen, texts: again.texts }
    : { fixes: [first.candidate], texts: first.verdict.texts };
}

function accepted(verdict: FixVerdict): boolean {
  return verdict.unsafe.length === 0 && verdict.raises.length === 0;
}

function record(notApplied: Map<string, FixNotApplied>, candidate: FixFor, verdict: FixVerdict): void {
  const [finding] = candidate.findings;
  if (!finding) return;
  const reason =
    verdict.unsafe.length > 0
      ? `unsafe: ${verdict.unsafe.join('; ')}`
      : `it would raise ${describeRaised(verdict.raises)}`;
  const key = `${candidate.fix.title}\u0000${finding.file}`;
  if (!notApplied.has(key))
    notApplied.set(key, { title: candidate.fix.title, code: finding.code, file: finding.file, reason });
}

/** "MESH102 in clusters/c3/svc.yaml:7" for each raised finding, at most three named. */
export function describeRaised(raised: readonly Finding[]): string {
  const named = raised
    .slice(0, 3)
    .map((finding) => `${finding.code} in ${finding.file}:${finding.range.start.line + 1}`);
  const more = raised.length > 3 ? ` and ${raised.length - 3} more` : '';
  return `${named.join(', ')}${more}`;
}

/** Writes a pass's texts into the workspace; returns whether any text changed. */
function applyPass(
  work: Workspace,
  pass: { fixes: FixFor[]; texts: Map<string, string> },
  fixed: Map<string, FixedFile>,
): boolean {
  let changed = false;
  for (const [path, after] of pass.texts) {
    const existing = work.files.get(path);
    if (!setFile(work, path, after)) continue;
    changed = true;
    const record = fixed.get(path) ?? {
      path,
      before: existing?.text ?? '',
      after,
      created: !existing,
      fixes: [],
    };
    record.after = after;
    for (const { fix } of pass.fixes)
      if (fix.changes.some((change) => change.file === path) && !record.fixes.includes(fix.title))
        record.fixes.push(fix.title);
    fixed.set(path, record);
  }
  return changed;
}
