import { isAlias, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../text/findings';
import { lineStarts, positionAt, type Range, rangeAt } from '../text/source';
import {
  asMap,
  contentEnd,
  type DocumentContext,
  findOwnPair,
  findPair,
  getPath,
  keyText,
  trimmedEnd,
} from '../yaml/nodes';
import type { Resource } from '../yaml/resource';

// Minimal text edits computed from node ranges: the rest of the file (comments, quoting, key
// order, indentation) is left byte-for-byte as it was (DESIGN: "Ranges are first-class").

const PLAIN_SAFE = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const YAML_SPECIAL =
  /^(true|false|yes|no|on|off|null|~|y|n|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/i;

/** A scalar as YAML text: plain when that reads back as the same string, double-quoted otherwise. */
export function yamlScalar(value: string): string {
  return PLAIN_SAFE.test(value) && !YAML_SPECIAL.test(value) ? value : JSON.stringify(value);
}

export function lineEnding(ctx: DocumentContext): string {
  return ctx.source.text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Replaces a scalar keeping its quoting style (`"…"`, `'…'` or plain). A block scalar (`|`, `>`)
 * becomes a flow scalar; its range ends past its last line break, which must stay or the next line
 * would join the value.
 */
export function replaceScalar(ctx: DocumentContext, range: Range, value: string): TextEdit {
  const text = ctx.source.text;
  const start = offsetOf(ctx, range.start);
  const quote = text[start];
  let newText: string;
  if (quote === '"') newText = JSON.stringify(value);
  else if (quote === "'") newText = `'${value.replaceAll("'", "''")}'`;
  else newText = yamlScalar(value);
  if (quote !== '|' && quote !== '>') return { range, newText };
  return { range: rangeAt(ctx.source, start, trimmedEnd(text, start, offsetOf(ctx, range.end))), newText };
}

/**
 * Replaces a pair's value that is not a plain or quoted scalar (a block list or map, a flow
 * collection, a block scalar) with `valueText`, already YAML. The value's own text goes, up to its
 * last item: the line break after it, and comments after it, stay. A value on the lines below its
 * key moves up beside the key.
 */
export function replaceNodeValue(ctx: DocumentContext, pair: Pair, node: Node, valueText: string): TextEdit {
  const text = ctx.source.text;
  const [start = 0] = node.range ?? [];
  const end = contentEnd(text, node);
  const keyEnd = (pair.key as Node | null)?.range?.[1] ?? start;
  const colon = text.indexOf(':', keyEnd);
  // Only blanks (and node properties such as `!!seq`, which would not fit a scalar) between the
  // colon and the value: start right after the colon. A comment there stays where it is.
  const between = colon >= 0 && colon < start ? text.slice(colon + 1, start) : '#';
  if (!between.includes('#')) return { range: rangeAt(ctx.source, colon + 1, end), newText: ` ${valueText}` };
  return { range: rangeAt(ctx.source, start, end), newText: valueText };
}

/** Whether a value is written as a plain or quoted scalar (or an alias), which a range replaces exactly. */
export function isInlineScalar(ctx: DocumentContext, node: Node): boolean {
  if (isAlias(node)) return true;
  if (!isScalar(node)) return false;
  const first = ctx.source.text[node.range?.[0] ?? 0];
  return first !== '|' && first !== '>';
}

function offsetOf(ctx: DocumentContext, position: Range['start']): number {
  const starts = lineStarts(ctx.source);
  return (starts[position.line] ?? 0) + position.character;
}

function columnOf(ctx: DocumentContext, offset: number): number {
  return positionAt(ctx.source, offset).character;
}

/**
 * The column a block map's entries start at, given its first key: the key's own column, unless node
 * properties (`!!str`, `&anchor`) or `? ` stand before it on its line. Aligned with the key after
 * `!!str `, a new entry broke the map (found by fuzzing).
 */
export function entryColumn(ctx: DocumentContext, keyStart: number): number {
  const text = ctx.source.text;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const beforeKey = /^([ \t]*(?:-[ \t]+)*)(?:[!&]\S*[ \t]+)*(?:\?[ \t]+)?$/.exec(
    text.slice(lineStart, keyStart),
  );
  return beforeKey?.[1] !== undefined ? beforeKey[1].length : columnOf(ctx, keyStart);
}

/** The end of the line holding `offset` (before its line break). */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline < 0) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** The offset just after the last character of a node's value (see `contentEnd`). */
function valueEnd(ctx: DocumentContext, node: Node | null | undefined, fallback: number): number {
  return node?.range ? contentEnd(ctx.source.text, node) : trimmedEnd(ctx.source.text, 0, fallback);
}

/** The indentation unit of a file, read from the first nested block map; 2 when there is none. */
export function indentUnit(ctx: DocumentContext, root: YAMLMap): number {
  for (const pair of root.items) {
    const child = asMap(ctx, pair.value);
    const keyStart = (pair.key as Node | null)?.range?.[0];
    const childKey = child?.items[0]?.key as Node | undefined;
    if (child && !child.flow && keyStart !== undefined && childKey?.range) {
      const unit = columnOf(ctx, childKey.range[0]) - columnOf(ctx, keyStart);
      if (unit > 0) return unit;
    }
  }
  return 2;
}

/**
 * Adds `key: value` to a map, in the map's own style: a new line with the siblings' indentation for a
 * block map, `, key: value` before the closing brace for a flow map. `valueText` is already YAML.
 */
export function insertEntry(ctx: DocumentContext, map: YAMLMap, key: string, valueText: string): TextEdit {
  const text = ctx.source.text;
  const [start = 0, end = 0] = map.range ?? [];
  if (map.flow) {
    const close = text.lastIndexOf('}', end - 1);
    if (map.items.length === 0)
      return { range: rangeAt(ctx.source, start, close + 1), newText: `{ ${key}: ${valueText} }` };
    const last = map.items[map.items.length - 1] as Pair;
    const afterLast = valueEnd(ctx, (last.value ?? last.key) as Node, close);
    return { range: rangeAt(ctx.source, afterLast, afterLast), newText: `, ${key}: ${valueText}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  const indent = ' '.repeat(first?.range ? entryColumn(ctx, first.range[0]) : 0);
  const last = map.items[map.items.length - 1] as Pair | undefined;
  const lastEnd = valueEnd(ctx, (last?.value ?? last?.key) as Node, start);
  const at = endOfLine(text, lastEnd);
  // A nested block value starts on its own line: no space after the colon then.
  const separator = /^\r?\n/.test(valueText) ? '' : ' ';
  return {
    range: rangeAt(ctx.source, at, at),
    newText: `${lineEnding(ctx)}${indent}${key}:${separator}${valueText}`,
  };
}

/** Sets `key` in a map: replaces the value when the key exists, else inserts the entry. */
export function setEntry(ctx: DocumentContext, map: YAMLMap, key: string, value: string): TextEdit {
  const pair = findOwnPair(ctx, map, key);
  const node = pair?.value as Node | null | undefined;
  const range = pair && nodeRangeOf(ctx, node);
  if (pair && node && range && !isInlineScalar(ctx, node))
    return replaceNodeValue(ctx, pair, node, yamlScalar(value));
  if (pair && range) return replaceScalar(ctx, range, value);
  if (pair) return writeAfterKey(ctx, pair, yamlScalar(value));
  return insertEntry(ctx, map, key, yamlScalar(value));
}

/**
 * Gives a `key:` written with no value its value, right after the colon: inserting the entry
 * again wrote a duplicate key (found by fuzzing, in the editor's fix for an empty scope label).
 */
function writeAfterKey(ctx: DocumentContext, pair: Pair, valueText: string): TextEdit {
  return writeValueAfterKey(ctx, (pair.key as Node | null)?.range?.[1] ?? 0, valueText);
}

/** A value for a key written with none: `: value` from the key's end over its colon. */
export function writeValueAfterKey(ctx: DocumentContext, keyEnd: number, valueText: string): TextEdit {
  const colon = ctx.source.text.indexOf(':', keyEnd);
  const at = colon < 0 ? keyEnd : colon + 1;
  return { range: rangeAt(ctx.source, keyEnd, at), newText: `: ${valueText}` };
}

function nodeRangeOf(ctx: DocumentContext, node: Node | null | undefined): Range | undefined {
  if (!node?.range || (isScalar(node) && node.value === null && node.range[0] === node.range[1]))
    return undefined;
  return rangeAt(ctx.source, node.range[0], node.range[1]);
}

/**
 * Sets a label (or annotation) on a resource, creating `metadata.labels` when it is missing, with the
 * file's indentation. Returns the edits to make, or none when the label already has that value.
 */
export function setMetadataEntry(
  resource: Resource,
  section: 'labels' | 'annotations',
  key: string,
  value: string,
): TextEdit[] {
  const metadata = asMap(resource, getPath(resource, resource.node, ['metadata']));
  if (!metadata) return [];
  const existing = asMap(resource, getPath(resource, metadata, [section]));
  if (existing) {
    const current = findOwnPair(resource, existing, key);
    if (current && isScalar(current.value) && String(current.value.value) === value) return [];
    return [setEntry(resource, existing, key, value)];
  }
  const pair = findOwnPair(resource, metadata, section);
  // A section that is there but not a map (`labels: global`, a list, `~`) cannot take an entry:
  // writing one under its key, or a second `labels` into a flow map, broke the YAML (found by
  // fuzzing). Kubernetes rejects such a section anyway; no edit is offered.
  if (pair && (metadata.flow || nodeRangeOf(resource, pair.value as Node | null))) return [];
  const entry = `${key}: ${yamlScalar(value)}`;
  if (metadata.flow) return [insertEntry(resource, metadata, section, `{ ${entry} }`)];
  const unit = indentUnit(resource, resource.node);
  const firstKey = metadata.items[0]?.key as Node | undefined;
  const childIndent = ' '.repeat((firstKey?.range ? entryColumn(resource, firstKey.range[0]) : 0) + unit);
  if (pair) {
    // `labels:` with no value (null): write the entry under the key.
    const keyEnd = (pair.key as Node).range?.[1] ?? 0;
    const at = endOfLine(resource.source.text, keyEnd);
    return [
      { range: rangeAt(resource.source, at, at), newText: `${lineEnding(resource)}${childIndent}${entry}` },
    ];
  }
  return [insertEntry(resource, metadata, section, `${lineEnding(resource)}${childIndent}${entry}`)];
}

/**
 * Removes `key: value` from a map. In a block map the pair's whole lines go (comments on other
 * lines stay); in a flow map the entry and one adjacent comma go.
 */
export function removeEntry(ctx: DocumentContext, map: YAMLMap, key: string): TextEdit | undefined {
  const index = map.items.findIndex((pair) => keyText(ctx, pair) === key);
  const pair = map.items[index] as Pair | undefined;
  const keyNode = pair?.key as Node | undefined;
  if (!pair || !keyNode?.range) return undefined;
  const text = ctx.source.text;
  const start = keyNode.range[0];
  const end = valueEnd(ctx, (pair.value ?? pair.key) as Node, keyNode.range[1]);
  if (map.flow) {
    const next = map.items[index + 1]?.key as Node | undefined;
    const previous = map.items[index - 1] as Pair | undefined;
    if (next?.range) return { range: rangeAt(ctx.source, start, next.range[0]), newText: '' };
    if (previous) {
      const previousEnd = valueEnd(ctx, (previous.value ?? previous.key) as Node, start);
      return { range: rangeAt(ctx.source, previousEnd, end), newText: '' };
    }
    return { range: rangeAt(ctx.source, start, end), newText: '' };
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start).trim() !== '') {
    // The key shares its line with something (`- key: value`): remove just the entry.
    return { range: rangeAt(ctx.source, start, endOfLine(text, end)), newText: '' };
  }
  const lineAfter = text.indexOf('\n', end);
  const removeTo = lineAfter < 0 ? text.length : lineAfter + 1;
  return { range: rangeAt(ctx.source, lineStart, removeTo), newText: '' };
}

/** Appends YAML documents at the end of a file, after a `---` separator. */
export function appendDocuments(ctx: DocumentContext, documents: string[]): TextEdit {
  const text = ctx.source.text;
  const eol = lineEnding(ctx);
  const separator = text.length === 0 || text.endsWith('\n') ? '' : eol;
  const body = documents
    .map((document) => `---${eol}${document.replaceAll('\n', eol).replace(/(\r?\n)*$/, '')}${eol}`)
    .join('');
  const end = text.length;
  return { range: rangeAt(ctx.source, end, end), newText: `${separator}${body}` };
}

/** The pair of a map by key, for callers that need its nodes (e.g. to delete a whole entry). */
export function pairOf(ctx: DocumentContext, node: Node | undefined, key: string): Pair | undefined {
  const map = asMap(ctx, node);
  return map ? findPair(ctx, map, key) : undefined;
}
