import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, TAKEOVER_LABEL } from '../model/mesh-labels';
import type { MeshModel } from '../model/types';
import { reachableEndpoints } from '../reach/reach-from';
import { namespaceOf } from '../yaml/resource';
import { containsPosition, type Position, type Range } from '../yaml/source';
import { MESH_KEY_DOCS } from './mesh-key-docs';

export interface CompletionItem {
  label: string;
  kind: 'value' | 'hostname' | 'key';
  detail?: string;
  documentation?: string;
  sortText: string;
  /** The text to replace: the partial word before the cursor. */
  range: Range;
}

// Completion reads the line being typed rather than the parse: mid-edit YAML is often broken,
// and the context (which key, under which parent) is visible in the text itself.
const VALUE_AFTER_KEY = /(?:^|[\s{,-])([\w./-]+)\s*:\s*["']?([^"'\s,{}]*)$/;
const LIST_ITEM = /^(\s*)-\s*["']?([^"'\s]*)$/;
const KEY_ONLY = /^(\s*)([\w./-]*)$/;

export function completionsAt(
  model: MeshModel,
  file: string,
  text: string,
  requested: Position,
): CompletionItem[] {
  const lines = text.split(/\r\n|\r|\n/);
  const lineText = lines[requested.line];
  if (lineText === undefined) return [];
  // LSP: a character past the line's end means the end. Unclamped, the replaced range lay outside
  // the document (found by fuzzing).
  const position = {
    line: requested.line,
    character: Math.max(0, Math.min(requested.character, lineText.length)),
  };
  const line = lineText.slice(0, position.character);
  const value = VALUE_AFTER_KEY.exec(line);
  if (value?.[1] !== undefined) {
    const partial = value[2] ?? '';
    const range = partialRange(position, partial);
    return valueCompletions(model, file, lines, position, value[1], range);
  }
  const item = LIST_ITEM.exec(line);
  // A list item may sit at its parent key's column (`hosts:` then `- a` below it, same indent).
  if (item && parentKey(lines, position.line, (item[1]?.length ?? 0) + 1) === 'hosts') {
    return hostnameCompletions(model, file, position, partialRange(position, item[2] ?? ''));
  }
  const key = KEY_ONLY.exec(line);
  if (key) {
    const parent = parentKey(lines, position.line, key[1]?.length ?? 0);
    const range = partialRange(position, key[2] ?? '');
    if (parent === 'labels') return keyCompletions([SCOPE_LABEL, TAKEOVER_LABEL], range);
    if (parent === 'annotations') return keyCompletions([DISTRIBUTION_ANNOTATION], range);
  }
  return [];
}

function partialRange(position: Position, partial: string): Range {
  return { start: { line: position.line, character: position.character - partial.length }, end: position };
}

/**
 * The nearest key above `lineNumber` whose key column is left of `column`: the map or list this line
 * belongs to. Key columns count a leading `- `, so keys of the same list item are siblings.
 */
function parentKey(lines: string[], lineNumber: number, column: number): string | undefined {
  for (let index = lineNumber - 1; index >= 0; index--) {
    const text = lines[index] ?? '';
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (keyColumn(text) >= column) continue;
    const match = /^\s*(?:-\s+)?([\w./-]+)\s*:/.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

function keyColumn(line: string): number {
  return /^\s*(?:-\s+)?/.exec(line)?.[0].length ?? 0;
}

function valueCompletions(
  model: MeshModel,
  file: string,
  lines: string[],
  position: Position,
  key: string,
  range: Range,
): CompletionItem[] {
  const doc = MESH_KEY_DOCS[key];
  if (doc) {
    return doc.values
      .filter((entry) => entry.value !== '')
      .map((entry, index) => ({
        label: entry.value,
        kind: 'value',
        documentation: entry.meaning,
        sortText: String(index).padStart(3, '0'),
        range,
      }));
  }
  const inBackendRef = ['backendRefs', 'backendRef'].includes(
    parentKey(lines, position.line, keyColumn(lines[position.line] ?? '')) ?? '',
  );
  if (key === 'host' || (key === 'name' && inBackendRef))
    return hostnameCompletions(model, file, position, range);
  if (key === 'kind' && inBackendRef) return plainValues(['Hostname', 'Service'], range);
  if (key === 'group' && inBackendRef) return plainValues(['networking.istio.io'], range);
  return [];
}

function plainValues(values: string[], range: Range): CompletionItem[] {
  return values.map((label, index) => ({
    label,
    kind: 'value',
    sortText: String(index).padStart(3, '0'),
    range,
  }));
}

function keyCompletions(keys: string[], range: Range): CompletionItem[] {
  return keys.map((label, index) => ({
    label,
    kind: 'key',
    documentation: MESH_KEY_DOCS[label]?.summary,
    sortText: String(index).padStart(3, '0'),
    range,
  }));
}

/** Global hostnames, ranked: same namespace first, then those with ready endpoints reachable from here. */
function hostnameCompletions(
  model: MeshModel,
  file: string,
  position: Position,
  range: Range,
): CompletionItem[] {
  const context = resourceContext(model, file, position);
  return [...model.globalServices.values()].map((service) => {
    const sameNamespace = context && service.namespace === context.namespace;
    const endpoints = context ? reachableEndpoints(model, service, context.cluster) : undefined;
    const reachable = endpoints === undefined || endpoints > 0;
    const rank = (sameNamespace ? 0 : 2) + (reachable ? 0 : 1);
    return {
      label: service.hostname,
      kind: 'hostname',
      detail: context
        ? reachable
          ? `${endpoints} endpoint(s) reachable from ${context.cluster}`
          : `unreachable from ${context.cluster}`
        : `in ${service.instances.map((instance) => instance.cluster).join(', ')}`,
      sortText: `${rank}-${service.hostname}`,
      range,
    };
  });
}

function resourceContext(model: MeshModel, file: string, position: Position) {
  const entry = model.files.get(file);
  if (!entry) return undefined;
  const resource = entry.parsed.resources.find((candidate) => containsPosition(candidate.range, position));
  const namespace = resource ? namespaceOf(resource) : undefined;
  return namespace
    ? { cluster: entry.assignment.cluster, namespace }
    : { cluster: entry.assignment.cluster, namespace: 'default' };
}
