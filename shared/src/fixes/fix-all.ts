import { type CheckOptions, runChecks } from '../checks/registry';
import { type FileEdit, type Finding, type Fix, severityRank, type TextEdit } from '../findings';
import { compareStrings } from '../findings-order';
import type { MeshModel } from '../model/types';
import { createWorkspace, getModel, setFile, type Workspace } from '../model/workspace';
import { type ParsedFile, parseFile, YAML_SYNTAX } from '../yaml/parse-file';
import { createSourceFile, offsetAt } from '../yaml/source';
import { applyTextEdits, editsOverlap } from './apply-edits';

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

export interface FixAllResult {
  /** Changed and created files, sorted by path. */
  files: FixedFile[];
  /** The workspace after every fix (a new object; the input workspace is left as it was). */
  workspace: Workspace;
  /** The findings of the fixed workspace. */
  remaining: Finding[];
  passes: number;
}

/** Enough for fixes that only become possible after others, without looping forever on fixes that undo each other. */
export const MAX_FIX_PASSES = 10;

interface Span {
  start: number;
  end: number;
}

/** A fix with its edits merged per file and located as offsets into the files' current texts. */
interface Candidate {
  fix: Fix;
  changes: FileEdit[];
  spans: Map<string, Span[]>;
}

/** The fixes one pass applies and the texts they produce together. */
interface Pass {
  chosen: Candidate[];
  texts: Map<string, string>;
}

/**
 * Applies every finding's preferred fix, eslint-style (SPEC §8 `--fix`): each pass takes fixes in
 * priority order and keeps those that touch no text another kept fix touches (a fix is
 * all-or-nothing across its files), applies them, and re-checks; a fix skipped for an overlap is
 * recomputed on the new text in the next pass.
 */
export function fixAll(workspace: Workspace, options: CheckOptions = {}): FixAllResult {
  return applyPreferredFixes(workspace, (model) => runChecks(model, options));
}

/** `fixAll` over any source of findings: the fixing does not depend on which checks exist. */
export function applyPreferredFixes(
  workspace: Workspace,
  findingsOf: (model: MeshModel) => Finding[],
  maxPasses = MAX_FIX_PASSES,
): FixAllResult {
  const work: Workspace = { ...createWorkspace(workspace.topologyPath), files: new Map(workspace.files) };
  const fixed = new Map<string, FixedFile>();
  let findings = findingsOf(getModel(work));
  let passes = 0;
  while (passes < maxPasses) {
    const pass = choosePass(work, preferredFixes(findings));
    if (!applyPass(work, pass, fixed)) break;
    passes++;
    findings = findingsOf(getModel(work));
  }
  const files = [...fixed.values()]
    .filter((file) => file.created || file.after !== file.before)
    .sort((a, b) => compareStrings(a.path, b.path));
  return { files, workspace: work, remaining: findings, passes };
}

/** The preferred fix of each finding, most severe findings first, each distinct fix once. */
function preferredFixes(findings: Finding[]): Fix[] {
  const ordered = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank[b.finding.severity] - severityRank[a.finding.severity] || a.index - b.index);
  const seen = new Set<string>();
  const fixes: Fix[] = [];
  for (const { finding } of ordered) {
    const fix = finding.fixes.find((candidate) => candidate.preferred);
    if (!fix) continue;
    const key = JSON.stringify(fix.changes);
    if (seen.has(key)) continue;
    seen.add(key);
    fixes.push(fix);
  }
  return fixes;
}

/**
 * In priority order, every fix that overlaps none already chosen and leaves each file it touches
 * as parseable as before: a fix that would break the YAML is never written, whatever check made it.
 * The pass is validated as a whole first; fix by fix only when something broke.
 */
function choosePass(work: Workspace, fixes: Fix[]): Pass {
  const pass = selectFixes(work, fixes, false);
  const broken = [...pass.texts].some(([path, text]) => breaksYaml(work, path, text));
  return broken ? selectFixes(work, fixes, true) : pass;
}

