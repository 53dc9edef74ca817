import { isAlias, isCollection, isMap, type Node, type Pair, visit, type YAMLMap } from 'yaml';
import type { TextEdit } from '../text/findings';
import { positionAt, rangeAt } from '../text/source';
import { type DocumentContext, findOwnPair, trimmedEnd } from '../yaml/nodes';
import { entryColumn, insertEntry, lineEnding, yamlScalar } from './yaml-edits';

// Copying a value between files as text (not re-serialising it) keeps its comments, quoting and
// layout; only its indentation changes, shifted as a whole so relative indentation stays valid.

/**
 * Makes `key` of `targetMap` hold the value of `sourcePair` (from another document): replaces the
 * existing value, or adds the entry. Block collections are re-indented to the target's column; flow
 * and scalar values stay on the key's line. Returns undefined when the source cannot be copied.
 */
export function copyEntryValue(
  source: DocumentContext,
  sourcePair: Pair,
  target: DocumentContext,
  targetMap: YAMLMap,
  key: string,
): TextEdit | undefined {
  const value = sourceValue(source, sourcePair, targetMap.flow === true);
  if (!value) return undefined;
  const targetPair = findOwnPair(target, targetMap, key);
  const keyNode = targetPair?.key as Node | undefined;
  if (!targetPair || !keyNode?.range) return insertCopy(target, targetMap, key, value);
  const targetKeyColumn = columnOf(target, keyNode.range[0]);
  return value.block
    ? replaceWithBlock(target, targetPair, keyNode.range[1], targetKeyColumn, value)
    : replaceWithInline(target, targetPair, keyNode.range[1], targetKeyColumn, value);
}

/** The source value's text, and the columns it was written at, or a flow rendering when text cannot be copied. */
interface CopiedValue {
  text: string;
  /** A block collection: starts on its own line. */
  block: boolean;
  /** A map, which (unlike a sequence) must be indented deeper than its key. */
  map: boolean;
  /** Column of the source's key, and of the value's first character. */
  keyColumn: number;
  valueColumn: number;
}

function sourceValue(source: DocumentContext, pair: Pair, flowOnly: boolean): CopiedValue | undefined {
  const node = pair.value as Node | null;
  const keyNode = pair.key as Node | null;
  if (!node?.range || !keyNode?.range) return undefined;
  const block = isCollection(node) && !node.flow;
  const keyColumn = columnOf(source, keyNode.range[0]);
  const valueColumn = columnOf(source, node.range[0]);
  const text = source.source.text.slice(node.range[0], valueEnd(source, node, block));
  // An alias names an anchor of the source document only, and a flow map cannot hold block text
  // (nor should it span lines): render those as one-line flow YAML instead. So too a flow value or
  // scalar whose continuation lines are not indented deeper than its key: valid where it stands
  // (in a flow document), it broke the YAML under a block key (found by fuzzing).
  const shallow =
    !block &&
    text
      .split(/\r?\n/)
      .slice(1)
      .some((line) => {
        // A closing bracket may stand at the key's column; anything else must be deeper.
        const indent = indentOf(line);
        return /\S/.test(line) && (indent < keyColumn || (indent === keyColumn && !/^ *[\]}]/.test(line)));
      });
  if (hasAlias(node) || shallow || (flowOnly && (block || text.includes('\n')))) {
    const rendered = flowRendering(source, node);
    return rendered === undefined
      ? undefined
      : { text: rendered, block: false, map: false, keyColumn, valueColumn };
  }
  return { text, block, map: isMap(node), keyColumn, valueColumn };
}

