import type { Node, YAMLMap } from 'yaml';
import type { SourceFile } from '../text/source';
import { asMap, type DocumentContext, findPair, resolveAlias, scalarText, seqItems } from '../yaml/nodes';
import { YAML_SYNTAX } from '../yaml/parse-file';
import { isRemote, pathIn, resolvePath } from './paths';
import type { KustomizeWorkspace } from './types';

/** The names `kustomize build` looks for in a folder, in the order it tries them. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Whether a path names a kustomization file (one of the names `kustomize build` looks for). */
export function isKustomizationFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(name);
}

/** The kustomization file of a folder ('' is the root), if it holds one. */
export function kustomizationFileIn(folder: string, ws: KustomizeWorkspace): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const path = pathIn(folder, name);
    if (ws.file(path)) return path;
  }
  return undefined;
}

/** A kustomization as read: its file, its root map, and how to read its nodes. */
export interface Kustomization {
  path: string;
  folder: string;
  source: SourceFile;
  ctx: DocumentContext;
  root: YAMLMap;
  /** Whether it only gathers resources (`ONLY_GATHERING_FIELDS`): it changes none of the objects it is given. */
  onlyGathers: boolean;
}

/**
 * The fields of a kustomization that only gathers objects (an overlay that applies a base as it
 * is): every other field, known or not, may change them.
 */
const ONLY_GATHERING_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'bases',
]);

/** Whether a kustomization's fields (its keys as text, undefined when not a scalar) only gather objects. */
export function onlyGathers(fields: readonly (string | undefined)[]): boolean {
  return fields.every((field) => field !== undefined && ONLY_GATHERING_FIELDS.has(field));
}

/**
 * The root map of a kustomization file, or undefined when the file has a syntax error or is not a
 * map (`documents` is the file's documents, read once by the caller).
 */
export function kustomizationRoot(
  source: SourceFile,
  documents: readonly DocumentContext['doc'][],
  findings: readonly { code: string }[],
): { ctx: DocumentContext; root: YAMLMap } | undefined {
  if (findings.some((finding) => finding.code === YAML_SYNTAX)) return undefined;
  const doc = documents[0];
  if (!doc) return undefined;
  const ctx: DocumentContext = { source, doc };
  const root = asMap(ctx, doc.contents);
  return root ? { ctx, root } : undefined;
}

/** The value node of a field of a kustomization (aliases resolved). */
export function fieldOf(kustomization: Pick<Kustomization, 'ctx' | 'root'>, key: string): Node | undefined {
  const pair = findPair(kustomization.ctx, kustomization.root, key);
  return pair ? resolveAlias(kustomization.ctx, pair.value) : undefined;
}

/** The key node of a field, where a note about the field points. */
export function keyOf(kustomization: Pick<Kustomization, 'ctx' | 'root'>, key: string): Node | undefined {
  return findPair(kustomization.ctx, kustomization.root, key)?.key as Node | undefined;
}

export interface ListEntry {
  text: string;
  node: Node;
}

// The entries of a kustomization's list fields, by its root map (a parsed document's, never changed):
// a base is read by every overlay that includes it, through one set of documents.
const entriesByRoot = new WeakMap<YAMLMap, Map<string, readonly ListEntry[]>>();

/** The entries of a list field (`resources`, `components`) as text, each with its node. */
export function listEntries(
  kustomization: Pick<Kustomization, 'ctx' | 'root'>,
  key: string,
): readonly ListEntry[] {
  let byField = entriesByRoot.get(kustomization.root);
  if (!byField) {
    byField = new Map();
    entriesByRoot.set(kustomization.root, byField);
  }
  let entries = byField.get(key);
  if (!entries) {
    const list: ListEntry[] = [];
    for (const node of seqItems(kustomization.ctx, fieldOf(kustomization, key))) {
      const text = scalarText(kustomization.ctx, node);
      if (text) list.push({ text, node });
    }
    entries = list;
    byField.set(key, entries);
  }
  return entries;
}

/** The fields whose entries name other kustomizations' folders. */
const INCLUDING_FIELDS = ['resources', 'bases', 'components'];

/**
 * The folders that some of these kustomizations list as a resource or a component: a kustomization
 * in none of them is an entry point (SPEC §9).
 */
export function includedFolders(kustomizationFiles: string[], ws: KustomizeWorkspace): Set<string> {
  const folders = new Set<string>();
  for (const path of kustomizationFiles) {
    const parsed = ws.file(path);
    if (!parsed) continue;
    const read = kustomizationRoot(
      parsed.source,
      ws.documents?.(parsed) ?? parsed.documents,
      parsed.findings,
    );
    if (!read) continue;
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    for (const field of INCLUDING_FIELDS) {
      for (const entry of listEntries(read, field)) {
        if (isRemote(entry.text)) continue;
        const target = resolvePath(folder, entry.text);
        // A file listed as a resource is no folder; anything else is (held or missing).
        if (target !== undefined && !ws.file(target)) folders.add(target);
      }
    }
  }
  return folders;
}
