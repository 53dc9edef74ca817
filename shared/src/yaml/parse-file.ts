import { type Document, isMap, parseAllDocuments, type YAMLError } from 'yaml';
import type { Finding } from '../findings';
import { asMap, type DocumentContext, getPath, type Located, seqItems } from './nodes';
import { createResource, type Resource } from './resource';
import { createSourceFile, rangeAt, type SourceFile } from './source';

/** Everything the core knows about one file, computed from its text alone (cacheable by content). */
export interface ParsedFile {
  source: SourceFile;
  /** The YAML documents, kept for files that are not manifests (the topology file). */
  documents: Document.Parsed[];
  resources: Resource[];
  /** MESH190 for documents that do not parse, MESH195 for documents skipped on purpose. */
  findings: Finding[];
  /** `# mesh-lens: cluster=NAME` on the first line (SPEC §6, precedence 2). */
  modelineCluster?: Located<string>;
  documentCount: number;
}

export const YAML_SYNTAX = 'MESH190';
export const SKIPPED_CONTENT = 'MESH195';

// Go/Helm template actions: `{{ .Values.x }}`, `{{- if … }}`. Such documents are inputs to a
// renderer, not manifests; analysing them would report noise, so they are skipped with a note.
const TEMPLATE_ACTION = /\{\{-?\s*[^}]*\}\}/;
const MODELINE = /^\uFEFF?#\s*mesh-lens:\s*cluster\s*=\s*([A-Za-z0-9][-A-Za-z0-9_.]*)/;

export function parseFile(path: string, text: string): ParsedFile {
  const source = createSourceFile(path, text);
  const parsed: ParsedFile = { source, documents: [], resources: [], findings: [], documentCount: 0 };
  parsed.modelineCluster = readModeline(source);
  const documents = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  parsed.documents = list;
  parsed.documentCount = list.length;
  list.forEach((doc, docIndex) => {
    addDocument(parsed, doc, docIndex);
  });
  return parsed;
}

function readModeline(source: SourceFile): Located<string> | undefined {
  const match = MODELINE.exec(source.text);
  if (!match?.[1]) return undefined;
  const start = match[0].length - match[1].length;
  return { value: match[1], range: rangeAt(source, start, match[0].length) };
}

function addDocument(parsed: ParsedFile, doc: Document.Parsed, docIndex: number): void {
  const { source } = parsed;
  const [start, , end] = doc.range;
  const docText = source.text.slice(start, end);
  if (TEMPLATE_ACTION.test(docText)) {
    parsed.findings.push(templateSkipped(source, doc, docText));
    return;
  }
  if (doc.errors.length > 0) {
    for (const error of doc.errors) parsed.findings.push(syntaxError(source, error));
    return;
  }
  const ctx: DocumentContext = { source, doc };
  const root = asMap(ctx, doc.contents);
  if (!root) return; // not a mapping: not a Kubernetes object, nothing to say about it
  for (const node of resourceNodes(ctx, root)) {
    const resource = createResource(ctx, docIndex, node);
    if (resource) parsed.resources.push(resource);
  }
}

/** A `List` (or `ServiceList`, …) holds its objects under `items`; anything else is one object. */
function resourceNodes(ctx: DocumentContext, root: import('yaml').YAMLMap) {
  const kind = getPath(ctx, root, ['kind']);
  const items = getPath(ctx, root, ['items']);
  const kindText = kind && 'value' in kind ? String(kind.value) : '';
  if (kindText.endsWith('List') && items) return seqItems(ctx, items).filter(isMap);
  return [root];
}

function syntaxError(source: SourceFile, error: YAMLError): Finding {
  const [start, end] = error.pos;
  return {
    code: YAML_SYNTAX,
    severity: 'error',
    file: source.path,
    range: rangeAt(source, start, Math.max(end, start)),
    message: `YAML syntax error: ${error.message.split('\n')[0]}. This document is not analysed; kubectl would reject it.`,
    related: [],
    fixes: [],
  };
}

function templateSkipped(source: SourceFile, doc: Document.Parsed, docText: string): Finding {
  const [docStart] = doc.range;
  const match = TEMPLATE_ACTION.exec(docText);
  const start = docStart + (match?.index ?? 0);
  return {
    code: SKIPPED_CONTENT,
    severity: 'info',
    file: source.path,
    range: rangeAt(source, start, start + (match?.[0].length ?? 0)),
    message:
      'Template syntax ({{ … }}): this document is a Helm/Go template, not a manifest, and is not analysed. Check the rendered output instead.',
    related: [],
    fixes: [],
  };
}
