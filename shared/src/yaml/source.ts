import { LineCounter } from 'yaml';

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
 * One file's text with the line index that turns offsets into positions.
 * `path` is workspace-relative with forward slashes: the core never sees URIs or disk paths.
 */
export interface SourceFile {
  path: string;
  text: string;
  lineCounter: LineCounter;
}

export function createSourceFile(path: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  // Index every line, not only those the parser visits, so any offset maps to a position. Line
  // breaks are LSP's: `\n`, `\r\n` and a lone `\r` (found by fuzzing: counting only `\n` put
  // positions of a file with lone CRs past the ends of the lines an editor shows).
  for (const lineBreak of text.matchAll(/\r\n?|\n/g))
    lineCounter.addNewLine(lineBreak.index + lineBreak[0].length);
  return { path, text, lineCounter };
}

export function positionAt(source: SourceFile, offset: number): Position {
  let clamped = Math.max(0, Math.min(offset, source.text.length));
  // Between `\r` and `\n` is no position in LSP (the YAML parser reports some errors there).
  if (source.text[clamped] === '\n' && source.text[clamped - 1] === '\r') clamped--;
  const { line, col } = source.lineCounter.linePos(clamped);
  return { line: line - 1, character: col - 1 };
}

export function offsetAt(source: SourceFile, position: Position): number {
  const starts = source.lineCounter.lineStarts;
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
  return new CompactRange(from.line, from.character, to.line, to.character);
}

/**
 * A range as four numbers in one object. The facts of a workspace hold hundreds of thousands of
 * ranges, and a plain `{ start: {…}, end: {…} }` is three objects: 15 % of the heap at 50,000
 * resources. Positions are made when read; `toJSON` keeps the wire and report formats plain.
 */
class CompactRange implements Range {
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

export function containsPosition(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function compareRanges(a: Range, b: Range): number {
  return comparePositions(a.start, b.start) || comparePositions(a.end, b.end);
}
