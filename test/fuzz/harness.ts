import assert from 'node:assert/strict';
import { Lexer, parseAllDocuments } from 'yaml';
import {
  analyseWorkspace,
  createWorkspace,
  type Finding,
  type Fix,
  getModel,
  type MeshModel,
  type Position,
  type Range,
  reachFrom,
  runChecks,
  setFile,
  setSkippedFile,
  type Workspace,
} from '../../shared/src';
import { fixAll } from '../../shared/src/analysis/fix-all';
import { offeredFixes, shardChecker } from '../../shared/src/analysis/verify-fix';
import { codeLenses } from '../../shared/src/features/code-lens';
import { completionsAt } from '../../shared/src/features/completion';
import { globalServiceRows } from '../../shared/src/features/global-services';
import { hoverAt } from '../../shared/src/features/hover';
import { definitionAt, referencesAt } from '../../shared/src/features/navigation';
import { documentSymbols, workspaceSymbols } from '../../shared/src/features/symbols';
import { applyTextEdits, editsOverlap } from '../../shared/src/fixes/apply-edits';
import { createSourceFile, lineStarts, offsetAt } from '../../shared/src/text/source';

// The fuzzing oracle: feeds a workspace through every layer of the core (parse, model, checks,
// every feature, every fix, fix-all) and asserts what must hold for ANY input: nothing throws,
// every range points inside its document, and fixes change only what they target. It returns a
// plain snapshot so callers can assert determinism (the same texts give a deep-equal snapshot).

/** A fuzzed workspace: texts by path, plus files the adapters would skip (binary, too large, …). */
export interface FuzzInput {
  files: Map<string, string>;
  skipped?: Map<string, string>;
  topologyPath?: string;
}

export interface FuzzOptions {
  /** Hover at every position of every file (else only at the sample positions). */
  hoverEverywhere: boolean;
  /** Apply every offered fix, check it and re-check the result. */
  fixes: boolean;
}

export const FULL: FuzzOptions = { hoverEverywhere: true, fixes: true };

/** How much one analysis exercised, summed by the callers for docs/reliability.md. */
export interface FuzzCounts {
  workspaces: number;
  findings: number;
  hovers: number;
  completions: number;
  lenses: number;
  fixes: number;
}

export const counts: FuzzCounts = {
  workspaces: 0,
  findings: 0,
  hovers: 0,
  completions: 0,
  lenses: 0,
  fixes: 0,
};

export function workspaceOf(input: FuzzInput): Workspace {
  const workspace = createWorkspace(input.topologyPath);
  for (const [path, text] of input.files) setFile(workspace, path, text);
  for (const [path, reason] of input.skipped ?? []) setSkippedFile(workspace, path, reason);
  return workspace;
}

function throwCheckError(check: { code: string }, error: unknown): never {
  throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
}

/** Runs every check; a check that throws is a bug the fuzzer must report, not skip. */
export function checksOf(model: MeshModel): Finding[] {
  return runChecks(model, { onCheckError: throwCheckError });
}

/** Line lengths as LSP counts them: `\n`, `\r\n` and a lone `\r` end a line and are not part of it. */
export function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.length);
}

/** Each file's line lengths, computed once per analysis. */
export type Lines = ReadonlyMap<string, number[]>;

export function linesOf(texts: ReadonlyMap<string, string>): Lines {
  return new Map([...texts].map(([path, text]) => [path, lineLengths(text)]));
}

export function assertInside(lines: Lines, file: string, range: Range, what: string): void {
  const lengths = lines.get(file);
  assert.ok(lengths !== undefined, `${what} points into ${file}, which is not in the workspace`);
  for (const position of [range.start, range.end]) {
    const inside =
      Number.isInteger(position.line) &&
      Number.isInteger(position.character) &&
      position.line >= 0 &&
      position.character >= 0 &&
      position.line < lengths.length &&
      position.character <= (lengths[position.line] ?? 0);
    assert.ok(inside, `${what} in ${file} is outside the document: ${JSON.stringify(range)}`);
  }
  assert.ok(
    range.start.line < range.end.line ||
      (range.start.line === range.end.line && range.start.character <= range.end.character),
    `${what} in ${file} ends before it starts: ${JSON.stringify(range)}`,
  );
}

