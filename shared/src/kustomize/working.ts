import type { YAMLMap } from 'yaml';
import type { DocumentContext } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import { idOf, type ResId } from './res-id';

/** An object being rendered: its tree (changed in place by each transformer) and its past ids. */
export interface Working {
  origin: Resource;
  node: YAMLMap;
  /** Reads the tree: its own nodes are in the origin's file, others are marked with theirs. */
  ctx: DocumentContext;
  /** The ids it had before its name or namespace changed, oldest first (kustomize's "previous ids"). */
  previous: ResId[];
  through: readonly string[];
  /**
   * The name prefixes and suffixes given to it, in the order given (kustomize's build annotations):
   * a name reference goes to the object renamed in the same layers as the referrer when several
   * objects had the referenced name.
   */
  prefixes: string[];
  suffixes: string[];
  /** A generated ConfigMap or Secret whose name takes its content's hash at the end of the build. */
  hashSuffix?: boolean;
  /** Its tree is shared with other overlays' (`RenderedObject.sharedTree`). */
  sharedTree?: true;
}

/** The id it was first read with (kustomize's `OrgId`). */
export function originalId(working: Working): ResId {
  return working.previous[0] ?? idOf(working.node);
}

/** Every id it had, its current one last: a patch or `replicas` entry may name any of them. */
export function everyId(working: Working): ResId[] {
  return [...working.previous, idOf(working.node)];
}

/** Remembers the current id before a transformer renames the object or moves it to another namespace. */
export function rememberId(working: Working): void {
  working.previous.push(idOf(working.node));
}