function hasAlias(node: Node): boolean {
  if (isAlias(node)) return true;
  let found = false;
  visit(node, {
    Alias: () => {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

function flowRendering(source: DocumentContext, node: Node): string | undefined {
  try {
    return flowText(node.toJS(source.doc));
  } catch {
    // Too many aliases (a "billion laughs" document): offer no copy rather than expand it.
    return undefined;
  }
}

function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, entry]) => `${yamlScalar(key)}: ${flowText(entry)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (typeof value === 'string') return yamlScalar(value);
  return value === null || value === undefined ? 'null' : String(value);
}

/** Where a value's text ends: a block collection's last line (with its trailing comment), else the value itself. */
function valueEnd(ctx: DocumentContext, node: Node, block: boolean): number {
  const text = ctx.source.text;
  const end = trimmedEnd(text, 0, node.range?.[1] ?? 0);
  if (!block) return end;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline;
  return text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
}

function indentOf(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

function columnOf(ctx: DocumentContext, offset: number): number {
  return positionAt(ctx.source, offset).character;
}

/** Shifts every line after the first by `shift` columns, in the target's line endings. */
function reindent(text: string, shift: number, eol: string): string {
  return text
    .split(/\r?\n/)
    .map((line, index) => (index === 0 ? line : shifted(line, shift)))
    .join(eol);
}

function shifted(line: string, shift: number): string {
  if (line.trim() === '') return '';
  if (shift >= 0) return ' '.repeat(shift) + line;
  const removable = Math.min(-shift, /^ */.exec(line)?.[0].length ?? 0);
  return line.slice(removable);
}

function blockText(target: DocumentContext, value: CopiedValue, column: number): string {
  return `${' '.repeat(column)}${reindent(value.text, column - value.valueColumn, lineEnding(target))}`;
}

function insertCopy(target: DocumentContext, map: YAMLMap, key: string, value: CopiedValue): TextEdit {
  const firstKey = map.items[0]?.key as Node | undefined;
  const keyColumn = firstKey?.range ? entryColumn(target, firstKey.range[0]) : 0;
  if (!value.block) {
    const shift = keyColumn - value.keyColumn;
    return insertEntry(target, map, key, reindent(value.text, shift, lineEnding(target)));
  }
  const column = keyColumn + (value.valueColumn - value.keyColumn);
  return insertEntry(target, map, key, `${lineEnding(target)}${blockText(target, value, column)}`);
}

function replaceWithBlock(
  target: DocumentContext,
  pair: Pair,
  keyEnd: number,
  keyColumn: number,
  value: CopiedValue,
): TextEdit {
  const text = target.source.text;
  const existing = pair.value as Node | null;
  const eol = lineEnding(target);
  const colon = text.indexOf(':', keyEnd) + 1;
  const existingColumn = existing?.range ? columnOf(target, existing.range[0]) : 0;
  if (
    existing?.range &&
    isCollection(existing) &&
    !existing.flow &&
    lineStart(text, existing.range[0]) > colon &&
    (!value.map || existingColumn > keyColumn)
  ) {
    // Keep the target's own indentation (a list's `- ` under its key, or indented).
    const start = lineStart(text, existing.range[0]);
    const column = existingColumn;
    const end = valueEnd(target, existing, true);
    return { range: rangeAt(target.source, start, end), newText: blockText(target, value, column) };
  }
  const column = keyColumn + (value.valueColumn - value.keyColumn);
  if (!existing?.range || existing.range[0] === existing.range[1]) {
    // `key:` with no value (maybe a comment after it): the block goes under the key's line.
    const at = lineEndOf(text, colon);
    return { range: rangeAt(target.source, at, at), newText: `${eol}${blockText(target, value, column)}` };
  }
  const end = valueEnd(target, existing, false);
  if (lineStart(text, existing.range[0]) <= colon) {
    return {
      range: rangeAt(target.source, colon, end),
      newText: `${eol}${blockText(target, value, column)}`,
    };
  }
  const start = lineStart(text, existing.range[0]);
  return { range: rangeAt(target.source, start, end), newText: blockText(target, value, column) };
}

function replaceWithInline(
  target: DocumentContext,
  pair: Pair,
  keyEnd: number,
  keyColumn: number,
  value: CopiedValue,
): TextEdit {
  const text = target.source.text;
  const existing = pair.value as Node | null;
  const newText = reindent(value.text, keyColumn - value.keyColumn, lineEnding(target));
  const colon = text.indexOf(':', keyEnd) + 1;
  if (!existing?.range || existing.range[0] === existing.range[1]) {
    return { range: rangeAt(target.source, colon, colon), newText: ` ${newText}` };
  }
  const block = isCollection(existing) && !existing.flow;
  const end = valueEnd(target, existing, block);
  // Bring the value up to the key's line unless a comment stands between them.
  if (text.slice(colon, existing.range[0]).trim() === '') {
    return { range: rangeAt(target.source, colon, end), newText: ` ${newText}` };
  }
  return { range: rangeAt(target.source, existing.range[0], end), newText };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  const end = newline < 0 ? text.length : newline;
  return text[end - 1] === '\r' ? end - 1 : end;
}
