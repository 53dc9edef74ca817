import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type CompletionList,
  type Range,
} from 'vscode-languageserver/node';
import {
  CLUSTERS_REQUEST,
  type ClustersResult,
  GLOBAL_SERVICES_REQUEST,
  type GlobalServicesResult,
  MESH_MAP_REQUEST,
  type MeshMapParams,
  type MeshMapResult,
  PROBLEMS_BY_CLUSTER_REQUEST,
  type ProblemsByClusterResult,
  REACH_REQUEST,
  type ReachParams,
  type ReachResult,
} from '../../../shared/src';
import {
  fixAllInFileAction,
  lineLink,
  quickFix,
  type ToUri,
  toClustersFolder,
  toCodeLens,
  toCompletionList,
  toDocumentSymbol,
  toGlobalServicesFolder,
  toHover,
  toLocation,
  toMeshMapResult,
  toProblemsByClusterFolder,
  toReachResult,
  toWorkspaceSymbol,
} from './convert';
import { type Folder, uriIn } from './folders';
import { documentVersion, locate, type ServerState, snapshotIn } from './state';

/**
 * Answers the editor's questions about the mesh from the current analysis: each request is a
 * core feature's plain answer, converted to LSP.
 */
export function answerRequests(state: ServerState): void {
  const { connection } = state;
  const snapshotOf = (folder: Folder) => snapshotIn(state, folder);
  const toUriIn =
    (folder: Folder): ToUri =>
    (file) =>
      uriIn(folder, file);

  connection.onHover((params, token) =>
    withModel(state, params.textDocument.uri, token, null, (folder, path) => {
      const hover = snapshotOf(folder).hover(path, params.position, lineLink(toUriIn(folder)));
      return hover ? toHover(hover) : null;
    }),
  );

  connection.onCodeLens((params, token) =>
    withModel(state, params.textDocument.uri, token, [], (folder, path) => {
      if (!state.settings.codeLens) return [];
      return snapshotOf(folder)
        .codeLenses(path)
        .map((lens) => toCodeLens(lens, params.textDocument.uri, toUriIn(folder)));
    }),
  );

  connection.onCodeAction((params, token) =>
    withModel(state, params.textDocument.uri, token, [] as CodeAction[], (folder, path) =>
      codeActions(state, folder, path, params),
    ),
  );

  const EMPTY_COMPLETIONS: CompletionList = { isIncomplete: false, items: [] };
  connection.onCompletion((params, token) =>
    withModel(state, params.textDocument.uri, token, EMPTY_COMPLETIONS, (folder, path) => {
      const snapshot = snapshotOf(folder);
      const text = state.documents.get(params.textDocument.uri)?.getText() ?? snapshot.textOf(path) ?? '';
      return toCompletionList(snapshot.completion(path, text, params.position));
    }),
  );

  connection.onDefinition((params, token) =>
    withModel(state, params.textDocument.uri, token, [], (folder, path) =>
      snapshotOf(folder)
        .definition(path, params.position)
        .map((location) => toLocation(location, toUriIn(folder))),
    ),
  );

  connection.onReferences((params, token) =>
    withModel(state, params.textDocument.uri, token, [], (folder, path) =>
      snapshotOf(folder)
        .references(path, params.position, params.context.includeDeclaration)
        .map((location) => toLocation(location, toUriIn(folder))),
    ),
  );

  connection.onDocumentSymbol((params, token) =>
    withModel(state, params.textDocument.uri, token, [], (folder, path) =>
      snapshotOf(folder).documentSymbols(path).map(toDocumentSymbol),
    ),
  );

  connection.onWorkspaceSymbol(async (params, token) => {
    await state.ready;
    if (token.isCancellationRequested) return [];
    return state.folders.flatMap((folder) =>
      snapshotOf(folder)
        .workspaceSymbols(params.query)
        .map((symbol) => toWorkspaceSymbol(symbol, toUriIn(folder))),
    );
  });

  connection.onRequest(GLOBAL_SERVICES_REQUEST, async (): Promise<GlobalServicesResult> => {
    await state.ready;
    return {
      folders: state.folders.map((folder) => {
        const snapshot = snapshotOf(folder);
        return toGlobalServicesFolder(
          folder.uri,
          [...snapshot.model.topology.clusters.keys()],
          snapshot.globalServices(),
          toUriIn(folder),
        );
      }),
    };
  });

  connection.onRequest(CLUSTERS_REQUEST, async (): Promise<ClustersResult> => {
    await state.ready;
    return {
      folders: state.folders.map((folder) =>
        toClustersFolder(folder.uri, snapshotOf(folder).clusters(), toUriIn(folder)),
      ),
    };
  });

  connection.onRequest(PROBLEMS_BY_CLUSTER_REQUEST, async (): Promise<ProblemsByClusterResult> => {
    await state.ready;
    return {
      folders: state.folders.map((folder) =>
        toProblemsByClusterFolder(folder.uri, snapshotOf(folder).problemsByCluster(), toUriIn(folder)),
      ),
    };
  });

  connection.onRequest(REACH_REQUEST, async (params: ReachParams): Promise<ReachResult | null> => {
    await state.ready;
    const folder = state.folders.find((candidate) => candidate.uri === params.folderUri) ?? state.folders[0];
    if (!folder) return null;
    return toReachResult(
      snapshotOf(folder).reach(params.hostname, params.cluster, params.namespace ?? 'default'),
    );
  });

  connection.onRequest(MESH_MAP_REQUEST, async (params: MeshMapParams): Promise<MeshMapResult | null> => {
    await state.ready;
    const folder = state.folders.find((candidate) => candidate.uri === params.folderUri) ?? state.folders[0];
    if (!folder) return null;
    const snapshot = snapshotOf(folder);
    const services = snapshot.globalServices().map((row) => row.hostname);
    const clusters = [...snapshot.model.topology.clusters.keys()];
    // A picker may name what an edit has since removed: the map falls back to the whole mesh.
    const service = params.service && services.includes(params.service) ? params.service : undefined;
    const from = service && params.from && clusters.includes(params.from) ? params.from : undefined;
    const graph = snapshot.meshGraph({ service, from });
    return toMeshMapResult(folder.uri, graph, { services, clusters, service, from }, toUriIn(folder));
  });
}