/** Positions to probe: every position of the text (`everywhere`) or a sample; plus out-of-range ones. */
export function probePositions(text: string, everywhere: boolean): Position[] {
  const lengths = lineLengths(text);
  const positions: Position[] = [];
  lengths.forEach((length, line) => {
    if (everywhere) {
      for (let character = 0; character <= length; character++) positions.push({ line, character });
      return;
    }
    const characters = new Set([0, length, Math.floor(length / 2)]);
    const lineText = text.split(/\r\n|\r|\n/)[line] ?? '';
    for (const match of lineText.matchAll(/[:\-.] ?/g)) characters.add(match.index + match[0].length);
    for (const character of characters) if (character <= length) positions.push({ line, character });
  });
  positions.push(
    { line: lengths.length, character: 0 },
    { line: lengths.length + 100, character: 5 },
    { line: 0, character: 1_000_000 },
    { line: -1, character: -1 },
  );
  return positions;
}

export interface Snapshot {
  findings: Finding[];
  files: Record<string, unknown>;
  global: unknown;
  fixAll: unknown;
}

/**
 * Everything the core answers about the workspace, checked on the way. Throws on any violation.
 * `workspace` defaults to a fresh one; pass one already holding the texts to test its caches.
 */
export function analyse(
  input: FuzzInput,
  options: FuzzOptions = FULL,
  workspace = workspaceOf(input),
): Snapshot {
  counts.workspaces++;
  const texts = textsOf(workspace, input);
  const lines = linesOf(texts);
  const model = getModel(workspace);
  const findings = checksOf(model);
  counts.findings += findings.length;
  for (const finding of findings) assertFinding(lines, finding);
  assertNoDuplicates(findings);
  const files: Record<string, unknown> = {};
  for (const [path, text] of input.files) files[path] = fileFeatures(model, lines, path, text, options);
  const global = {
    rows: globalServiceRows(model),
    symbols: workspaceSymbols(model, ''),
    reach: [...model.globalServices.keys()]
      .sort()
      .flatMap((hostname) =>
        [...model.topology.clusters.keys()].map((cluster) => reachFrom(model, hostname, cluster).explanation),
      ),
  };
  for (const row of global.rows)
    for (const cluster of row.clusters) assertInside(lines, cluster.file, cluster.range, 'a hosts row');
  for (const symbol of global.symbols)
    assertInside(lines, symbol.location.file, symbol.location.range, 'a symbol');
  if (options.fixes) {
    const broken = syntaxErrorsByFile(findings);
    // The fixes the editor would offer: every one the oracle lets through must also keep the
    // contract as `checkFix` checks it, independently of the oracle's own code.
    const analysis = analyseWorkspace(workspace, undefined, { onCheckError: throwCheckError }).analysis;
    const checker = shardChecker(() => analysis);
    for (const finding of analysis.findings())
      for (const fix of offeredFixes(workspace, checker, finding))
        checkFix(workspace, input, texts, broken, finding, fix);
  }
  return {
    findings: plain(findings),
    files,
    global: plain(global),
    fixAll: fixAllOf(workspace),
  };
}

/** The texts positions refer to: a skipped file is an empty document (its finding sits at 0:0). */
function textsOf(workspace: Workspace, input: FuzzInput): Map<string, string> {
  const texts = new Map<string, string>();
  for (const path of workspace.files.keys()) texts.set(path, input.files.get(path) ?? '');
  return texts;
}

function assertFinding(lines: Lines, finding: Finding): void {
  assertInside(lines, finding.file, finding.range, `${finding.code} finding`);
  for (const related of finding.related)
    assertInside(lines, related.file, related.range, `${finding.code} related`);
  assert.match(finding.code, /^MESH\d{3}$/);
  assert.ok(finding.message.length > 0, `${finding.code} has an empty message`);
}

/** The same finding twice (code, place and message) is noise; YAML errors may repeat, as yaml reports them. */
function assertNoDuplicates(findings: Finding[]): void {
  const seen = new Set<string>();
  for (const finding of findings) {
    if (finding.code === 'MESH190') continue;
    const key = JSON.stringify([finding.code, finding.file, finding.range, finding.message]);
    assert.ok(!seen.has(key), `reported twice: ${key}`);
    seen.add(key);
  }
}

