import type { TextEdit } from '../text/findings';
import { offsetAt, type Range, sameRange } from '../text/source';
import type { DocumentContext, Located } from '../yaml/nodes';
import { replaceScalar, writeValueAfterKey, yamlScalar } from './yaml-edits';

/**
 * Sets the value of a map entry read by `stringEntries`: replaces it keeping its quoting, or, for a
 * `key:` written with no value, writes one after the colon (replacing "nothing" would hit the key).
 */
export function replaceEntryValue(ctx: DocumentContext, entry: Located<string>, value: string): TextEdit {
  if (!entry.keyRange || hasValue(entry)) return replaceScalar(ctx, entry.range, value);
  return writeValueAfterKey(ctx, offsetAt(ctx.source, entry.keyRange.end), yamlScalar(value));
}

/** Whether the entry has a value node of its own (an empty `key:` has none, or an empty one). */
export function hasValue(entry: Located<string>): boolean {
  return !isEmpty(entry.range) && !(entry.keyRange && sameRange(entry.range, entry.keyRange));
}

function isEmpty(range: Range): boolean {
  return sameRange({ start: range.start, end: range.start }, range);
}