/** Runs a position request against the current model, unless the client already cancelled it. */
async function withModel<T>(
  state: ServerState,
  uri: string,
  token: CancellationToken,
  fallback: T,
  answer: (folder: Folder, path: string) => T,
): Promise<T> {
  await state.ready;
  const located = locate(state, uri);
  if (!located || token.isCancellationRequested) return fallback;
  return answer(located.folder, located.path);
}

/** Quick-fixes for the findings in the range, and fix-all for the file, as far as the client asked for them. */
function codeActions(
  state: ServerState,
  folder: Folder,
  path: string,
  params: CodeActionParams,
): CodeAction[] {
  const snapshot = snapshotIn(state, folder);
  const toUri: ToUri = (file) => uriIn(folder, file);
  const versionOf = (uri: string) => documentVersion(state, uri);
  const { documentChanges } = state.client;
  const inFile = snapshot.findingsOf([path]).get(path) ?? [];
  const wanted = params.context.only;
  const actions: CodeAction[] = [];
  if (!wanted || wanted.some((kind) => kind.startsWith(CodeActionKind.QuickFix))) {
    for (const finding of inFile.filter((candidate) => overlaps(candidate.range, params.range))) {
      // Every fix is tried by the same oracle as `--fix` before it is offered (verify-fix.ts).
      // Fixes first, then the suppressions, which an editor lists last as ESLint's "disable" actions are.
      for (const fix of [...snapshot.fixes(finding), ...snapshot.suppressions(finding)]) {
        const action = quickFix(finding, fix, toUri, versionOf, documentChanges);
        if (action) actions.push(action);
      }
    }
  }
  const fixAllWanted = wanted?.some(
    (kind) => CodeActionKind.SourceFixAll.startsWith(kind) || kind.startsWith(CodeActionKind.SourceFixAll),
  );
  if (!wanted || fixAllWanted) {
    const result = snapshot.fixAll({ files: new Set([path]) });
    const action = fixAllInFileAction(result.files, toUri, versionOf, documentChanges);
    if (action) actions.push(action);
  }
  return actions;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
