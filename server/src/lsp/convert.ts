// Over 250 lines on purpose: every mapping between core and LSP types lives here, in one place.
// The core speaks workspace-relative paths and LSP speaks URIs: a mapping that names a file takes
// the folder's `ToUri`.
import {
  type CodeAction,
  CodeActionKind,
  type CodeLens,
  type CompletionItem,
  CompletionItemKind,
  type CompletionList,
  type CreateFile,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentSymbol,
  type Hover,
  type Location,
  MarkupKind,
  type SymbolInformation,
  SymbolKind,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  type ClusterProblemsRow,
  type ClusterRow,
  type ClustersResult,
  type CodeLens as CoreCodeLens,
  type CompletionList as CoreCompletionList,
  type DocumentSymbol as CoreDocumentSymbol,
  type Hover as CoreHover,
  type Location as CoreLocation,
  type WorkspaceSymbol as CoreWorkspaceSymbol,
  checkByCode,
  docsUrl,
  type Finding,
  type Fix,
  type FixedFile,
  type GlobalServiceRow,
  type GlobalServicesResult,
  type MeshGraph,
  type MeshMapResult,
  type MeshMapRoute,
  meshGraphSummary,
  meshGraphToDot,
  type ProblemsByClusterResult,
  type Range,
  type Reach,
  type ReachResult,
  type Severity,
  SHOW_INSTANCES_COMMAND,
} from '../../../shared/src';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export type ToUri = (path: string) => string;

/** A core finding as an LSP diagnostic, linking to its documentation section. */
export function toDiagnostic(finding: Finding, toUri: ToUri): Diagnostic {
  const check = checkByCode(finding.code);
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: check ? { href: docsUrl(check) } : undefined,
    source: 'mesh-lens',
    message: finding.message,
    relatedInformation: finding.related.map((related) => ({
      location: { uri: toUri(related.file), range: related.range },
      message: related.message,
    })),
  };
}

export function toDiagnostics(findings: Finding[], toUri: ToUri): Diagnostic[] {
  return findings.map((finding) => toDiagnostic(finding, toUri));
}

/**
 * A core fix as a WorkspaceEdit: `documentChanges` (with file creation) when the client supports
 * them, else the plain `changes` map — then a fix that must create a file cannot be offered.
 */
export function toWorkspaceEdit(
  fix: Fix,
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): WorkspaceEdit | undefined {
  if (!documentChanges) {
    if (fix.changes.some((change) => change.create)) return undefined;
    return { changes: Object.fromEntries(fix.changes.map((change) => [toUri(change.file), change.edits])) };
  }
  const operations: (TextDocumentEdit | CreateFile)[] = [];
  for (const change of fix.changes) {
    const uri = toUri(change.file);
    if (change.create) operations.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    operations.push({
      textDocument: { uri, version: change.create ? null : versionOf(uri) },
      edits: change.edits,
    });
  }
  return { documentChanges: operations };
}

export function quickFix(
  finding: Finding,
  fix: Fix,
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): CodeAction | undefined {
  const edit = toWorkspaceEdit(fix, toUri, versionOf, documentChanges);
  if (!edit) return undefined;
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(finding, toUri)],
    isPreferred: fix.preferred === true,
    edit,
  };
}

/** Fix-all's results for one file as a source action; none when nothing was fixed. */
export function fixAllInFileAction(
  files: FixedFile[],
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): CodeAction | undefined {
  if (files.length === 0) return undefined;
  return {
    title: 'Fix all auto-fixable mesh problems in this file',
    kind: CodeActionKind.SourceFixAll,
    edit: fixedFilesEdit(files, toUri, versionOf, documentChanges),
  };
}

/** Whole-file results of fix-all as one WorkspaceEdit: each changed file replaced, created files created. */
export function fixedFilesEdit(
  files: FixedFile[],
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): WorkspaceEdit {
  const fix: Fix = {
    title: 'fix all',
    changes: files.map((file) => ({
      file: file.path,
      create: file.created,
      edits: [{ range: wholeText(file.before), newText: file.after }],
    })),
  };
  return toWorkspaceEdit(fix, toUri, versionOf, documentChanges) ?? { changes: {} };
}

function wholeText(text: string) {
  const lines = text.split('\n');
  return {
    start: { line: 0, character: 0 },
    end: { line: lines.length - 1, character: lines[lines.length - 1]?.length ?? 0 },
  };
}

export function toLocation(location: CoreLocation, toUri: ToUri): Location {
  return { uri: toUri(location.file), range: location.range };
}

/** Hover links open a file at a line, as `file:///…#L12`. */
export function lineLink(toUri: ToUri): (file: string, range: Range) => string {
  return (file, range) => `${toUri(file)}#L${range.start.line + 1}`;
}

export function toHover(hover: CoreHover): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: hover.range };
}

/** A lens runs the client's "show instances" command on the document it is in. */
export function toCodeLens(lens: CoreCodeLens, documentUri: string, toUri: ToUri): CodeLens {
  return {
    range: lens.range,
    command: {
      title: lens.title,
      command: SHOW_INSTANCES_COMMAND,
      arguments: [
        documentUri,
        lens.range.start,
        lens.locations.map((location) => toLocation(location, toUri)),
      ],
    },
  };
}

const COMPLETION_KIND: Record<CoreCompletionList['items'][number]['kind'], CompletionItemKind> = {
  hostname: CompletionItemKind.Reference,
  key: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
};

