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
 * What a patch sets on its target, as the strategic-merge patch writes it: nested maps, lists and
 * strings (`{ metadata: { labels: { 'solo.io/service-scope': 'global' } } }`); `null` removes a key.
 */
export interface PatchFields {
  [key: string]: PatchValue;
}
export type PatchValue = string | number | boolean | null | PatchFields | PatchValue[];

/**
 * A JSON 6902 operation, for what a strategic merge cannot say as kustomize applies it: a `null`
 * under `metadata.annotations` of a targeted patch comes out as the string "null" (kubectl
 * kustomize v5), so removing an entry is an operation.
 */
export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: PatchValue;
}

/** What a patch says: fields to merge, or JSON 6902 operations. */
export type PatchBody = PatchFields | JsonPatchOperation[];

/** A JSON pointer (RFC 6901) to a path of keys: `/metadata/annotations/networking.istio.io~1traffic-distribution`. */
export function jsonPointer(keys: readonly string[]): string {
  return keys.map((key) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Edits that change one object through a kustomization (SPEC §9, "Fixes respect layers"): a
 * strategic-merge patch with a `target`, appended to the kustomization's `patches` (created when
 * missing), so only the clusters this kustomization feeds change. Undefined when `patches` is
 * written in a form an entry cannot be appended to (a flow list, a scalar).
 */
export function addPatch(
  kustomization: ParsedFile,
  target: PatchTarget,
  fields: PatchBody,
): FileEdit | undefined {
  const doc = kustomization.documents[0];
  if (!doc) return undefined;
  const ctx: DocumentContext = { source: kustomization.source, doc };
  const root = asMap(ctx, doc.contents);
  if (!root || root.flow) return undefined;
  const pair = findPair(ctx, root, 'patches');
  const newline = lineEnding(ctx);
  if (!pair) {
    const item = patchItem(target, fields).map((line) => `  ${line}`);
    const edit = insertEntry(ctx, root, 'patches', `${newline}${item.join(newline)}`);
    return { file: kustomization.source.path, edits: [edit] };
  }
  const list = resolveAlias(ctx, pair.value);
  if (!isSeq(list) || list.flow || list.items.length === 0) return undefined;
  return {
    file: kustomization.source.path,
    edits: [appendItem(ctx, root, list.items, patchItem(target, fields))],
  };
}

/** A patch that sets labels on one object (MESH101's, the exports'). */
export function addLabelsPatch(
  kustomization: ParsedFile,
  target: PatchTarget,
  labels: Record<string, string>,
): FileEdit | undefined {
  return addPatch(kustomization, target, { metadata: { labels } });
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
function patchItem(target: PatchTarget, fields: PatchBody): string[] {
  const targetLines = [
    `    kind: ${target.kind}`,
    `    name: ${yamlScalar(target.name)}`,
    ...(target.namespace ? [`    namespace: ${yamlScalar(target.namespace)}`] : []),
  ];
  if (Array.isArray(fields)) {
    const operations = fields.flatMap((operation) => itemLines({ ...operation } as PatchFields));
    return ['- target:', ...targetLines, '  patch: |-', ...operations.map((line) => `    ${line}`)];
  }
  const { metadata, ...rest } = fields;
  const identity: PatchFields = {
    name: target.name,
    ...(target.namespace ? { namespace: target.namespace } : {}),
  };
  const patch = [
    `apiVersion: ${target.apiVersion}`,
    `kind: ${target.kind}`,
    ...fieldLines({ metadata: { ...identity, ...(isFields(metadata) ? metadata : {}) }, ...rest }),
  ];
  return ['- target:', ...targetLines, '  patch: |-', ...patch.map((line) => `    ${line}`)];
}

function isFields(value: PatchValue | undefined): value is PatchFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Block YAML for a patch's fields, two spaces a level; list items as `- key: value` maps or scalars. */
function fieldLines(fields: PatchFields): string[] {
  return Object.entries(fields).flatMap(([key, value]) => entryLines(yamlKey(key), value));
}

function entryLines(key: string, value: PatchValue): string[] {
  if (isFields(value)) return [`${key}:`, ...indented(fieldLines(value))];
  if (Array.isArray(value)) return [`${key}:`, ...indented(value.flatMap(itemLines))];
  return [`${key}: ${scalarText(value)}`];
}

function itemLines(value: PatchValue): string[] {
  const lines = isFields(value)
    ? fieldLines(value)
    : Array.isArray(value)
      ? value.flatMap(itemLines)
      : [scalarText(value)];
  return lines.map((line, index) => `${index === 0 ? '-' : ' '} ${line}`);
}

function indented(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function scalarText(value: string | number | boolean | null): string {
  return typeof value === 'string' ? yamlScalar(value) : String(value);
}

// Keys as plain scalars where YAML reads them back alike: `$patch` (a strategic-merge directive) too.
function yamlKey(key: string): string {
  return /^\$[A-Za-z]+$/.test(key) ? key : yamlScalar(key);
}
