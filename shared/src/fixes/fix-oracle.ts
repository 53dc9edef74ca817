import { type Document, isMap, isScalar, isSeq, Lexer, type Node, type Pair as YamlPair } from 'yaml';
import { createSourceFile } from '../text/source';
import { composeDocuments } from '../yaml/document-cache';
import { contentEnd } from '../yaml/nodes';
import { keepEncoding, writtenLike } from './keep-encoding';

// The text half of the fix oracle (docs/reliability.md): what must hold of a file after ANY fix,
// whichever check built it. A fix is a set of text edits; this checks that applying them did only
// what they say: the YAML still parses, no key is duplicated, every byte outside the edits is as it
// was, every document the edits do not touch means what it meant, inside a touched document only
// the edited nodes changed, and no comment outside a replaced node is lost. The other half (the
// finding is gone, nothing new appears) needs the checks and lives with the analysis.

/** One edit as offsets into the text it applies to. */
export interface Span {
  start: number;
  end: number;
  newText: string;
}

/** What a fix does to one file. */
export interface FileOutcome {
  path: string;
  /** The text before the fix; undefined for a file the fix creates. */
  before: string | undefined;
  after: string;
  /** The fix's edits of this file, as offsets into `before`. */
  spans: readonly Span[];
}

/** Why the fix is not safe for this file, one sentence each; empty when it is. */
export function textProblems(file: FileOutcome): string[] {
  const syntax = syntaxCounts(file.after);
  if (file.before === undefined) {
    if (syntax.errors > 0) return [`${file.path} would be created with YAML that does not parse`];
    if (syntax.duplicates > 0) return [`${file.path} would be created with a duplicate key`];
    return [];
  }
  const problems: string[] = [];
  const spans = [...file.spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const expected = withEdits(file.before, spans);
  if (expected !== file.after) {
    problems.push(
      `${file.path}: bytes outside the edits differ (line ${lineOf(file.after, firstDifference(expected, file.after))})`,
    );
    return problems;
  }
  const before = syntaxCounts(file.before);
  if (syntax.errors > before.errors) problems.push(`${file.path} would no longer parse as YAML`);
  if (syntax.duplicates > before.duplicates) problems.push(`${file.path} would get a duplicate key`);
  if (problems.length > 0) return problems;
  problems.push(...documentProblems(file.path, file.before, file.after, spans));
  problems.push(...lostComments(file.path, file.before, file.after, spans));
  return problems;
}

/** The text the edits produce, written the way the file is (line breaks, BOM). */
function withEdits(before: string, spans: readonly Span[]): string {
  const written = writtenLike(before);
  let result = '';
  let cursor = 0;
  for (const span of spans) {
    result += before.slice(cursor, span.start) + written(span.newText);
    cursor = span.end;
  }
  return keepEncoding(before, result + before.slice(cursor));
}

function firstDifference(a: string, b: string): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text[index] === '\n') line++;
  return line;
}

interface SyntaxCounts {
  errors: number;
  duplicates: number;
}

function syntaxCounts(text: string): SyntaxCounts {
  const documents = composeDocuments(createSourceFile('', text));
  if (!documents) return { errors: Number.POSITIVE_INFINITY, duplicates: 0 };
  let errors = 0;
  let duplicates = 0;
  for (const doc of documents)
    for (const error of doc.errors) {
      if (error.code === 'DUPLICATE_KEY') duplicates++;
      else errors++;
    }
  return { errors, duplicates };
}

/** Whether an edit reaches into `[start, end)`; an insertion at `end` counts only when `atEnd` says so. */
function touches(spans: readonly Span[], start: number, end: number, atEnd: boolean): boolean {
  return spans.some((span) =>
    span.start === span.end
      ? span.start >= start && (span.start < end || (atEnd && span.start === end))
      : span.start < end && span.end > start,
  );
}

/** Where an offset of the text before the edits lands after them (one outside every edit). */
function mapOffset(spans: readonly Span[], offset: number, written: (text: string) => string): number {
  let shift = 0;
  for (const span of spans) {
    if (span.end > offset || (span.start === span.end && span.start === offset)) break;
    shift += written(span.newText).length - (span.end - span.start);
  }
  return offset + shift;
}

