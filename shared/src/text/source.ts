import type { StringTable } from '../util/intern';
import { RecentlyUsed } from '../util/recently-used';

/** A 0-based line and UTF-16 character offset, as LSP and SARIF (after +1) expect. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * One file's text. `path` is workspace-relative with forward slashes: the core never sees URIs or
 * disk paths. Its line index is not kept with it (see `lineStarts`).
 */
export interface SourceFile {
  path: string;
  text: string;
  /** The workspace's string table, when a workspace read the file: its parse interns short values there. */
  strings?: StringTable;
}

export function createSourceFile(path: string, text: string, strings?: StringTable): SourceFile {
  return strings ? { path, text, strings } : { path, text };
}

// Line indexes are needed while a file is read (every fact's range is made then) and later only
// for the few files a request, a fix or a suppression comment looks at. Kept with every file they
// were 13 MB at 50,000 resources; a small cache of recently used ones serves both uses.
const lineIndexes = new RecentlyUsed<SourceFile, readonly number[]>(64);

/** Lets go of a file's line index now: read where nothing will need it again soon (a scan, a parse worker). */
export function forgetLineStarts(source: SourceFile): void {
  lineIndexes.delete(source);
}

/**
 * Whether a file's text holds `needle`, searched once per text (a `WeakMap` per needle). Checks ask it
 * of every finding's file at each edit of a namespace, and one of thousands of files had them search
 * the same texts again and again.
 */
export function textIncludes(needle: string): (source: SourceFile) => boolean {
  const known = new WeakMap<SourceFile, boolean>();
  return (source) => {
    let includes = known.get(source);
    if (includes === undefined) {
      includes = source.text.includes(needle);
      known.set(source, includes);
    }
    return includes;
  };
}

/** Offsets at which the file's lines start (the first is 0). */
export function lineStarts(source: SourceFile): readonly number[] {
  let starts = lineIndexes.get(source);
  if (!starts) {
    starts = indexLines(source.text);
    lineIndexes.set(source, starts);
  }
  return starts;
}

// Every line, not only those the parser visits, so any offset maps to a position. Line breaks are
// LSP's: `\n`, `\r\n` and a lone `\r` (found by fuzzing: counting only `\n` put positions of a file
// with lone CRs past the ends of the lines an editor shows).
function indexLines(text: string): number[] {
  const starts = [0];
  for (const lineBreak of text.matchAll(/\r\n?|\n/g)) starts.push(lineBreak.index + lineBreak[0].length);
  return starts;
}

export function positionAt(source: SourceFile, offset: number): Position {
  let clamped = Math.max(0, Math.min(offset, source.text.length));
  // Between `\r` and `\n` is no position in LSP (the YAML parser reports some errors there).
  if (source.text[clamped] === '\n' && source.text[clamped - 1] === '\r') clamped--;
  const starts = lineStarts(source);
  const line = lastAtOrBefore(starts, clamped);
  return { line, character: clamped - (starts[line] ?? 0) };
}

/** The index of the last entry not greater than `offset` (entries ascend; the first is 0). */
function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

export function offsetAt(source: SourceFile, position: Position): number {
  const starts = lineStarts(source);
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return source.text.length;
  const lineStart = starts[position.line] ?? 0;
  const lineEnd =
    position.line + 1 < starts.length ? (starts[position.line + 1] ?? 0) - 1 : source.text.length;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

export function rangeAt(source: SourceFile, start: number, end: number): Range {
  const from = positionAt(source, start);
  const to = positionAt(source, end);
  return compactRange(from.line, from.character, to.line, to.character);
}

/**
 * A range as two numbers in one object. The facts of a workspace hold hundreds of thousands of
 * ranges, and a plain `{ start: {…}, end: {…} }` is three objects: 15 % of the heap at 50,000
 * resources. Each position is one small integer, `line × 4096 + character`: two fields instead of
 * four took 7 MB off the live heap at 50,000 resources. Positions are made when read; `toJSON`
 * keeps the wire and report formats plain.
 */
class CompactRange implements Range {
  constructor(
    readonly packedStart: number,
    readonly packedEnd: number,
  ) {}

  get start(): Position {
    return unpacked(this.packedStart);
  }

  get end(): Position {
    return unpacked(this.packedEnd);
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A range of a file with a line longer than 4095 characters or more than half a million lines. */
class WideRange implements Range {
  constructor(
    private readonly startLine: number,
    private readonly startCharacter: number,
    private readonly endLine: number,
    private readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

// A packed position stays a small integer (V8 stores those without boxing them): below 2^31.
const CHARACTER_BITS = 12;
const MAX_CHARACTER = (1 << CHARACTER_BITS) - 1;
const MAX_LINE = (2 ** 31 - 1) >>> CHARACTER_BITS;

function packs(line: number, character: number): boolean {
  return line >= 0 && line <= MAX_LINE && character >= 0 && character <= MAX_CHARACTER;
}

function packed(line: number, character: number): number {
  return line * (MAX_CHARACTER + 1) + character;
}

function unpacked(position: number): Position {
  return { line: Math.floor(position / (MAX_CHARACTER + 1)), character: position & MAX_CHARACTER };
}

function compactRange(
  startLine: number,
  startCharacter: number,
  endLine: number,
  endCharacter: number,
): Range {
  return packs(startLine, startCharacter) && packs(endLine, endCharacter)
    ? new CompactRange(packed(startLine, startCharacter), packed(endLine, endCharacter))
    : new WideRange(startLine, startCharacter, endLine, endCharacter);
}

/** A range from its four numbers: how facts read in another thread get their ranges back (facts/portable-facts.ts). */
export function rangeOf(
  startLine: number,
  startCharacter: number,
  endLine: number,
  endCharacter: number,
): Range {
  return compactRange(startLine, startCharacter, endLine, endCharacter);
}

/**
 * A range's start as one packed integer (`line × 4096 + character`), or -1 for a range that does
 * not pack (a long line, a huge file, a range not made here): for holders that keep many ranges
 * unboxed (yaml/nodes.ts, `LocatedEntry`) and make them again with `rangeOfPacked`.
 */
export function packedStartOf(range: Range): number {
  return range instanceof CompactRange ? range.packedStart : -1;
}

/** A range's end as one packed integer, or -1 (see `packedStartOf`). */
export function packedEndOf(range: Range): number {
  return range instanceof CompactRange ? range.packedEnd : -1;
}

/** The range of two packed positions given by `packedStartOf` and `packedEndOf`. */
export function rangeOfPacked(start: number, end: number): Range {
  return new CompactRange(start, end);
}

/** Whether a value is a range made by `rangeAt`/`rangeOf`, whose fields are private. */
export function isCompactRange(value: object): value is Range {
  return value instanceof CompactRange || value instanceof WideRange;
}

export function containsPosition(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function compareRanges(a: Range, b: Range): number {
  return comparePositions(a.start, b.start) || comparePositions(a.end, b.end);
}

export function sameRange(a: Range, b: Range): boolean {
  return compareRanges(a, b) === 0;
}