function fileFeatures(
  model: MeshModel,
  lines: Lines,
  path: string,
  text: string,
  options: FuzzOptions,
): unknown {
  const hovers: unknown[] = [];
  for (const position of probePositions(text, options.hoverEverywhere)) {
    const hover = hoverAt(model, path, position, (file, range) => `${file}#${range.start.line}`);
    counts.hovers++;
    if (!hover) continue;
    assertInside(lines, path, hover.range, 'a hover');
    const { start, end } = hover.range;
    hovers.push(
      `${position.line}:${position.character} ${start.line}:${start.character}-${end.line}:${end.character} ${hover.markdown}`,
    );
  }
  const sample = probePositions(text, false);
  const completions = sample.map((position) => {
    const items = completionsAt(model, path, text, position);
    counts.completions++;
    for (const item of items) assertInside(lines, path, item.range, 'a completion');
    return items;
  });
  const navigation = sample.map((position) => {
    const locations = [...definitionAt(model, path, position), ...referencesAt(model, path, position, true)];
    for (const location of locations) assertInside(lines, location.file, location.range, 'a location');
    return locations;
  });
  const lenses = codeLenses(model, path);
  counts.lenses += lenses.length;
  for (const lens of lenses) {
    assertInside(lines, path, lens.range, 'a code lens');
    for (const location of lens.locations)
      assertInside(lines, location.file, location.range, 'a lens location');
  }
  const symbols = documentSymbols(model, path);
  for (const symbol of symbols) {
    assertInside(lines, path, symbol.range, 'a document symbol');
    assertInside(lines, path, symbol.selectionRange, 'a symbol selection');
  }
  return { hovers, ...plain({ completions, navigation, lenses, symbols }) };
}

function fixAllOf(workspace: Workspace): unknown {
  const result = fixAll(workspace, {
    onCheckError: (check, error) => {
      throw new Error(`check ${check.code} threw during fix-all: ${(error as Error)?.stack ?? error}`);
    },
  });
  return result.files.map((file) => [file.path, file.after, file.fixes]);
}

/** JSON round trip: drops undefined members so snapshots compare as data. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

interface Span {
  start: number;
  end: number;
  newText: string;
}

/**
 * The fix contract: it names only files that exist (or creates new ones), its edits lie inside
 * their documents and do not overlap, every comment survives, every document it does not edit is
 * byte-identical and still a document of its own, and it breaks no YAML.
 */
export function checkFix(
  workspace: Workspace,
  input: FuzzInput,
  texts: ReadonlyMap<string, string>,
  syntaxErrors: ReadonlyMap<string, number>,
  finding: Finding,
  fix: Fix,
): void {
  counts.fixes++;
  const what = `${finding.code} fix "${fix.title}"`;
  assert.ok(
    fix.changes.some((change) => change.edits.length > 0),
    `${what} changes nothing: a fix that does nothing must not be offered`,
  );
  const after = new Map(input.files);
  const edited = new Map<string, Span[]>();
  for (const change of fix.changes) {
    if (change.create) {
      assert.ok(!texts.has(change.file), `${what} creates ${change.file}, which exists`);
      assert.ok(
        !change.file.startsWith('/') && !change.file.split('/').includes('..'),
        `${what} creates ${change.file}, outside the workspace`,
      );
    } else {
      assert.ok(input.files.has(change.file), `${what} edits ${change.file}, which is not a readable file`);
    }
    const before = change.create ? '' : (input.files.get(change.file) ?? '');
    const beforeLines = new Map([[change.file, lineLengths(before)]]);
    for (const edit of change.edits) assertInside(beforeLines, change.file, edit.range, `${what} edit`);
    const source = createSourceFile(change.file, before);
    const spans = [
      ...(edited.get(change.file) ?? []),
      ...change.edits.map((edit) => ({
        start: offsetAt(source, edit.range.start),
        end: offsetAt(source, edit.range.end),
        newText: edit.newText,
      })),
    ];
    const distinct = spans.filter(
      (span, index) =>
        spans.findIndex(
          (other) => other.start === span.start && other.end === span.end && other.newText === span.newText,
        ) === index,
    );
    distinct.forEach((span, index) => {
      for (const other of distinct.slice(index + 1)) {
        assert.ok(!editsOverlap(span, other), `${what} has overlapping edits in ${change.file}`);
      }
    });
    edited.set(change.file, distinct);
  }
  for (const [file, spans] of edited) {
    const before = input.files.get(file) ?? '';
    const text = applyTextEdits(before, spans.map(toTextEdit(before)));
    after.set(file, text);
    if (!texts.has(file)) continue;
    assertCommentsKept(before, text, finding, `${what} in ${file}`);
    assertOtherDocumentsKept(before, text, spans, `${what} in ${file}`);
  }
  for (const [file, text] of input.files) {
    if (!edited.has(file))
      assert.equal(after.get(file), text, `${what} changed ${file}, which it does not name`);
  }
  // The fixed workspace reuses the unchanged files' parses, as the server's fix-all does.
  const fixedWorkspace: Workspace = { ...workspace, files: new Map(workspace.files), model: undefined };
  for (const file of edited.keys()) setFile(fixedWorkspace, file, after.get(file) ?? '');
  const fixedFindings = checksOf(getModel(fixedWorkspace));
  const fixedLines = linesOf(new Map([...textsOf(fixedWorkspace, { files: after })]));
  for (const other of fixedFindings) assertFinding(fixedLines, other);
  const fixed = syntaxErrorsByFile(fixedFindings);
  for (const file of edited.keys()) {
    const more = (fixed.get(file) ?? 0) > (syntaxErrors.get(file) ?? 0);
    assert.ok(!more, `${what} broke the YAML of ${file}:\n${after.get(file)}`);
  }
}

