import { isScalar, type Node, Scalar } from 'yaml';
import type { SourceFile } from '../text/source';
import { markWrittenIn } from '../yaml/nodes';

/**
 * Maps offsets in a string value (an inline `patch: |`) to offsets in the file that writes it, so
 * that the nodes parsed from the string point at their text in the kustomization. A literal block
 * scalar is its lines with the indentation taken off; a single-line scalar written as it reads (no
 * escapes) is its text shifted; anything else (folded, escaped) maps into the scalar's own range.
 */
export function offsetsInFile(source: SourceFile, node: Node): (at: number) => number {
  const [start = 0, end = start] = node.range ?? [];
  const fallback = (at: number) => Math.min(start + at, end);
  if (!isScalar(node) || typeof node.value !== 'string') return fallback;
  const value = node.value;
  if (node.type === Scalar.BLOCK_LITERAL)
    return literalBlockOffsets(source.text, start, end, value) ?? fallback;
  if (!value.includes('\n')) {
    const written = source.text.slice(start, end);
    const at = written.indexOf(value);
    if (at >= 0 && (written === value || written.length === value.length + 2))
      return (offset) => start + at + offset;
  }
  return fallback;
}

function literalBlockOffsets(
  text: string,
  start: number,
  end: number,
  value: string,
): ((at: number) => number) | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return undefined;
  // The lines of the block in the file, and their indentation (that of the first line with text).
  const fileLines: number[] = [];
  for (let at = headerEnd + 1; at < end; at = text.indexOf('\n', at) + 1) {
    fileLines.push(at);
    if (text.indexOf('\n', at) < 0) break;
  }
  const firstText = fileLines.find((at) => /\S/.test(text.slice(at, text.indexOf('\n', at) >>> 0)));
  if (firstText === undefined) return undefined;
  const indent = /^ */.exec(text.slice(firstText))?.[0].length ?? 0;
  const valueLines = [0];
  for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1)) valueLines.push(at + 1);
  return (offset) => {
    let line = valueLines.length - 1;
    while (line > 0 && (valueLines[line] ?? 0) > offset) line--;
    const lineStart = fileLines[line];
    if (lineStart === undefined) return end;
    return Math.min(lineStart + indent + offset - (valueLines[line] ?? 0), end);
  };
}

/**
 * A new scalar for a part (`from` to `to`) of a string scalar's value (a literal's value after its
 * `=`, one piece of a delimited value), placed on that part's text when the scalar is written as it
 * reads there, else on the whole scalar (escapes, folding), in `source`, the scalar's file.
 */
export function partOf(source: SourceFile, node: Node, text: string, from: number, to: number): Scalar {
  const value = text.slice(from, to);
  const scalar = new Scalar(value);
  const start = offsetsInFile(source, node)(from);
  const end = start + (to - from);
  if (source.text.slice(start, end) === value) scalar.range = [start, end, end];
  else if (node.range) scalar.range = [node.range[0], node.range[1], node.range[2]];
  markWrittenIn(scalar, source);
  return scalar;
}
