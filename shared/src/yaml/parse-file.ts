import { type Document, isScalar, Lexer, type Node, visit, type YAMLError } from 'yaml';

import { type Finding, noFixes } from '../text/findings';
import { createSourceFile, rangeAt, type SourceFile } from '../text/source';
import type { StringTable } from '../util/intern';
import { settledList } from '../util/settled';
import { finish, type Steps } from '../util/steps';
import { composeDocumentsInSteps, documentsOf } from './document-cache';
import { asMap, type DocumentContext, type Located } from './nodes';
import { createResource, type Resource, resourceNodes } from './resource';

/** Everything the core knows about one file, computed from its text alone (cacheable by content). */
export interface ParsedFile {
  source: SourceFile;
  /**
   * The YAML documents. Not retained with the file: they are most of a parse's memory (70 % of the
   * heap at 10,000 resources) and, once the facts are extracted, needed only to build a fix or read
   * the topology file. Reading this re-parses the text when the document cache let them go.
   */
  readonly documents: Document.Parsed[];
  resources: Resource[];
  /** MESH190 for documents that do not parse, MESH195 for documents skipped on purpose. */
  findings: Finding[];
  /** `# mesh-lens: cluster=NAME` on the first line (SPEC §6, precedence 2). */
  modelineCluster?: Located<string>;
  documentCount: number;
}

export const YAML_SYNTAX = 'MESH190';
export const SKIPPED_CONTENT = 'MESH195';

// Go/Helm template actions: `{{ .Values.x }}`, `{{- if … }}`. A document whose structure they
// decide is an input to a renderer, not a manifest; analysing it would report noise, so it is
// skipped with a note. But `{{` in a comment or inside a string value (a Grafana dashboard in a
// ConfigMap, SPIRE's `spiffeIDTemplate`, an Argo CD ApplicationSet's `'{{name}}'`, a workflow's
// `${{ }}`) leaves a valid manifest: that one is read (SPEC §9, "Templates").
const TEMPLATE_ACTION = /\{\{-?\s*[^}]*\}\}/;

/**
 * Whether a document is a template, and so is skipped (MESH195) rather than read: a template action
 * outside comments that breaks the YAML, or one that the YAML reads as structure (a key, or a flow
 * collection where a value was meant: `replicas: {{ .Values.n }}` parses as a map).
 */
export function isTemplated(source: SourceFile, doc: Document.Parsed): boolean {
  const [start, , end] = doc.range;
  const text = source.text.slice(start, end);
  if (!TEMPLATE_ACTION.test(text)) return false;
  if (doc.errors.length > 0) return actionOutsideComments(text);
  return actionAsStructure(source.text, doc);
}

/** Whether a template action stands in the text once comments are taken out. */
function actionOutsideComments(text: string): boolean {
  let code = '';
  for (const token of new Lexer().lex(text)) if (!token.startsWith('#')) code += token;
  return code.includes('{{');
}

function actionAsStructure(text: string, doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Pair: (_key, pair) => {
      const key = pair.key as Node | null;
      if (isScalar(key) && typeof key.value === 'string' && key.value.includes('{{')) found = true;
      return found ? visit.BREAK : undefined;
    },
    Collection: (_key, node) => {
      const [at = 0] = node.range ?? [];
      if (node.flow && text.startsWith('{{', at)) found = true;
      return found ? visit.BREAK : undefined;
    },
  });
  return found;
}

/**
 * An Argo CD ApplicationSet's `{{name}}` parameters are its own templating, read by its controller:
 * the document is a manifest (SPEC §9), even where an unquoted `{{.name}}` parses as a flow map.
 */
function isApplicationSet(ctx: DocumentContext): boolean {
  if (ctx.doc.errors.length > 0) return false;
  const root = asMap(ctx, ctx.doc.contents);
  if (!root) return false;
  const text = (key: string) => {
    const value = root.get(key, true);
    return isScalar(value) ? String(value.value) : '';
  };
  return text('kind') === 'ApplicationSet' && text('apiVersion').startsWith('argoproj.io/');
}

const NESTED_TOO_DEEPLY = 'collections nested too deeply to read';
const MODELINE = /^\uFEFF?#\s*mesh-lens:\s*cluster\s*=\s*([A-Za-z0-9][-A-Za-z0-9_.]*)/;

/** A file's resources and parse findings; `strings`, the workspace's table its short values are interned in. */
export function parseFile(path: string, text: string, strings?: StringTable): ParsedFile {
  return finish(parseFileInSteps(path, text, strings));
}

/** `parseFile`, pausing after each document it reads and after each it analyses. */
/**
 * Files of a kustomization generator's data (`configMapGenerator: files: [app.properties]`, `envs:
 * [.env]`): read by the adapters so that the renderer finds their text, never parsed as YAML — they
 * hold no manifest, and `key=value` lines would read as one odd scalar.
 */
export function isDataFile(path: string): boolean {
  return /(^|\/)\.env$|\.(properties|env|conf|ini)$/i.test(path);
}

export function* parseFileInSteps(path: string, text: string, strings?: StringTable): Steps<ParsedFile> {
  const source = createSourceFile(path, text, strings);
  const parsed = new ParsedFacts(source);
  if (isDataFile(path)) return parsed;
  parsed.modelineCluster = readModeline(source);
  const list = yield* composeDocumentsInSteps(source);
  if (!list) {
    parsed.findings.push(nestedTooDeeply(source));
    return parsed;
  }
  parsed.documentCount = list.length;
  for (const [docIndex, doc] of list.entries()) {
    addDocument(parsed, doc, docIndex);
    yield;
  }
  parsed.resources = settledList(parsed.resources);
  parsed.findings = settledList(parsed.findings);
  return parsed;
}

// A class so that `documents` is one getter on the prototype: defined on each object it cost a
// closure and a dictionary of properties per file.
class ParsedFacts implements ParsedFile {
  resources: Resource[] = [];
  findings: Finding[] = [];
  modelineCluster?: Located<string>;
  documentCount = 0;

  constructor(readonly source: SourceFile) {}

  get documents(): Document.Parsed[] {
    return isDataFile(this.source.path) ? [] : documentsOf(this.source);
  }
}

/** Whether a value is a file's facts as `parseFile` makes them (facts/portable-facts.ts rebuilds them). */
export function isParsedFacts(value: object): value is ParsedFile {
  return value instanceof ParsedFacts;
}

/** A file's facts from their parts, read in another thread (facts/portable-facts.ts). */
export function parsedFileOf(
  source: SourceFile,
  parts: Pick<ParsedFile, 'resources' | 'findings' | 'modelineCluster' | 'documentCount'>,
): ParsedFile {
  const parsed = new ParsedFacts(source);
  parsed.resources = parts.resources;
  parsed.findings = parts.findings;
  if (parts.modelineCluster) parsed.modelineCluster = parts.modelineCluster;
  parsed.documentCount = parts.documentCount;
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
  if (isTemplated(source, doc) && !isApplicationSet({ source, doc })) {
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
  resourceNodes(ctx, root).forEach((node, nodeIndex) => {
    const resource = createResource(ctx, docIndex, nodeIndex, node);
    if (resource) parsed.resources.push(resource);
  });
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
    fixes: noFixes,
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
    fixes: noFixes,
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
    fixes: noFixes,
  };
}