/**
 * Documents the edits do not touch must read as before; in a touched one, only what lies under an
 * edited node may differ. Documents the edits add must lie inside inserted text; a document may
 * go only when an edit covers all of it.
 */
function documentProblems(path: string, before: string, after: string, spans: readonly Span[]): string[] {
  const old = composeDocuments(createSourceFile(path, before)) ?? [];
  const now = composeDocuments(createSourceFile(path, after)) ?? [];
  const problems: string[] = [];
  const matched = new Set<Document.Parsed>();
  const written = writtenLike(before);
  const insertedAt = insertedRanges(spans, written);
  for (const [index, doc] of old.entries()) {
    const [start, , end] = doc.range;
    const covered = spans.some((span) => span.start <= start && span.end >= end && span.end > span.start);
    const touched = touches(spans, start, end, false);
    const counterpart = now.find(
      (candidate) => !matched.has(candidate) && holds(candidate, mapOffset(spans, start, written), touched),
    );
    if (!counterpart) {
      if (!covered) problems.push(`${path}: document ${index + 1} would be lost`);
      continue;
    }
    matched.add(counterpart);
    const differences: string[] = [];
    const scope = { text: before, spans: touched ? spans : [], inserted: insertedAt };
    compareNode([doc, counterpart], doc.contents as Node | null, [], scope, differences);
    for (const where of differences) problems.push(`${path}: document ${index + 1} would change at ${where}`);
  }
  for (const [index, doc] of now.entries()) {
    if (matched.has(doc) || isEmptyDocument(doc)) continue;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    if (!insertedAt.some(([from, to]) => start >= from && start < to))
      problems.push(`${path}: document ${index + 1} would appear outside the edits`);
  }
  return problems;
}

function holds(doc: Document.Parsed, offset: number, loosely: boolean): boolean {
  const [start, , end] = doc.range;
  return loosely ? offset >= start && offset <= end : offset === start;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

/** Where each edit's new text stands in the text after the edits. */
function insertedRanges(spans: readonly Span[], written: (text: string) => string): [number, number][] {
  let shift = 0;
  return spans.map((span) => {
    const from = span.start + shift;
    const length = written(span.newText).length;
    shift += length - (span.end - span.start);
    return [from, from + length];
  });
}

/**
 * Compares a node of the document before the edits with the same path after them: an untouched
 * node must have the same value; a touched map compares its untouched entries one by one (new keys
 * may come, kept keys keep their values); a touched scalar or list may change.
 */
function compareNode(
  documents: BeforeAfter<Document.Parsed>,
  node: Node | null,
  path: unknown[],
  scope: EditScope,
  differences: string[],
): void {
  const [oldDoc, newDoc] = documents;
  const counterpart = (path.length === 0 ? newDoc.contents : newDoc.getIn(path, true)) as
    | Node
    | null
    | undefined;
  if (!node || !edited(scope, node)) {
    if (!sameValue(oldDoc, node, newDoc, counterpart)) differences.push(describePath(path));
    return;
  }
  if (!isMap(node) || replaced(scope, node)) return;
  if (!isMap(counterpart)) {
    differences.push(describePath(path));
    return;
  }
  const keys = new Set<unknown>();
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key)) continue;
    keys.add(key.value);
    const keyPath = [...path, key.value];
    if (counterpart.has(key.value) && emptyValueWritten(scope, key, pair.value as Node | null)) continue;
    if (counterpart.has(key.value))
      compareNode(documents, pair.value as Node | null, keyPath, scope, differences);
    else if (!pairRemoved(scope, key, pair.value as Node | null)) differences.push(describePath(keyPath));
  }
  // A new key must be one the edits wrote, not one that moved here because a line break went.
  for (const pair of counterpart.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || keys.has(key.value)) continue;
    const at = key.range?.[0] ?? -1;
    if (!scope.inserted.some(([from, to]) => at >= from && at < to))
      differences.push(describePath([...path, key.value]));
  }
}

type BeforeAfter<T> = [before: T, after: T];

/** The edits of one document and the text they apply to. */
interface EditScope {
  text: string;
  spans: readonly Span[];
  /** Where the edits' new texts stand in the text after them. */
  inserted: readonly [number, number][];
}

