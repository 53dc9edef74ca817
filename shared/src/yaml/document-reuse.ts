import {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  Pair,
  Scalar,
  type YAMLError,
  YAMLMap,
  YAMLParseError,
  YAMLSeq,
  YAMLWarning,
} from 'yaml';

// An edit of a multi-document file changes one document or a few; the others are the same text,
// only moved. Composing a document costs about ten times what copying yaml's nodes with their
// ranges moved does (2.4 KB of eight small documents: 0.87 ms against 0.09 ms), and most of the
// garbage of an edit in a namespace of thousands of files was yaml's lexing and composing of the
// edited file. So the documents an edit did not touch are copied from the file's earlier parse,
// and only the text between them is parsed.
//
// Where that is the same as parsing the whole text: every document after the first starts with a
// `---` line, and nothing else separates documents. A `---` at the start of a line (followed by a
// blank or the end) ends whatever came before it, in YAML (the forbidden `c-forbidden` lines) and
// in yaml's lexer alike, so the documents before a marker that did not change are read from the
// text before it, and those after a marker the edit did not reach from the text after it. What
// carries state across a marker rules the reuse out: directives (`%YAML`, `%TAG`); the document end
// `...`, after which comments belong to the next document; and a syntax error. yaml's lexer looks
// for a quoted scalar's closing quote in the rest of the whole text, past markers, and with none
// there, it reads the scalar to the end of the text; a document with an error is read whole. So
// is a text where anything but a marker separates two documents (the comments after a document that
// is a plain scalar): yaml's composer gives them to the next document.

/** A file's documents as an earlier text of it read them. */
export interface EarlierParse {
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
}

/** How a new text's documents are had from an earlier parse: `before` and `after` copied, the rest parsed. */
export interface ReusePlan {
  /** The earlier documents before the edit, at the same offsets. */
  readonly before: readonly Document.Parsed[];
  /** The part of the new text to parse: from a document's start to the next kept document's start. */
  readonly start: number;
  readonly end: number;
  /** The earlier documents after the edit, to be moved by `shift`. */
  readonly after: readonly Document.Parsed[];
  readonly shift: number;
}

/** The plan for reading `text` with what `earlier` read, or undefined where it would not be the same as parsing it all. */
export function reusePlan(earlier: EarlierParse, text: string): ReusePlan | undefined {
  const { documents } = earlier;
  const old = earlier.text;
  if (documents.length < 2 || !separatedByMarkersOnly(old, documents) || carriesState(text)) return undefined;
  if (!documents.every(isWithoutErrors)) return undefined;
  // The unchanged text at either end, each as long as it goes: where an edit inserted or deleted text
  // that repeats its neighbour, the two overlap, and either may take the repeated part.
  const limit = Math.min(old.length, text.length);
  const prefix = commonPrefix(old, text, limit);
  return (
    planWith(documents, old, text, prefix, commonSuffix(old, text, limit)) ??
    planWith(documents, old, text, prefix, commonSuffix(old, text, limit - prefix))
  );
}

/**
 * The plan given the lengths of text the edit left alone at the start (`prefix`) and at the end
 * (`suffix`): the documents before the first marker it reached, and after the last; undefined where
 * these two overlap in the new text.
 */
function planWith(
  documents: readonly Document.Parsed[],
  old: string,
  text: string,
  prefix: number,
  suffix: number,
): ReusePlan | undefined {
  let kept = 0;
  while (kept + 1 < documents.length && markerEnd(old, startOf(documents[kept + 1])) <= prefix) kept++;
  let resumed = kept + 1;
  while (resumed < documents.length && startOf(documents[resumed]) - 1 < old.length - suffix) resumed++;
  const shift = text.length - old.length;
  const start = kept === 0 ? 0 : startOf(documents[kept]);
  const end = resumed < documents.length ? startOf(documents[resumed]) + shift : text.length;
  if (end < start) return undefined;
  return { before: documents.slice(0, kept), start, end, after: documents.slice(resumed), shift };
}

/** Whether a document parsed without an error: only then is it read alike wherever its text is. */
export function isWithoutErrors(document: Document.Parsed): boolean {
  return document.errors.length === 0;
}

/**
 * Whether the documents tile the text, each after the first starting with its own `---` line, and
 * the text carries nothing that reaches from one document into the next.
 */
function separatedByMarkersOnly(text: string, documents: readonly Document.Parsed[]): boolean {
  if (carriesState(text)) return false;
  // The last document's token takes the blank lines after it, its range does not.
  if (!onlyBlanksFrom(text, documents[documents.length - 1]?.range[2] ?? 0)) return false;
  for (let index = 1; index < documents.length; index++) {
    const start = startOf(documents[index]);
    if (start !== documents[index - 1]?.range[2] || !isMarkerAt(text, start)) return false;
  }
  return true;
}

