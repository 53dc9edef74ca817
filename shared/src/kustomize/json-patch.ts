import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { SourceFile } from '../text/source';
import type { DocumentContext } from '../yaml/nodes';
import { copyRendered, scalarAt } from './clone';
import { pairIn, removeKey, setPair, textOf } from './tree';

/** One operation of a JSON patch (RFC 6902), its nodes copied from the patch with their file marked. */
export interface JsonOperation {
  op: string;
  path: string;
  /** The `path` value, where a key the operation adds is said to be written. */
  pathNode: Node;
  from?: string;
  value?: Node;
  /** The operation's map, for a note about it. */
  node: Node;
}

/** A JSON pointer's reference tokens, `~1` read as `/` and `~0` as `~` (in that order, per RFC 6901). */
export function pointerTokens(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Where an operation acts: the container and the token naming its member. */
interface Location {
  parent: Node;
  token: string;
}

function locate(root: YAMLMap, pointer: string): Location | string {
  const tokens = pointerTokens(pointer);
  if (!tokens) return `path ${pointer} is not a JSON pointer`;
  if (tokens.length === 0) return 'an operation on the whole object';
  let current: Node = root;
  for (const token of tokens.slice(0, -1)) {
    const next = member(current, token);
    if (!next) return `path ${pointer} does not exist`;
    current = next;
  }
  return { parent: current, token: tokens[tokens.length - 1] as string };
}

function member(node: Node, token: string): Node | undefined {
  if (isMap(node)) {
    const value = pairIn(node, token)?.value;
    return value === null ? undefined : (value as Node | undefined);
  }
  if (isSeq(node)) {
    const index = arrayIndex(token, node.items.length - 1);
    return index === undefined ? undefined : (node.items[index] as Node);
  }
  return undefined;
}

function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= max ? index : undefined;
}

/**
 * Applies the operations in order to a rendered object; on the first that fails (kustomize stops
 * the build there) returns what went wrong, the object keeping the operations before it.
 */
export function applyJsonPatch(
  ctx: DocumentContext,
  root: YAMLMap,
  operations: readonly JsonOperation[],
  patchFile: SourceFile,
): { failed: JsonOperation; reason: string } | undefined {
  for (const operation of operations) {
    const reason = applyOperation(ctx, root, operation, patchFile);
    if (reason) return { failed: operation, reason };
  }
  return undefined;
}

function applyOperation(
  ctx: DocumentContext,
  root: YAMLMap,
  operation: JsonOperation,
  patchFile: SourceFile,
): string | undefined {
  switch (operation.op) {
    case 'add':
    case 'replace': {
      if (!operation.value) return `${operation.op} without a value`;
      return put(root, operation, operation.value, patchFile, operation.op === 'replace');
    }
    case 'remove': {
      const taken = take(root, operation.path);
      return typeof taken === 'string' ? taken : undefined;
    }
    case 'move':
    case 'copy': {
      if (operation.from === undefined) return `${operation.op} without from`;
      const found = locate(root, operation.from);
      if (typeof found === 'string') return found;
      const source = member(found.parent, found.token);
      if (!source) return `from ${operation.from} does not exist`;
      let value = copyRendered(ctx, source);
      if (operation.op === 'move') {
        const taken = take(root, operation.from);
        if (typeof taken === 'string') return taken;
        value = taken;
      }
      return put(root, operation, value, patchFile, false);
    }
    case 'test': {
      const found = locate(root, operation.path);
      if (typeof found === 'string') return found;
      const actual = member(found.parent, found.token);
      const same =
        actual &&
        operation.value &&
        JSON.stringify(actual.toJSON()) === JSON.stringify(operation.value.toJSON());
      return same ? undefined : `test of ${operation.path} failed`;
    }
    default:
      return `unknown operation ${operation.op}`;
  }
}

/** Adds (or replaces) the value at the operation's path. */
function put(
  root: YAMLMap,
  operation: JsonOperation,
  value: Node,
  patchFile: SourceFile,
  mustExist: boolean,
): string | undefined {
  const found = locate(root, operation.path);
  if (typeof found === 'string') return found;
  const { parent, token } = found;
  if (isMap(parent)) {
    if (mustExist && !pairIn(parent, token)) return `path ${operation.path} does not exist`;
    setPair(parent, scalarAt(token, operation.pathNode, patchFile), value);
    return undefined;
  }
  if (isSeq(parent)) {
    if (mustExist) {
      const index = arrayIndex(token, parent.items.length - 1);
      if (index === undefined) return `path ${operation.path} does not exist`;
      parent.items[index] = value;
      return undefined;
    }
    const index = token === '-' ? parent.items.length : arrayIndex(token, parent.items.length);
    if (index === undefined) return `index ${token} is out of range in ${operation.path}`;
    parent.items.splice(index, 0, value);
    return undefined;
  }
  return `path ${operation.path} is inside a scalar`;
}

/** Removes the value at a path and returns it, or what went wrong. */
function take(root: YAMLMap, pointer: string): Node | string {
  const found = locate(root, pointer);
  if (typeof found === 'string') return found;
  const { parent, token } = found;
  const value = member(parent, token);
  if (!value) return `path ${pointer} does not exist`;
  if (isMap(parent)) removeKey(parent, token);
  else if (isSeq(parent)) parent.items.splice(Number(token), 1);
  return value;
}

/** The operations of a JSON patch document (a sequence of maps), or what is wrong with it. */
export function readOperations(seq: Node): JsonOperation[] | string {
  if (!isSeq(seq)) return 'a JSON patch that is not a list of operations';
  const operations: JsonOperation[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) return 'a JSON patch operation that is not a map';
    const op = textOf(pairIn(item, 'op')?.value);
    const pathNode = pairIn(item, 'path')?.value as Node | undefined;
    const path = textOf(pathNode);
    if (!op || path === undefined || !pathNode) return 'a JSON patch operation without op or path';
    const value = pairIn(item, 'value')?.value as Node | undefined;
    const from = textOf(pairIn(item, 'from')?.value);
    operations.push({
      op,
      path,
      pathNode,
      node: item,
      ...(value !== undefined && value !== null ? { value } : {}),
      ...(from !== undefined ? { from } : {}),
    });
  }
  return operations;
}
