import { isSeq, type Node, type YAMLMap } from 'yaml';
import type { FileEdit } from '../text/findings';
import { rangeAt } from '../text/source';
import { asMap, type DocumentContext, findPair, resolveAlias } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import { entryColumn, insertEntry, lineEnding, yamlScalar } from './yaml-edits';

/** The object a patch is for, as the kustomization sees it before its own transformers. */
export interface PatchTarget {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in the base; absent when the base leaves it to a kustomization or `-n`. */
  namespace?: string;
}

/**
 * Edits that add labels to one object through a kustomization (SPEC §9, "Fixes respect layers"): a
 * strategic-merge patch with a `target`, appended to the kustomization's `patches` (created when
 * missing), so only the clusters this kustomization feeds change. Undefined when `patches` is
 * written in a form an entry cannot be appended to (a flow list, a scalar).
 */
export function addLabelsPatch(
  kustomization: ParsedFile,
  target: PatchTarget,
  labels: Record<string, string>,
): FileEdit | undefined {
  const doc = kustomization.documents[0];
  if (!doc) return undefined;
  const ctx: DocumentContext = { source: kustomization.source, doc };
  const root = asMap(ctx, doc.contents);
  if (!root || root.flow) return undefined;
  const pair = findPair(ctx, root, 'patches');
  const newline = lineEnding(ctx);
  if (!pair) {
    const item = patchItem(target, labels).map((line) => `  ${line}`);
    const edit = insertEntry(ctx, root, 'patches', `${newline}${item.join(newline)}`);
    return { file: kustomization.source.path, edits: [edit] };
  }
  const list = resolveAlias(ctx, pair.value);
  if (!isSeq(list) || list.flow || list.items.length === 0) return undefined;
  return {
    file: kustomization.source.path,
    edits: [appendItem(ctx, root, list.items, patchItem(target, labels))],
  };
}

/** A new item after the list's last, at the column of its dashes. */
function appendItem(ctx: DocumentContext, root: YAMLMap, items: unknown[], lines: string[]) {
  const text = ctx.source.text;
  const first = items[0] as Node;
  const firstStart = first.range?.[0] ?? 0;
  // The dash stands before the first item's node on its line: its column is the list's.
  const lineStart = text.lastIndexOf('\n', firstStart - 1) + 1;
  const dash = text.indexOf('-', lineStart);
  const column = dash >= 0 && dash < firstStart ? dash - lineStart : entryColumn(ctx, firstStart);
  const [, , rootEnd = text.length] = root.range ?? [];
  const last = items[items.length - 1] as Node;
  const end = lastLineEnd(text, last.range?.[1] ?? rootEnd);
  const newline = lineEnding(ctx);
  const indent = ' '.repeat(column);
  return {
    range: rangeAt(ctx.source, end, end),
    newText: lines.map((line) => `${newline}${indent}${line}`).join(''),
  };
}

/** The end of the last non-blank line at or before `offset`. */
function lastLineEnd(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
  const newline = text.indexOf('\n', at);
  const end = newline < 0 ? text.length : newline;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/** `- target: …` and its `patch: |-` block, unindented. */
function patchItem(target: PatchTarget, labels: Record<string, string>): string[] {
  const targetLines = [
    `    kind: ${target.kind}`,
    `    name: ${yamlScalar(target.name)}`,
    ...(target.namespace ? [`    namespace: ${yamlScalar(target.namespace)}`] : []),
  ];
  const patch = [
    `apiVersion: ${target.apiVersion}`,
    `kind: ${target.kind}`,
    'metadata:',
    `  name: ${yamlScalar(target.name)}`,
    ...(target.namespace ? [`  namespace: ${yamlScalar(target.namespace)}`] : []),
    '  labels:',
    ...Object.entries(labels).map(([key, value]) => `    ${key}: ${yamlScalar(value)}`),
  ];
  return ['- target:', ...targetLines, '  patch: |-', ...patch.map((line) => `    ${line}`)];
}