/** Directives or a document end `...`, anywhere at the start of a line. */
function carriesState(text: string): boolean {
  return /^\uFEFF?(%|\.\.\.)/.test(text) || text.includes('\n%') || text.includes('\n...');
}

function onlyBlanksFrom(text: string, at: number): boolean {
  for (let index = at; index < text.length; index++) if (!isBlank(text[index])) return false;
  return true;
}

function isMarkerAt(text: string, at: number): boolean {
  return at > 0 && text[at - 1] === '\n' && text.startsWith('---', at) && isBlank(text[at + 3]);
}

/** Where the marker at `at` and the character that makes it one end: what must be unchanged for it to be read alike. */
function markerEnd(text: string, at: number): number {
  return Math.min(at + 4, text.length);
}

function isBlank(char: string | undefined): boolean {
  return char === undefined || char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function startOf(document: Document.Parsed | undefined): number {
  return document?.range[0] ?? 0;
}

function commonPrefix(a: string, b: string, limit: number): number {
  let at = 0;
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let length = 0;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length))
    length++;
  return length;
}

// ---- copies ------------------------------------------------------------------------------------

/**
 * A copy of a parsed document with every offset moved by `shift`: new nodes throughout, so that
 * nothing remembered of the earlier text's nodes (yaml/nodes.ts, kustomize/) is taken for the new
 * one. Undefined for a node of a kind this does not copy (yaml's `!!omap`, `!!set` and `!!pairs`
 * collections bind methods to their own object): the caller parses instead.
 */
export function movedDocument(document: Document.Parsed, shift: number): Document.Parsed | undefined {
  const contents = movedNode(document.contents, shift);
  if (contents === undefined) return undefined;
  const copy = Object.assign(new Document(), document) as Document.Parsed;
  copy.contents = contents as Document.Parsed['contents'];
  copy.range = movedRange(document.range, shift) as Document.Parsed['range'];
  copy.errors = document.errors.map((error) => movedError(error, shift));
  copy.warnings = document.warnings.map((warning) => movedError(warning, shift));
  return copy;
}

/** Moves a freshly parsed document's offsets in place: one parsed from a part of the text. */
export function moveInPlace(document: Document.Parsed, shift: number): void {
  if (shift === 0) return;
  document.range = movedRange(document.range, shift) as Document.Parsed['range'];
  document.errors = document.errors.map((error) => movedError(error, shift));
  document.warnings = document.warnings.map((warning) => movedError(warning, shift));
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isPair(node)) pending.push(node.key, node.value);
    else if (isScalar(node) || isAlias(node) || isMap(node) || isSeq(node)) {
      if (node.range) node.range = movedRange(node.range, shift);
      if (isMap(node) || isSeq(node)) for (const item of node.items) pending.push(item);
    }
  }
}

// Recursion follows the document's nesting, which its parse already went through (and yaml's
// composer recursed just as deep to build it).
function movedNode(node: unknown, shift: number): unknown {
  if (node === null || node === undefined) return node;
  switch (Object.getPrototypeOf(node)) {
    case Scalar.prototype:
      return withRange(Object.assign(new Scalar(undefined), node), shift);
    case Alias.prototype:
      return withRange(Object.assign(new Alias((node as Alias).source), node), shift);
    case YAMLMap.prototype:
    case YAMLSeq.prototype: {
      const collection = node as YAMLMap | YAMLSeq;
      const copy =
        collection instanceof YAMLMap
          ? Object.assign(new YAMLMap(collection.schema), collection)
          : Object.assign(new YAMLSeq(collection.schema), collection);
      const items: unknown[] = [];
      for (const item of collection.items) {
        const moved = movedNode(item, shift);
        if (moved === undefined && item !== undefined) return undefined;
        items.push(moved);
      }
      copy.items = items as typeof copy.items;
      return withRange(copy, shift);
    }
    case Pair.prototype: {
      const pair = node as Pair;
      const key = movedNode(pair.key, shift);
      const value = movedNode(pair.value, shift);
      if ((key === undefined && pair.key !== undefined) || (value === undefined && pair.value !== undefined))
        return undefined;
      const copy: Pair<unknown, unknown> = Object.assign(new Pair<unknown, unknown>(null), pair);
      copy.key = key;
      copy.value = value;
      return copy;
    }
    default:
      return undefined;
  }
}

function withRange<T extends Node>(node: T, shift: number): T {
  if (node.range) node.range = movedRange(node.range, shift);
  return node;
}

function movedRange(range: readonly number[], shift: number): [number, number, number] {
  return [(range[0] as number) + shift, (range[1] as number) + shift, (range[2] as number) + shift];
}

function movedError<E extends YAMLError>(error: E, shift: number): E {
  if (shift === 0) return error;
  const Kind = error instanceof YAMLWarning ? YAMLWarning : YAMLParseError;
  const moved = new Kind([error.pos[0] + shift, error.pos[1] + shift], error.code, error.message);
  if (error.linePos) moved.linePos = error.linePos;
  return moved as E;
}
