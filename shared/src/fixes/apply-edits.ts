import type { TextEdit } from '../text/findings';
import { createSourceFile, offsetAt } from '../text/source';

/** Two edits overlap when their ranges intersect, or when both insert at the same point. */
export function editsOverlap(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/** Applies non-overlapping edits to a text (positions refer to the original text). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const source = createSourceFile('', text);
  const spans = edits
    .map((edit) => ({
      start: offsetAt(source, edit.range.start),
      end: offsetAt(source, edit.range.end),
      text: edit.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + span.text + result.slice(span.end);
  return result;
}