export function toCompletionList(list: CoreCompletionList): CompletionList {
  return {
    isIncomplete: list.isIncomplete,
    items: list.items.map(
      (item): CompletionItem => ({
        label: item.label,
        kind: COMPLETION_KIND[item.kind],
        detail: item.detail,
        documentation: item.documentation
          ? { kind: MarkupKind.Markdown, value: item.documentation }
          : undefined,
        sortText: item.sortText,
        textEdit: { range: item.range, newText: item.label },
      }),
    ),
  };
}

/** Resources by kind: a Namespace is a namespace, a Service an interface, anything else an object. */
export function toDocumentSymbol(symbol: CoreDocumentSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind:
      symbol.kind === 'Namespace'
        ? SymbolKind.Namespace
        : symbol.kind === 'Service'
          ? SymbolKind.Interface
          : SymbolKind.Object,
    range: symbol.range,
    selectionRange: symbol.selectionRange,
  };
}

/** A global hostname, at its first instance. */
export function toWorkspaceSymbol(symbol: CoreWorkspaceSymbol, toUri: ToUri): SymbolInformation {
  return {
    name: symbol.name,
    containerName: symbol.detail,
    kind: SymbolKind.Interface,
    location: toLocation(symbol.location, toUri),
  };
}

/** One folder of the Global services view: each instance names its file by URI. */
export function toGlobalServicesFolder(
  uri: string,
  clusters: string[],
  rows: GlobalServiceRow[],
  toUri: ToUri,
): GlobalServicesResult['folders'][number] {
  return {
    uri,
    clusters,
    services: rows.map((row) => ({
      ...row,
      clusters: row.clusters.map(({ file, ...cluster }) => ({ ...cluster, uri: toUri(file) })),
    })),
  };
}

export function toClustersFolder(
  uri: string,
  rows: ClusterRow[],
  toUri: ToUri,
): ClustersResult['folders'][number] {
  return {
    uri,
    clusters: rows.map((row) => ({
      name: row.name,
      via: row.via,
      declaredAt: row.origin && { uri: toUri(row.origin.file), range: row.origin.range },
      entries: row.entries.map((entry) => ({
        via: entry.via,
        label: entry.label,
        origin: entry.origin && { uri: toUri(entry.origin.file), range: entry.origin.range },
        files: entry.files.map(toUri),
      })),
    })),
  };
}

export function toProblemsByClusterFolder(
  uri: string,
  rows: ClusterProblemsRow[],
  toUri: ToUri,
): ProblemsByClusterResult['folders'][number] {
  return {
    uri,
    clusters: rows.map((row) => ({
      cluster: row.cluster,
      files: row.files.map((file) => ({ uri: toUri(file.file), problems: file.problems })),
    })),
  };
}

/** The part of a reach the client shows: the candidates and exclusions hold core objects. */
export function toReachResult(reach: Reach): ReachResult {
  return {
    hostname: reach.hostname,
    from: reach.from,
    mode: reach.mode,
    chosen: reach.chosen,
    explanation: reach.explanation,
    // A local name reaches one instance (no takeover): no global service for the map to focus on.
    service:
      reach.mode === 'local' ? undefined : (reach.candidates[0] ?? reach.excluded[0])?.instance.hostname,
  };
}

/** The mesh map for the editor: the DOT it lays out, what its pickers offer, and where each node opens. */
export function toMeshMapResult(
  folderUri: string,
  graph: MeshGraph,
  choices: Pick<MeshMapResult, 'services' | 'clusters' | 'service' | 'from'>,
  toUri: ToUri,
): MeshMapResult {
  const targets: MeshMapResult['targets'] = [];
  for (const cluster of graph.clusters) {
    if (cluster.origin)
      targets.push({ id: cluster.id, uri: toUri(cluster.origin.file), range: cluster.origin.range });
  }
  for (const service of graph.services) {
    // A service node opens its first exported instance: the manifest that makes it global.
    const declaring =
      service.instances.find((instance) => instance.state !== 'not-exported') ?? service.instances[0];
    if (declaring)
      targets.push({ id: service.id, uri: toUri(declaring.origin.file), range: declaring.origin.range });
    for (const instance of service.instances)
      targets.push({ id: instance.id, uri: toUri(instance.origin.file), range: instance.origin.range });
  }
  return {
    folderUri,
    // The webview shows the explanation as text above the map, where it wraps and can be selected.
    dot: meshGraphToDot(graph, { caption: false }),
    summary: meshGraphSummary(graph),
    ...choices,
    explanation:
      graph.route &&
      `${graph.route.hostname} from ${graph.route.from}, mode ${graph.route.mode}\n${graph.route.explanation}`,
    route: graph.route && toMeshMapRoute(graph, graph.route.summary),
    targets,
  };
}

/** The reach panel's rows: the routed service's instances, each opening its manifest. */
function toMeshMapRoute(graph: MeshGraph, summary: string): MeshMapRoute {
  const service = graph.services.find((candidate) => candidate.hostname === graph.route?.hostname);
  return {
    summary,
    instances: (service?.instances ?? []).map((instance) => ({
      target: instance.id,
      cluster: instance.cluster,
      file: instance.origin.file,
      endpoints: instance.endpoints,
      exported: instance.state !== 'not-exported',
      reachable: instance.reachable ?? '',
    })),
  };
}
