import type { Node, YAMLMap } from 'yaml';
import type { TextEdit } from '../text/findings';
import { positionAt } from '../text/source';
import { type DocumentContext, keyText } from '../yaml/nodes';
import { lineEnding, removeEntry } from './yaml-edits';

/**
 * Removes `key: value` from a map like `removeEntry`, but keeps a comment written after the value on
 * the same line (`key: value  # why`) as a comment line of its own: comments are the user's, a fix
 * only takes the entry.
 */
export function removeEntryKeepingComment(
  ctx: DocumentContext,
  map: YAMLMap,
  key: string,
): TextEdit | undefined {
  const edit = removeEntry(ctx, map, key);
  if (!edit || map.flow) return edit;
  const comment = trailingComment(ctx, map, key);
  if (!comment) return edit;
  // A whole-line removal starts at column 0: the comment takes the entry's line, at the key's indentation.
  if (edit.range.start.character !== 0) return { ...edit, newText: comment.text };
  return { ...edit, newText: `${' '.repeat(comment.column)}${comment.text}${lineEnding(ctx)}` };
}

function trailingComment(
  ctx: DocumentContext,
  map: YAMLMap,
  key: string,
): { text: string; column: number } | undefined {
  const pair = map.items.find((candidate) => keyText(ctx, candidate) === key);
  const keyNode = pair?.key as Node | undefined;
  const valueNode = (pair?.value ?? pair?.key) as Node | undefined;
  const keyStart = keyNode?.range?.[0];
  const valueEnd = valueNode?.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) return undefined;
  const text = ctx.source.text;
  const lineBreak = text.indexOf('\n', valueEnd);
  const rest = text.slice(valueEnd, lineBreak < 0 ? text.length : lineBreak).replace(/\r$/, '');
  const match = /^\s*(#.*)$/.exec(rest);
  if (!match?.[1]) return undefined;
  return { text: match[1], column: positionAt(ctx.source, keyStart).character };
}