/** Whether an edit reaches into a node: a collection up to its end, a scalar up to its last character. */
function edited(scope: EditScope, node: Node): boolean {
  const [start = 0, end = start] = node.range ?? [];
  if (isMap(node) || isSeq(node)) return touches(scope.spans, start, end, true);
  return touches(scope.spans, start, contentEnd(scope.text, node), false);
}

/** Whether one edit covers a node from its start to its last item: the node is replaced, whatever it becomes. */
function replaced(scope: EditScope, node: Node): boolean {
  const start = node.range?.[0] ?? 0;
  const end = contentEnd(scope.text, node);
  return scope.spans.some((span) => span.start <= start && span.end >= end);
}

/** Whether an edit writes the value of a `key:` that had none: between the key's end and where yaml put the empty value. */
function emptyValueWritten(scope: EditScope, key: Node, value: Node | null): boolean {
  const keyEnd = key.range?.[1] ?? 0;
  const isEmpty =
    !value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
  if (!isEmpty) return false;
  const at = value?.range?.[0] ?? keyEnd;
  return touches(scope.spans, keyEnd, Math.max(at, keyEnd + 1), true);
}

function pairRemoved(scope: EditScope, key: Node, value: Node | null): boolean {
  const start = key.range?.[0] ?? 0;
  const end = value?.range ? contentEnd(scope.text, value) : (key.range?.[1] ?? start);
  return scope.spans.some((span) => span.start <= start && span.end >= end);
}

function sameValue(
  oldDoc: Document.Parsed,
  node: Node | null | undefined,
  newDoc: Document.Parsed,
  counterpart: Node | null | undefined,
): boolean {
  return fingerprint(oldDoc, node) === fingerprint(newDoc, counterpart);
}

/**
 * A node's value as text to compare. A map that holds an alias to itself resolves to a circular
 * value no JSON can hold (found by fuzzing): then its YAML text, aliases unresolved, is compared.
 */
function fingerprint(doc: Document.Parsed, node: Node | null | undefined): string {
  try {
    return JSON.stringify(plain(doc, node)) ?? 'undefined';
  } catch {
    return `yaml:${String(node)}`;
  }
}

/** A node's value as plain data; aliases resolved, bounded as yaml bounds them against alias bombs. */
function plain(doc: Document.Parsed, node: Node | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  try {
    return node.toJS(doc, { maxAliasCount: 100 }) ?? null;
  } catch {
    return { unreadable: node.range?.[0] };
  }
}

function describePath(path: unknown[]): string {
  return path.length === 0 ? 'its top level' : path.map(String).join('.');
}

/**
 * Every comment of the text before that an edit removes must lie inside a node the edit replaces
 * whole (a block list's comments go with the list); any other must still be in the text.
 */
function lostComments(path: string, before: string, after: string, spans: readonly Span[]): string[] {
  const problems: string[] = [];
  const documents = composeDocuments(createSourceFile(path, before)) ?? [];
  for (const comment of commentsOf(before)) {
    const inside = spans.find((span) => span.start <= comment.start && span.end >= comment.end);
    if (!inside || after.includes(comment.text)) continue;
    if (!documents.some((doc) => replacedWhole(doc.contents as Node | null, before, inside, comment)))
      problems.push(`${path}: the comment "${comment.text}" would be lost`);
  }
  return problems;
}

interface Comment {
  start: number;
  end: number;
  text: string;
}

function commentsOf(text: string): Comment[] {
  const comments: Comment[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer's markers of a document, a scalar and a flow error end stand for no text.
    if (token === '\x02' || token === '\x1f' || token === '\x18') continue;
    if (token.startsWith('#')) comments.push({ start: offset, end: offset + token.length, text: token });
    offset += token.length;
  }
  return comments;
}

/** Whether the edit replaces a node holding the comment from its start to its last item. */
function replacedWhole(node: Node | null, text: string, span: Span, comment: Comment): boolean {
  if (!node?.range) return false;
  const start = node.range[0];
  const end = contentEnd(text, node);
  if (start > comment.start || end < comment.end) return false;
  if (span.start <= start && span.end >= end) return true;
  if (isMap(node))
    return node.items.some((pair) =>
      replacedWhole((pair as YamlPair).value as Node | null, text, span, comment),
    );
  if (isSeq(node)) return node.items.some((item) => replacedWhole(item as Node | null, text, span, comment));
  return false;
}
