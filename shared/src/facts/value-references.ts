import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { rangeAt } from '../text/source';
import { type Located, sourceOfNode } from '../yaml/nodes';
import { isRendered, type Resource } from '../yaml/resource';
import { valueOffsets, writtenAt } from '../yaml/scalar-offsets';
import type { HostReference } from './declarations';
import { meshHostnamesIn } from './hostname-tokens';
import {
  DISTRIBUTION_ANNOTATION,
  IGNORE_ANNOTATION,
  NETWORK_LABEL,
  SCOPE_LABEL,
  SEGMENT_LABEL,
  TAKEOVER_LABEL,
} from './mesh-labels';
import { describeValuePlace, type ValuePath } from './value-place';

// SPEC §9 "Global hostnames outside routes": a global-looking hostname in any string value of an
// object (an env value, a command's argument, a ConfigMap entry, an annotation, a URL) is a
// reference, checked like a route's host. Each is located exactly, inside its string: the
// hostname's own characters, so a finding underlines it and a fix rewrites only it.

/** Entries whose values are no text a client reads, or are the object's own identity. */
const SKIPPED_METADATA = new Set(['name', 'namespace', 'generateName', 'managedFields', 'uid']);
/** The mesh's own keys hold scope and distribution values; the last applied configuration repeats the object. */
const SKIPPED_ENTRIES = new Set([
  SCOPE_LABEL,
  TAKEOVER_LABEL,
  DISTRIBUTION_ANNOTATION,
  SEGMENT_LABEL,
  NETWORK_LABEL,
  IGNORE_ANNOTATION,
  'kubectl.kubernetes.io/last-applied-configuration',
]);
// Far deeper than any Kubernetes object; a hostile document nested thousands deep stops here.
const MAX_DEPTH = 64;

/**
 * The hostnames written in the object's string values, except where `routeReferences` (its routes'
 * and rules' host fields, extracted with their own roles) already read them.
 */
export function valueReferences(
  resource: Resource,
  routeReferences: readonly HostReference[],
  /** For a rendered object: whether any file the rendering read besides its base mentions the mesh. */
  writtenElsewhereMayMention = true,
  /** Segment domains that do not mention the mesh (hostname-tokens.ts). */
  domains: readonly string[] = [],
): HostReference[] {
  const root = resource.node;
  if (!mayHoldHostnames(resource, root, writtenElsewhereMayMention, domains)) return [];
  const found: HostReference[] = [];
  const routeHosts = new Set(routeReferences.map((reference) => placeKey(reference.host)));
  const path: ValuePath = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isScalar(node)) {
      if (typeof node.value === 'string' && path.length > 0)
        addHostnames(resource, node, path, routeHosts, found, domains);
      return;
    }
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        path.push({ key: index, node });
        visit(item, depth + 1);
        path.pop();
      });
      return;
    }
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || skipped(resource, path, key)) continue;
      path.push({ key, node });
      visit(pair.value, depth + 1);
      path.pop();
    }
  };
  visit(root, 0);
  return found;
}

/**
 * Whether the object's text mentions the mesh at all: most objects do not, and are passed over
 * without walking their nodes. A rendered object holds nodes of other files (an overlay's patch,
 * an added annotation), which its own text does not show: it is walked unless none of the files its
 * rendering read mentions the mesh either (walking every rendered object was 0.9 s of a 7 s check
 * of the 10k workspace laid out as overlays).
 */
function mayHoldHostnames(
  resource: Resource,
  root: YAMLMap,
  writtenElsewhereMayMention: boolean,
  domains: readonly string[],
): boolean {
  if (isRendered(resource) && writtenElsewhereMayMention) return true;
  const text = resource.source.text;
  const [start = 0, , end = text.length] = root.range ?? [];
  if (mentions(text, 'mesh', start, end) || mentions(text, 'internal', start, end)) return true;
  return domains.some((domain) => mentions(text, domain, start, end));
}

// Searched within the object only: `indexOf` from `start` ran on to the end of the file when the
// object did not mention the word, so a file of N such documents cost N times its size (a 1.2 MB
// file of Services without routes took 3 s to read). A slice of a string is a view, not a copy.
function mentions(text: string, word: string, start: number, end: number): boolean {
  return text.slice(start, end).includes(word);
}

/** Values the scan leaves alone: see SKIPPED_METADATA, SKIPPED_ENTRIES; Secrets' `data` is base64. */
function skipped(resource: Resource, path: ValuePath, key: string): boolean {
  if (path.length === 0)
    return (
      key === 'apiVersion' ||
      key === 'kind' ||
      key === 'status' ||
      (key === 'data' && resource.kind === 'Secret') ||
      key === 'binaryData'
    );
  if (path.length === 1 && path[0]?.key === 'metadata') return SKIPPED_METADATA.has(key);
  if (path.length === 2 && path[0]?.key === 'metadata') return SKIPPED_ENTRIES.has(key);
  return false;
}

function addHostnames(
  resource: Resource,
  node: Scalar,
  path: ValuePath,
  routeHosts: ReadonlySet<string>,
  found: HostReference[],
  domains: readonly string[],
): void {
  const value = node.value as string;
  const tokens = meshHostnamesIn(value, domains);
  if (tokens.length === 0) return;
  const source = sourceOfNode(resource, node);
  const offsets = valueOffsets(source.text, node, value);
  if (!offsets) return;
  const file = source === resource.source ? undefined : source.path;
  if (routeHosts.has(placeKey({ range: rangeAt(source, node.range?.[0] ?? 0, node.range?.[0] ?? 0), file })))
    return;
  const where = describeValuePlace(resource, path);
  for (const token of tokens) {
    const at = writtenAt(source.text, offsets, value, token.index, token.host.length);
    if (at === undefined) continue;
    const host: Located<string> = { value: token.host, range: rangeAt(source, at, at + token.host.length) };
    if (file) host.file = file;
    found.push({ resource, role: 'value', host, where });
  }
}

/** Where a value starts, to know a scalar that a route's host field already read. */
function placeKey(located: Pick<Located<string>, 'range' | 'file'>): string {
  const { line, character } = located.range.start;
  return `${located.file ?? ''}\u0000${line}:${character}`;
}
