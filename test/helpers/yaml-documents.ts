import { type Document, isNode, isPair, type Node } from 'yaml';
import { createSourceFile } from '../../shared/src/text/source';
import { composeDocuments } from '../../shared/src/yaml/document-cache';

// Documents compared as a whole parse reads them: every node's class, range and properties, every
// error and warning, comments and directives. An edited file read with its earlier documents
// (yaml/document-reuse.ts) must be equal to its text parsed under a path read for the first time.

/** The documents of `text` read as the file at `path`: with that file's earlier documents, when cached. */
export function documentsRead(path: string, text: string): Document.Parsed[] {
  return composeDocuments(createSourceFile(path, text)) ?? [];
}

let fresh = 0;

/** The documents of `text` parsed whole: under a path never read before. */
export function parsedWhole(text: string): Document.Parsed[] {
  fresh += 1;
  return documentsRead(`parsed-whole-${fresh}.yaml`, text);
}

export function describeDocument(doc: Document.Parsed): unknown {
  const error = (e: Document.Parsed['errors'][number]) => [e.constructor.name, e.code, e.pos, e.message];
  return {
    range: doc.range,
    errors: doc.errors.map(error),
    warnings: doc.warnings.map(error),
    commentBefore: doc.commentBefore,
    comment: doc.comment,
    directives: {
      docStart: doc.directives.docStart,
      docEnd: doc.directives.docEnd,
      yaml: doc.directives.yaml,
    },
    contents: describeNode(doc.contents),
  };
}

function describeNode(node: unknown): unknown {
  if (!isNode(node) && !isPair(node)) return node;
  const described: Record<string, unknown> = { class: node.constructor.name };
  for (const [key, value] of Object.entries(node)) {
    if (key === 'items') described.items = (value as unknown[]).map(describeNode);
    // yaml's `!!omap` binds its map methods to each object: a function is only said to be there.
    else described[key] = typeof value === 'function' ? 'a function' : describeNode(value);
  }
  return described;
}

/** Every node of the documents. */
export function nodesOf(docs: readonly Document.Parsed[]): Set<unknown> {
  const found = new Set<unknown>();
  const pending: unknown[] = docs.map((doc) => doc.contents);
  while (pending.length > 0) {
    const node = pending.pop();
    if (isPair(node)) pending.push(node.key, node.value);
    else if (isNode(node)) {
      found.add(node);
      if ('items' in node) pending.push(...(node as Node & { items: unknown[] }).items);
    }
  }
  return found;
}
