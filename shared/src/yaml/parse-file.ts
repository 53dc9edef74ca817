import {
  type Document,
  isMap,
  isScalar,
  parseAllDocuments,
  visit,
  type YAMLError,
  YAMLParseError,
} from 'yaml';
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
const NESTED_TOO_DEEPLY = 'collections nested too deeply to read';
const MODELINE = /^\uFEFF?#\s*mesh-lens:\s*cluster\s*=\s*([A-Za-z0-9][-A-Za-z0-9_.]*)/;

export function parseFile(path: string, text: string): ParsedFile {
  const source = createSourceFile(path, text);
  const parsed: ParsedFile = { source, documents: [], resources: [], findings: [], documentCount: 0 };
  parsed.modelineCluster = readModeline(source);
  const list = readDocuments(text);
  if (!list) {
    parsed.findings.push(nestedTooDeeply(source));
    return parsed;
  }
  for (const doc of list) doc.errors.push(...duplicateKeyErrors(doc));
  parsed.documents = list;
  parsed.documentCount = list.length;
  list.forEach((doc, docIndex) => {
    addDocument(parsed, doc, docIndex);
  });
  return parsed;
}

/**
 * The file's YAML documents, or undefined when yaml's parser overflowed the stack: it recurses once
 * per nesting level, so ten thousand nested block maps threw a RangeError out of parseFile (found
 * by the reliability tests). Its composer catches the same overflow itself (RESOURCE_EXHAUSTION).
 */
function readDocuments(text: string): Document.Parsed[] | undefined {
  try {
    const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
    return Array.isArray(documents) ? documents : [];
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * yaml's own duplicate-key check compares each key with every key before it, so a map of 20,000
 * keys (300 KB) took seconds and a 10 MB one would take hours (found while testing hostile
 * inputs). This is the same check by the same rule (scalar keys with equal values), one set per
 * map; the errors join the document's own, so such a document is still MESH190 and not analysed.
 */
function duplicateKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const at = key.range?.[0] ?? 0;
        errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      }
    },
  });
  return errors;
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
  // yaml catches the stack overflow of composing thousands of nested collections and reports it
  // as RESOURCE_EXHAUSTION with the engine's own words ("Maximum call stack size exceeded").
  const problem = error.code === 'RESOURCE_EXHAUSTION' ? NESTED_TOO_DEEPLY : error.message.split('\n')[0];
  return {
    code: YAML_SYNTAX,
    severity: 'error',
    file: source.path,
    range: rangeAt(source, start, Math.max(end, start)),
    message: `YAML syntax error: ${problem}. This document is not analysed; kubectl would reject it.`,
    related: [],
    fixes: [],
  };
}

function nestedTooDeeply(source: SourceFile): Finding {
  return {
    code: YAML_SYNTAX,
    severity: 'error',
    file: source.path,
    range: rangeAt(source, 0, 0),
    message: `YAML syntax error: ${NESTED_TOO_DEEPLY}. No document of this file is analysed; kubectl would reject it.`,
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
