import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type CompletionList,
  LSPErrorCodes,
  type Range,
  ResponseError,
} from 'vscode-languageserver/node';
import {
  Cancelled,
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
import { takeBufferTexts } from './document-sync';
import { type Folder, uriIn } from './folders';
import { documentVersion, locate, type ServerState, snapshotIn } from './state';

/**
 * Answers the editor's questions about the mesh from the newest snapshot: the edits read before a
 * request are taken in first, and nothing waits for a publish (a hover reads the model, which runs
 * no check). Each request is a core feature's plain answer, converted to LSP.
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

  connection.onCodeAction(async (params, token) => {
    await state.ready;
    const located = locate(state, params.textDocument.uri);
    if (!located) return [];
    return fromLatest(state, token, () => codeActions(state, located.folder, located.path, params, token));
  });

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

  // References and workspace symbols walk the whole model: each folder's answer is computed after
  // a turn of the event loop, so that a `$/cancelRequest` read meanwhile stops the rest.
  connection.onReferences(async (params, token) => {
    await state.ready;
    const located = locate(state, params.textDocument.uri);
    if (!located) return [];
    return fromLatest(state, token, async () => {
      await checkpoint(token);
      return snapshotOf(located.folder)
        .references(located.path, params.position, params.context.includeDeclaration)
        .map((location) => toLocation(location, toUriIn(located.folder)));
    });
  });

  connection.onDocumentSymbol((params, token) =>
    withModel(state, params.textDocument.uri, token, [], (folder, path) =>
      snapshotOf(folder).documentSymbols(path).map(toDocumentSymbol),
    ),
  );

  connection.onWorkspaceSymbol(async (params, token) => {
    await state.ready;
    return fromLatest(state, token, async () => {
      const symbols = [];
      for (const folder of state.folders) {
        await checkpoint(token);
        for (const symbol of snapshotOf(folder).workspaceSymbols(params.query))
          symbols.push(toWorkspaceSymbol(symbol, toUriIn(folder)));
      }
      return symbols;
    });
  });

  connection.onRequest(GLOBAL_SERVICES_REQUEST, async (): Promise<GlobalServicesResult> => {
    await state.ready;
    takeBufferTexts(state);
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
    takeBufferTexts(state);
    return {
      folders: state.folders.map((folder) =>
        toClustersFolder(folder.uri, snapshotOf(folder).clusters(), toUriIn(folder)),
      ),
    };
  });

  connection.onRequest(PROBLEMS_BY_CLUSTER_REQUEST, async (): Promise<ProblemsByClusterResult> => {
    await state.ready;
    takeBufferTexts(state);
    return {
      folders: state.folders.map((folder) =>
        toProblemsByClusterFolder(folder.uri, snapshotOf(folder).problemsByCluster(), toUriIn(folder)),
      ),
    };
  });

  connection.onRequest(REACH_REQUEST, async (params: ReachParams): Promise<ReachResult | null> => {
    await state.ready;
    takeBufferTexts(state);
    const folder = state.folders.find((candidate) => candidate.uri === params.folderUri) ?? state.folders[0];
    if (!folder) return null;
    return toReachResult(
      snapshotOf(folder).reach(params.hostname, params.cluster, params.namespace ?? 'default'),
    );
  });

  connection.onRequest(MESH_MAP_REQUEST, async (params: MeshMapParams): Promise<MeshMapResult | null> => {
    await state.ready;
    takeBufferTexts(state);
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

/** Runs a request about a document against the newest snapshot, unless the client cancelled it. */
async function withModel<T>(
  state: ServerState,
  uri: string,
  token: CancellationToken,
  fallback: T,
  answer: (folder: Folder, path: string) => T,
): Promise<T> {
  await state.ready;
  const located = locate(state, uri);
  if (!located) return fallback;
  return fromLatest(state, token, () => answer(located.folder, located.path));
}

/**
 * Answers from the newest snapshot: the buffers' texts edited so far are taken in first. An answer
 * that spans turns of the event loop (code actions, references) may find its snapshot superseded by
 * edits handled meanwhile (`Cancelled`): it is computed again on the new one, and if that is
 * superseded too, the client is told the content was modified (LSP's ContentModified) and asks
 * again. A cancelled request stops at its next checkpoint with RequestCancelled.
 */
export async function fromLatest<T>(
  state: ServerState,
  token: CancellationToken,
  answer: () => T | Promise<T>,
): Promise<T> {
  for (let attempt = 0; attempt < 2; attempt++) {
    takeBufferTexts(state);
    if (token.isCancellationRequested) throw requestCancelled();
    try {
      return await answer();
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
    }
  }
  throw new ResponseError(LSPErrorCodes.ContentModified, 'The workspace changed while this was computed.');
}

/** Lets the messages read meanwhile through (a `$/cancelRequest` sets the token), then stops if cancelled. */
export async function checkpoint(token: CancellationToken): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (token.isCancellationRequested) throw requestCancelled();
}

/**
 * Runs work that pauses (a fix-all, pass by pass) to its end, handing the event loop back between
 * its steps: a cancellation read meanwhile stops it, and so does an edit taken in meanwhile (its
 * result would be for a text nobody has any more: `Cancelled`, which `fromLatest` answers).
 */
export async function stepped<T>(
  steps: Generator<void, T, void>,
  token: CancellationToken,
  stillCurrent: () => boolean,
): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await checkpoint(token);
    if (!stillCurrent()) throw new Cancelled();
  }
}

function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

/**
 * Quick-fixes for the findings in the range, and fix-all for the file, as far as the client asked
 * for them. Each finding's fixes and the fix-all are tried by the fix oracle, which re-checks a copy
 * of the workspace: between them the client can cancel, and an edit makes the snapshot `Cancelled`.
 */
async function codeActions(
  state: ServerState,
  folder: Folder,
  path: string,
  params: CodeActionParams,
  token: CancellationToken,
): Promise<CodeAction[]> {
  const snapshot = snapshotIn(state, folder);
  const toUri: ToUri = (file) => uriIn(folder, file);
  const versionOf = (uri: string) => documentVersion(state, uri);
  const { documentChanges } = state.client;
  const inFile = snapshot.findingsOf([path]).get(path) ?? [];
  const wanted = params.context.only;
  const actions: CodeAction[] = [];
  if (!wanted || wanted.some((kind) => kind.startsWith(CodeActionKind.QuickFix))) {
    for (const finding of inFile.filter((candidate) => overlaps(candidate.range, params.range))) {
      await checkpoint(token);
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
    await checkpoint(token);
    const result = await stepped(snapshot.fixAllInSteps({ files: new Set([path]) }), token, () =>
      folder.host.isCurrent(snapshot),
    );
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