function selectFixes(work: Workspace, fixes: Fix[], validateEach: boolean): Pass {
  const pass: Pass = { chosen: [], texts: new Map() };
  const pending = new Map<string, TextEdit[]>();
  for (const fix of fixes) {
    const candidate = toCandidate(work, fix);
    if (!candidate || pass.chosen.some((other) => candidatesOverlap(candidate, other))) continue;
    const texts = new Map<string, string>();
    for (const change of candidate.changes) {
      texts.set(change.file, render(work, change, [...(pending.get(change.file) ?? []), ...change.edits]));
    }
    if (validateEach && [...texts].some(([path, text]) => breaksYaml(work, path, text))) continue;
    pass.chosen.push(candidate);
    for (const change of candidate.changes) {
      pending.set(change.file, [...(pending.get(change.file) ?? []), ...change.edits]);
      pass.texts.set(change.file, texts.get(change.file) ?? '');
    }
  }
  return pass;
}

/** A fix as offsets into the current texts; none when it cannot be applied safely as written. */
function toCandidate(work: Workspace, fix: Fix): Candidate | undefined {
  const changes = mergeChanges(fix.changes);
  const spans = new Map<string, Span[]>();
  for (const change of changes) {
    const existing = work.files.get(change.file);
    // A file to create that exists already would be overwritten; edits to a file we do not have
    // (or only know as skipped content) cannot be positioned.
    if (change.create ? existing !== undefined : existing === undefined || isSkipped(existing.text)) {
      return undefined;
    }
    const source = createSourceFile(change.file, existing?.text ?? '');
    const fileSpans = change.edits.map((edit) => ({
      start: offsetAt(source, edit.range.start),
      end: offsetAt(source, edit.range.end),
    }));
    if (overlapsWithin(fileSpans)) return undefined;
    spans.set(change.file, fileSpans);
  }
  return spans.size > 0 ? { fix, changes, spans } : undefined;
}

/** One change per file, identical edits once: a fix built from several instances may repeat an edit. */
function mergeChanges(changes: FileEdit[]): FileEdit[] {
  const byFile = new Map<string, FileEdit>();
  for (const change of changes) {
    const merged = byFile.get(change.file);
    const edits = [...(merged?.edits ?? []), ...change.edits];
    const keys = edits.map((edit) => JSON.stringify(edit));
    const unique = edits.filter((_, index) => keys.indexOf(keys[index] ?? '') === index);
    const create = merged?.create === true || change.create === true;
    byFile.set(change.file, { file: change.file, ...(create ? { create } : {}), edits: unique });
  }
  return [...byFile.values()];
}

function overlapsWithin(spans: Span[]): boolean {
  return spans.some((span, index) => spans.slice(index + 1).some((other) => editsOverlap(span, other)));
}

function candidatesOverlap(a: Candidate, b: Candidate): boolean {
  for (const [file, spans] of a.spans) {
    const others = b.spans.get(file);
    if (others?.some((other) => spans.some((span) => editsOverlap(span, other)))) return true;
  }
  return false;
}

function render(work: Workspace, change: FileEdit, edits: TextEdit[]): string {
  if (change.create) return applyTextEdits('', edits);
  const before = work.files.get(change.file)?.text ?? '';
  return keepEncoding(before, applyTextEdits(before, edits));
}

function breaksYaml(work: Workspace, path: string, text: string): boolean {
  const before = work.files.get(path)?.facts.parsed;
  return syntaxErrors(parseFile(path, text)) > (before ? syntaxErrors(before) : 0);
}

function syntaxErrors(parsed: ParsedFile): number {
  return parsed.findings.filter((finding) => finding.code === YAML_SYNTAX).length;
}

/** Writes a pass's texts into the workspace; returns whether any text changed. */
function applyPass(work: Workspace, pass: Pass, fixed: Map<string, FixedFile>): boolean {
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
    for (const { fix, spans } of pass.chosen) {
      if (spans.has(path) && !record.fixes.includes(fix.title)) record.fixes.push(fix.title);
    }
    fixed.set(path, record);
  }
  return changed;
}

/**
 * The file's BOM and CRLF line breaks survive whatever the edits wrote: an insertion at the very
 * start lands after the BOM, and a bare `\n` in a CRLF-only file becomes `\r\n`.
 */
export function keepEncoding(before: string, after: string): string {
  let text = after;
  if (before.startsWith('\uFEFF') && !text.startsWith('\uFEFF')) text = `\uFEFF${text.replace('\uFEFF', '')}`;
  if (before.includes('\r\n') && !/(^|[^\r])\n/.test(before)) text = text.replace(/\r?\n/g, '\r\n');
  return text;
}

/** The placeholder text `setSkippedFile` stores: writing an edit of it back would destroy the real file. */
function isSkipped(text: string): boolean {
  return text.startsWith('\u0000skipped:');
}
