import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { sortedGlobalServices } from '../model/indexes';
import type { GlobalService, MeshModel } from '../model/types';
import { reachableEndpoints } from '../reach/reach-from';
import { containsPosition, type Position, type Range } from '../text/source';
import { namespaceOf } from '../yaml/resource';
import { cachedMatchTarget, MatchQuality, matchHostname, prepareQuery } from './hostname-match';
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

export interface CompletionList {
  items: CompletionItem[];
  /**
   * More items match than were returned (LSP `CompletionList.isIncomplete`): the client must ask again
   * as the user types rather than filter this list.
   */
  isIncomplete: boolean;
}

/** At most this many hostnames per answer; a workspace can have thousands. */
export const HOSTNAME_COMPLETION_LIMIT = 100;

// Completion reads the line being typed rather than the parse: mid-edit YAML is often broken,
// and the context (which key, under which parent) is visible in the text itself.
const VALUE_AFTER_KEY = /(?:^|[\s{,-])([\w./-]+)\s*:\s*["']?([^"'\s,{}]*)$/;
const LIST_ITEM = /^(\s*)-\s*["']?([^"'\s]*)$/;
const KEY_ONLY = /^(\s*)([\w./-]*)$/;

/** The items of {@link completionListAt}, without saying whether the list is complete. */
export function completionsAt(
  model: MeshModel,
  file: string,
  text: string,
  requested: Position,
): CompletionItem[] {
  return completionListAt(model, file, text, requested).items;
}

const EMPTY: CompletionList = { items: [], isIncomplete: false };
const complete = (items: CompletionItem[]): CompletionList => ({ items, isIncomplete: false });

export function completionListAt(
  model: MeshModel,
  file: string,
  text: string,
  requested: Position,
): CompletionList {
  const lines = text.split(/\r\n|\r|\n/);
  const lineText = lines[requested.line];
  if (lineText === undefined) return EMPTY;
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
    return valueCompletions(model, file, lines, position, value[1], partial, range);
  }
  const item = LIST_ITEM.exec(line);
  // A list item may sit at its parent key's column (`hosts:` then `- a` below it, same indent).
  if (item && parentKey(lines, position.line, (item[1]?.length ?? 0) + 1) === 'hosts') {
    const partial = item[2] ?? '';
    return hostnameCompletions(model, file, position, partial, partialRange(position, partial));
  }
  const key = KEY_ONLY.exec(line);
  if (key) {
    const parent = parentKey(lines, position.line, key[1]?.length ?? 0);
    const range = partialRange(position, key[2] ?? '');
    if (parent === 'labels') return complete(keyCompletions([SCOPE_LABEL, TAKEOVER_LABEL], range));
    if (parent === 'annotations') return complete(keyCompletions([DISTRIBUTION_ANNOTATION], range));
  }
  return EMPTY;
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
  partial: string,
  range: Range,
): CompletionList {
  const doc = MESH_KEY_DOCS[key];
  if (doc) {
    // A handful of values: the client filters them itself.
    return complete(
      doc.values
        .filter((entry) => entry.value !== '')
        .map((entry, index) => ({
          label: entry.value,
          kind: 'value',
          documentation: entry.meaning,
          sortText: String(index).padStart(3, '0'),
          range,
        })),
    );
  }
  const inBackendRef = ['backendRefs', 'backendRef'].includes(
    parentKey(lines, position.line, keyColumn(lines[position.line] ?? '')) ?? '',
  );
  if (key === 'host' || (key === 'name' && inBackendRef))
    return hostnameCompletions(model, file, position, partial, range);
  if (key === 'kind' && inBackendRef) return complete(plainValues(['Hostname', 'Service'], range));
  if (key === 'group' && inBackendRef) return complete(plainValues(['networking.istio.io'], range));
  return EMPTY;
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

// Reachable endpoint counts computed so far, per model (models are immutable) and client cluster:
// only the hostnames a request ranks are computed.
const reachCaches = new WeakMap<MeshModel, Map<string, Map<GlobalService, number>>>();

function reachableFrom(model: MeshModel, service: GlobalService, cluster: string): number {
  let byCluster = reachCaches.get(model);
  if (!byCluster) {
    byCluster = new Map();
    reachCaches.set(model, byCluster);
  }
  let counts = byCluster.get(cluster);
  if (!counts) {
    counts = new Map();
    byCluster.set(cluster, counts);
  }
  let endpoints = counts.get(service);
  if (endpoints === undefined) {
    endpoints = reachableEndpoints(model, service, cluster);
    counts.set(service, endpoints);
  }
  return endpoints;
}

const byHostname = (a: GlobalService, b: GlobalService) =>
  a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0;

/** Groups of matches: four match qualities, each split into same namespace and other namespaces. */
const GROUPS = (MatchQuality.Fuzzy + 1) * 2;

/**
 * Global hostnames matching what is typed, best first: by match quality (prefix, part starts,
 * substring, fuzzy), then same namespace, then with ready endpoints reachable from this cluster,
 * then by name. At most {@link HOSTNAME_COMPLETION_LIMIT}; reach is computed only for the hostnames
 * that compete for a place. A model is rebuilt on every edit, so nothing here is built per model
 * for every hostname: matching is cheap and its per-hostname part is cached by hostname.
 */
function hostnameCompletions(
  model: MeshModel,
  file: string,
  position: Position,
  typed: string,
  range: Range,
): CompletionList {
  const context = resourceContext(model, file, position);
  const query = prepareQuery(typed);
  const groups: GlobalService[][] = Array.from({ length: GROUPS }, () => []);
  let matched = 0;
  for (const service of sortedGlobalServices(model)) {
    const quality = matchHostname(query, cachedMatchTarget(model.cache, service.hostname));
    if (quality === undefined) continue;
    const sameNamespace = context !== undefined && service.namespace === context.namespace;
    (groups[quality * 2 + (sameNamespace ? 0 : 1)] as GlobalService[]).push(service);
    matched++;
  }
  const items: CompletionItem[] = [];
  for (const [group, services] of groups.entries()) {
    const room = HOSTNAME_COMPLETION_LIMIT - items.length;
    if (room <= 0) break;
    if (services.length === 0) continue;
    services.sort(byHostname);
    const quality = group >> 1;
    const sameNamespace = group % 2 === 0;
    if (!context) {
      for (const service of services.slice(0, room))
        items.push(hostnameItem(service, quality, sameNamespace, undefined, undefined, range));
      continue;
    }
    // Reachable ones first: walk in name order until the reachable ones fill the room.
    const reachable: [GlobalService, number][] = [];
    const unreachable: GlobalService[] = [];
    for (const service of services) {
      const endpoints = reachableFrom(model, service, context.cluster);
      if (endpoints > 0) reachable.push([service, endpoints]);
      else unreachable.push(service);
      if (reachable.length === room) break;
    }
    for (const [service, endpoints] of reachable)
      items.push(hostnameItem(service, quality, sameNamespace, context.cluster, endpoints, range));
    for (const service of unreachable.slice(0, room - reachable.length))
      items.push(hostnameItem(service, quality, sameNamespace, context.cluster, 0, range));
  }
  return { items, isIncomplete: matched > items.length };
}

function hostnameItem(
  service: GlobalService,
  quality: number,
  sameNamespace: boolean,
  cluster: string | undefined,
  endpoints: number | undefined,
  range: Range,
): CompletionItem {
  const reachable = endpoints === undefined || endpoints > 0;
  const rank = (sameNamespace ? 0 : 2) + (reachable ? 0 : 1);
  const where = clusterList(service);
  return {
    label: service.hostname,
    kind: 'hostname',
    detail:
      cluster === undefined
        ? where
        : reachable
          ? `${endpoints} endpoint(s) reachable from ${cluster} · ${where}`
          : `unreachable from ${cluster} · ${where}`,
    sortText: `${quality}${rank}-${service.hostname}`,
    range,
  };
}

/** `in a, b, c`, or `in a, b and 5 more clusters`: short enough for a completion detail. */
function clusterList(service: GlobalService): string {
  const names = service.instances.map((instance) => instance.cluster);
  if (names.length <= 3) return `in ${names.join(', ')}`;
  return `in ${names.slice(0, 2).join(', ')} and ${names.length - 2} more clusters`;
}

function resourceContext(model: MeshModel, file: string, position: Position) {
  const entry = model.files.get(file);
  // A file placed in several clusters completes for the first: hostnames are the same in each.
  const placement = entry?.placements[0];
  if (!placement) return undefined;
  const resource = placement.resources.find((candidate) => containsPosition(candidate.range, position));
  return { cluster: placement.cluster, namespace: resource ? namespaceOf(resource) : 'default' };
}
