import type { Node, YAMLMap } from 'yaml';
import type { TextEdit } from '../text/findings';
import { type DocumentContext, keyText, nodeRange } from '../yaml/nodes';
import { insertEntry, isInlineScalar, replaceNodeValue, setEntry, yamlScalar } from './yaml-edits';

type EntryValue = string | number;

function yamlValue(value: EntryValue): string {
  return typeof value === 'number' ? String(value) : yamlScalar(value);
}

/**
 * Sets several keys of one map (numbers are written as YAML numbers). Existing keys are replaced in
 * place; missing ones are inserted together as ONE edit, because separate inserts at the same point
 * would land in arbitrary order.
 */
export function setEntries(ctx: DocumentContext, map: YAMLMap, entries: [string, EntryValue][]): TextEdit[] {
  const edits: TextEdit[] = [];
  const missing: [string, EntryValue][] = [];
  for (const [key, value] of entries) {
    const pair = map.items.find((candidate) => keyText(ctx, candidate) === key);
    const range = pair && nodeRange(ctx, pair.value as Node);
    if (!pair || !range) missing.push([key, value]);
    else if (!isInlineScalar(ctx, pair.value as Node))
      edits.push(replaceNodeValue(ctx, pair, pair.value as Node, yamlValue(value)));
    else if (typeof value === 'number') edits.push({ range, newText: String(value) });
    else edits.push(setEntry(ctx, map, key, value));
  }
  const [first, ...rest] = missing;
  if (!first) return edits;
  const insert = insertEntry(ctx, map, first[0], yamlValue(first[1]));
  for (const [key, value] of rest) {
    insert.newText += map.flow
      ? `, ${key}: ${yamlValue(value)}`
      : insertEntry(ctx, map, key, yamlValue(value)).newText;
  }
  return [...edits, insert];
}
