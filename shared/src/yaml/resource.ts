import type { Node, YAMLMap } from 'yaml';
import {
  type DocumentContext,
  getPath,
  type Located,
  locatedString,
  nodeRange,
  stringEntries,
} from './nodes';
import type { Range } from './source';

/** One Kubernetes object as written in a file: a document's root map, or an item of a `List`. */
export interface Resource extends DocumentContext {
  /** Index of the YAML document in its file (0-based). */
  docIndex: number;
  node: YAMLMap;
  apiVersion: string;
  kind: string;
  /** `group` part of apiVersion; '' for the core group (`v1`). */
  group: string;
  name?: Located<string>;
  /** As written; a namespaced resource without one lives in `default` (see `namespaceOf`). */
  namespace?: Located<string>;
  labels: Map<string, Located<string>>;
  annotations: Map<string, Located<string>>;
  range: Range;
}

export function createResource(ctx: DocumentContext, docIndex: number, node: YAMLMap): Resource | undefined {
  const apiVersion = locatedString(ctx, getPath(ctx, node, ['apiVersion']))?.value;
  const kind = locatedString(ctx, getPath(ctx, node, ['kind']))?.value;
  if (!apiVersion || !kind) return undefined;
  const range = nodeRange(ctx, node);
  if (!range) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return {
    ...ctx,
    docIndex,
    node,
    apiVersion,
    kind,
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    name: locatedString(ctx, getPath(ctx, node, ['metadata', 'name'])),
    namespace: locatedString(ctx, getPath(ctx, node, ['metadata', 'namespace'])),
    labels: stringEntries(ctx, getPath(ctx, node, ['metadata', 'labels'])),
    annotations: stringEntries(ctx, getPath(ctx, node, ['metadata', 'annotations'])),
    range,
  };
}

export function namespaceOf(resource: Resource): string {
  return resource.namespace?.value || 'default';
}

export function field(resource: Resource, path: readonly (string | number)[]): Node | undefined {
  return getPath(resource, resource.node, path);
}

/** `Kind namespace/name`, for messages. */
export function describeResource(resource: Resource): string {
  const name = resource.name?.value ?? '(unnamed)';
  return resource.kind === 'Namespace'
    ? `Namespace ${name}`
    : `${resource.kind} ${namespaceOf(resource)}/${name}`;
}
