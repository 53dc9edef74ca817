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
  let offset = 0;
  lineCounter.addNewLine(0);
  // Index every line, not only those the parser visits, so any offset maps to a position.
  for (;;) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
    lineCounter.addNewLine(offset);
  }
  return { path, text, lineCounter };
}

export function positionAt(source: SourceFile, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, source.text.length));
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
  return { start: positionAt(source, start), end: positionAt(source, end) };
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