function syntaxErrorsByFile(findings: Finding[]): Map<string, number> {
  const byFile = new Map<string, number>();
  for (const finding of findings) {
    if (finding.code === 'MESH190') byFile.set(finding.file, (byFile.get(finding.file) ?? 0) + 1);
  }
  return byFile;
}

function toTextEdit(text: string) {
  const source = createSourceFile('', text);
  const positionOf = (offset: number): Position => {
    const starts = lineStarts(source);
    let line = 0;
    while (line + 1 < starts.length && (starts[line + 1] ?? 0) <= offset) line++;
    return { line, character: offset - (starts[line] ?? 0) };
  };
  return (span: Span) => ({
    range: { start: positionOf(span.start), end: positionOf(span.end) },
    newText: span.newText,
  });
}

/** The comments of a YAML text as the YAML lexer sees them (a `#` inside quotes is not one). */
export function yamlComments(text: string): string[] {
  return [...new Lexer().lex(text)].filter((token) => token.startsWith('#')).map((token) => token.trimEnd());
}

// SPEC decisions (docs/decisions.md): copying the majority's ports replaces the whole list (MESH103),
// and the subset split replaces a rule that held nothing but the subsets (MESH130, a suggestion);
// comments inside what is replaced go with it. The oracle allows exactly that much.
const REPLACES_WHOLE_VALUES = new Set(['MESH103', 'MESH130']);

function assertCommentsKept(before: string, after: string, finding: Finding, what: string): void {
  if (REPLACES_WHOLE_VALUES.has(finding.code)) return;
  const remaining = yamlComments(after);
  for (const comment of yamlComments(before)) {
    const index = remaining.indexOf(comment);
    assert.ok(index >= 0, `${what} lost the comment ${JSON.stringify(comment)}:\n${after}`);
    remaining.splice(index, 1);
  }
}

/** Documents no edit touches keep their exact text and stay separate documents. */
function assertOtherDocumentsKept(before: string, after: string, spans: Span[], what: string): void {
  const shift = (offset: number) =>
    spans
      .filter((span) => span.end <= offset && !(span.start === span.end && span.start === offset))
      .reduce((sum, span) => sum + span.newText.length - (span.end - span.start), 0);
  const afterDocuments = parseAllDocuments(after);
  const afterRanges = (Array.isArray(afterDocuments) ? afterDocuments : []).map((doc) => doc.range);
  const beforeDocuments = parseAllDocuments(before);
  for (const doc of Array.isArray(beforeDocuments) ? beforeDocuments : []) {
    const [start, , end] = doc.range;
    const touched = spans.some((span) =>
      span.start === span.end ? start < span.start && span.start < end : span.start < end && start < span.end,
    );
    if (touched || start === end) continue;
    const newStart = start + shift(start);
    const newEnd = newStart + end - start;
    assert.equal(after.slice(newStart, newEnd), before.slice(start, end), `${what} changed another document`);
    // An insertion right at a document's end may extend it (a key added to its last map).
    const grows = spans.some((span) => span.start === end && span.end === end);
    assert.ok(
      afterRanges.some(
        (range) => range[0] === newStart && (grows ? range[2] >= newEnd : range[2] === newEnd),
      ),
      `${what} merged another document (at ${start}-${end}) with its neighbour:\n${after}`,
    );
  }
}

/** Runs the analysis twice on fresh workspaces; the answers must be deep-equal. */
export function analyseTwice(input: FuzzInput, options: FuzzOptions = FULL): Snapshot {
  const first = analyse(input, options);
  // Fix checks add no answers of their own (the fixes and the fix-all result are in the snapshot).
  const second = analyse(input, { ...options, fixes: false });
  assert.deepEqual(second, first, 'the same workspace gave two different answers');
  return first;
}
