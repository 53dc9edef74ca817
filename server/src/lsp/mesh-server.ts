import picomatch from 'picomatch';
import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type CompletionItem,
  CompletionItemKind,
  type CompletionList,
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  type InitializeParams,
  type InitializeResult,
  MarkupKind,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  codeLenses,
  completionListAt,
  definitionAt,
  deleteFile,
  documentSymbols,
  FIX_ALL_IN_WORKSPACE_COMMAND,
  type Finding,
  findingsOfFiles,
  fixAll,
  GLOBAL_SERVICES_REQUEST,
  type GlobalServicesResult,
  globalServiceRows,
  hoverAt,
  type Location,
  offeredFixes,
  problemCount,
  REACH_REQUEST,
  type ReachParams,
  type ReachResult,
  reachFrom,
  referencesAt,
  SHOW_INSTANCES_COMMAND,
  STATUS_NOTIFICATION,
  type StatusParams,
  setFile,
  setSkippedFile,
  setTopologyPath,
  shardChecker,
  workspaceSymbols,
} from '../../../shared/src';
import { isScannedPath, readWorkspaceFile, readWorkspaceFiles, sizeLimitReason } from '../workspace-files';
import { fixedFilesEdit, quickFix, toDiagnostic } from './convert';
import { analyse, createFolder, type Folder, pathIn, resultIdOf, takeUnpublished, uriIn } from './folders';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { createSlicedUpdates } from './sliced-updates';

/**
 * The language server: a thin adapter between LSP and the pure core. It keeps each workspace
 * folder's core Workspace in step with the editor (open buffers win over disk), and converts the
 * core's plain answers into LSP types. All analysis happens in shared/.
 */
/** How long the scan parses before it lets other messages through. */
const SCAN_SLICE_MS = 200;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const folders: Folder[] = [];
  let settings: Settings = DEFAULT_SETTINGS;
  let client = {
    pull: false,
    refresh: false,
    progress: false,
    configuration: false,
    configurationChanges: false,
    watch: false,
    documentChanges: false,
    folders: false,
  };
  let ready = Promise.resolve();
  let publishPending: NodeJS.Immediate | undefined;
  /** Publishing waits while this is above 0: until the first scan is done, and during rescans. */
  let holdPublishes = 1;
  const published = new Map<string, string>();
  const reportedCheckErrors = new Set<string>();

  const onCheckError = (check: { code: string }, error: unknown) => {
    if (reportedCheckErrors.has(check.code)) return;
    reportedCheckErrors.add(check.code);
    connection.console.error(
      `Mesh Lens: check ${check.code} failed and was skipped: ${(error as Error)?.stack ?? error}`,
    );
  };

  const locate = (uri: string): { folder: Folder; path: string } | undefined => {
    for (const folder of folders) {
      const path = pathIn(folder, uri);
      if (path !== undefined) return { folder, path };
    }
    return undefined;
  };
  const updates = createSlicedUpdates();
  /** The version of each open document whose text the workspace holds: a large one lags behind. */
  const syncedVersions = new Map<string, number>();
  // Edits built from the workspace name the version they were built from, so that an editor refuses
  // them once the buffer has moved on.
  const versionOf = (uri: string) => syncedVersions.get(uri) ?? documents.get(uri)?.version ?? null;
  const addFolder = (uri: string) => {
    const folder = createFolder(uri, settings);
    if (folder) folders.push(folder);
    else connection.console.warn(`Mesh Lens: ${uri} is not a local folder, so it is not analysed.`);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    client = {
      pull: caps.textDocument?.diagnostic !== undefined,
      refresh: caps.workspace?.diagnostics?.refreshSupport === true,
      progress: caps.window?.workDoneProgress === true,
      configuration: caps.workspace?.configuration === true,
      // Without dynamic registration a client sends didChangeConfiguration anyway (or never).
      configurationChanges: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      watch: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      folders: caps.workspace?.workspaceFolders === true,
    };
    const roots =
      params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    for (const uri of roots) addFolder(uri);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        completionProvider: { triggerCharacters: [':', ' ', '.'] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        executeCommandProvider: { commands: [FIX_ALL_IN_WORKSPACE_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...(client.pull
          ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true } }
          : {}),
      },
      serverInfo: {
        name: 'mesh-lens',
        version: typeof MESH_LENS_VERSION === 'string' ? MESH_LENS_VERSION : undefined,
      },
    };
  });

  // A client may answer one of the server's own requests with an error (it does not support the
  // registration, the progress, the refresh): the server carries on without it. Unhandled, such a
  // refusal ended the server process (found by the reliability tests).
  const carryOn = () => undefined;

  connection.onInitialized(() => {
    if (client.configuration && client.configurationChanges)
      void connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'meshLens' })
        .catch(carryOn);
    if (client.watch) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
        .catch(carryOn);
    }
    if (client.folders)
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const removed of event.removed) {
          const index = folders.findIndex((folder) => folder.uri === removed.uri);
          if (index >= 0) folders.splice(index, 1);
        }
        for (const added of event.added) addFolder(added.uri);
        ready = ready.then(() => scanAll()).then(publishNow);
      });
    ready = loadSettings()
      .then(() => scanAll())
      .then(() => {
        holdPublishes--;
        publishNow();
      });
  });

  async function loadSettings(): Promise<void> {
    if (!client.configuration) return;
    // Refused, the settings stay as they are.
    settings = await connection.workspace.getConfiguration('meshLens').then(readSettings, () => settings);
  }

  /** Reads every folder's YAML files from disk, reporting progress; open buffers keep their text. */
  async function scanAll(): Promise<void> {
    holdPublishes++;
    try {
      await readAllFolders();
    } finally {
      holdPublishes--;
    }
  }

  async function readAllFolders(): Promise<void> {
    sendStatus(true);
    const progress = client.progress
      ? await connection.window.createWorkDoneProgress().catch(carryOn)
      : undefined;
    progress?.begin('Mesh Lens', 0, 'Reading manifests…', false);
    let count = 0;
    for (const folder of folders) {
      setTopologyPath(folder.workspace, settings.topologyFile);
      const excluded = excludedMatcher();
      const { files, skipped } = await readWorkspaceFiles(folder.root, {
        maxFileBytes: settings.maxFileSizeMB * 1024 * 1024,
        isExcluded: excluded,
        onFile: () => {
          count++;
          if (count % 200 === 0) progress?.report(`Reading manifests… ${count} files`);
        },
      }).catch((error: Error) => {
        connection.console.error(`Mesh Lens: cannot read ${folder.root}: ${error.message}`);
        return { files: [], skipped: [] };
      });
      const seen = new Set<string>();
      let slice = performance.now();
      for (const [index, file] of files.entries()) {
        seen.add(file.path);
        // An open buffer's text wins, even one opened while this loop yielded.
        if (!folder.open.has(file.path)) setFile(folder.workspace, file.path, file.text);
        // Parsing is most of a scan (14 s at 50,000 resources): hand the event loop back now and then
        // so cancellations, `shutdown` and edits are handled, and say how far it got.
        if (performance.now() - slice > SCAN_SLICE_MS) {
          progress?.report(`Analysing manifests… ${index + 1} of ${files.length} files`);
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      for (const file of skipped) {
        seen.add(file.path);
        if (!folder.open.has(file.path)) setSkippedFile(folder.workspace, file.path, file.reason);
      }
      for (const path of [...folder.workspace.files.keys()]) {
        if (!seen.has(path) && !folder.open.has(path)) deleteFile(folder.workspace, path);
      }
    }
    progress?.done();
  }

  connection.onDidChangeConfiguration(async () => {
    await ready;
    const previous = settings;
    await loadSettings();
    const rescan =
      previous.topologyFile !== settings.topologyFile ||
      previous.maxFileSizeMB !== settings.maxFileSizeMB ||
      previous.exclude.join('\n') !== settings.exclude.join('\n');
    if (rescan) ready = scanAll();
    await ready;
    publishNow();
    if (previous.codeLens !== settings.codeLens)
      void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });

  let excludedCache: { globs: string[]; match?: (path: string) => boolean } | undefined;
  function excludedMatcher(): ((path: string) => boolean) | undefined {
    if (excludedCache?.globs !== settings.exclude) {
      const globs = settings.exclude;
      excludedCache = { globs, match: globs.length > 0 ? picomatch(globs, { dot: true }) : undefined };
    }
    return excludedCache.match;
  }

  const syncDocument = (document: TextDocument) => {
    const located = locate(document.uri);
    if (!located || !isScannedPath(located.path, excludedMatcher())) return;
    located.folder.open.add(located.path);
    const text = document.getText();
    // The size limit holds for open buffers too: parsing a 20 MB buffer blocked every request for
    // half a minute (found by the reliability tests).
    const tooLarge = sizeLimitReason(Buffer.byteLength(text), settings.maxFileSizeMB * 1024 * 1024);
    if (tooLarge) {
      updates.cancel(document.uri);
      setSkippedFile(located.folder.workspace, located.path, tooLarge);
      syncedVersions.set(document.uri, document.version);
      schedulePublish();
      return;
    }
    updates.setText(document.uri, located.folder.workspace, located.path, text, (changed) => {
      syncedVersions.set(document.uri, document.version);
      if (changed) schedulePublish();
    });
  };
  documents.onDidOpen((event) => syncDocument(event.document));
  documents.onDidChangeContent((event) => syncDocument(event.document));
  documents.onDidClose(async (event) => {
    updates.cancel(event.document.uri);
    syncedVersions.delete(event.document.uri);
    const located = locate(event.document.uri);
    if (!located) return;
    located.folder.open.delete(located.path);
    await reloadFromDisk(located.folder, located.path);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await ready;
    for (const change of changes) {
      const located = locate(change.uri);
      if (!located || located.folder.open.has(located.path)) continue;
      if (!isScannedPath(located.path, excludedMatcher())) continue;
      await reloadFromDisk(located.folder, located.path);
    }
  });

  async function reloadFromDisk(folder: Folder, path: string): Promise<void> {
    if (!isScannedPath(path, excludedMatcher())) {
      if (deleteFile(folder.workspace, path)) schedulePublish();
      return;
    }
    const result = await readWorkspaceFile(folder.root, path, settings.maxFileSizeMB * 1024 * 1024).catch(
      () => undefined,
    );
    let changed = true;
    if (!result) changed = deleteFile(folder.workspace, path);
    else if ('text' in result) changed = setFile(folder.workspace, path, result.text);
    else setSkippedFile(folder.workspace, path, result.reason);
    if (changed) schedulePublish();
  }

  /**
   * Publishes once the messages already received are handled: a burst of changes (typing, a
   * branch switch) is analysed once, and a single edit is published without a fixed delay.
   */
  function schedulePublish(): void {
    // A scan ends with a publish; diagnostics of a half-read workspace would be wrong (an exported
    // sibling not read yet looks missing), so edits during a scan wait for it.
    if (holdPublishes > 0) return;
    publishPending ??= setImmediate(publishNow);
  }

  /** Pushes diagnostics for every file whose diagnostics changed (or asks a pull client to refresh). */
  function publishNow(): void {
    if (publishPending) clearImmediate(publishPending);
    publishPending = undefined;
    sendStatus(false);
    if (client.pull) {
      for (const folder of folders) takeUnpublished(folder);
      if (client.refresh) void connection.languages.diagnostics.refresh().catch(carryOn);
      return;
    }
    for (const folder of folders) {
      const analysis = analyse(folder, settings.severity, onCheckError);
      const changed = takeUnpublished(folder);
      const byFile =
        changed === 'all' ? groupByFile(folder, analysis.findings) : findingsOfFiles(analysis, changed);
      for (const [path, fileFindings] of byFile) {
        const uri = uriIn(folder, path);
        const diagnostics = fileFindings.map((finding) =>
          toDiagnostic(finding, (file) => uriIn(folder, file)),
        );
        const key = JSON.stringify(diagnostics);
        // A file that never had diagnostics needs no empty list: at start-up most files are clean.
        if ((published.get(uri) ?? '[]') === key) continue;
        published.set(uri, key);
        connection.sendDiagnostics({ uri, version: versionOf(uri) ?? undefined, diagnostics });
      }
    }
  }

  function sendStatus(scanning: boolean): void {
    const status: StatusParams = { scanning, clusters: 0, globalServices: 0, problems: 0 };
    if (!scanning) {
      for (const folder of folders) {
        const analysis = analyse(folder, settings.severity, onCheckError);
        status.clusters += analysis.model.topology.clusters.size;
        status.globalServices += analysis.model.globalServices.size;
        status.problems += problemCount(analysis);
      }
    }
    void connection.sendNotification(STATUS_NOTIFICATION, status);
  }

  function groupByFile(folder: Folder, findings: Finding[]): Map<string, Finding[]> {
    const byFile = new Map<string, Finding[]>();
    for (const path of folder.workspace.files.keys()) byFile.set(path, []);
    for (const uri of published.keys()) {
      const path = pathIn(folder, uri);
      if (path !== undefined && !byFile.has(path)) byFile.set(path, []);
    }
    for (const finding of findings) byFile.get(finding.file)?.push(finding);
    return byFile;
  }

  // Pull diagnostics carry result ids, so a client that re-pulls (VS Code does, every few seconds)
  // gets "unchanged" for every file whose findings the edits since did not touch.
  connection.languages.diagnostics.on(async (params) => {
    await ready;
    const located = locate(params.textDocument.uri);
    if (!located) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const analysis = analyse(located.folder, settings.severity, onCheckError);
    const resultId = resultIdOf(located.folder, located.path);
    if (params.previousResultId === resultId)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return {
      kind: DocumentDiagnosticReportKind.Full,
      resultId,
      items: (findingsOfFiles(analysis, [located.path]).get(located.path) ?? []).map((finding) =>
        toDiagnostic(finding, (file) => uriIn(located.folder, file)),
      ),
    };
  });

  connection.languages.diagnostics.onWorkspace(async (params) => {
    await ready;
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    const items = folders.flatMap((folder) => {
      const { findings } = analyse(folder, settings.severity, onCheckError);
      return [...groupByFile(folder, findings)].map(
        ([path, fileFindings]): WorkspaceDocumentDiagnosticReport => {
          const uri = uriIn(folder, path);
          const version = versionOf(uri);
          const resultId = resultIdOf(folder, path);
          if (previous.get(uri) === resultId)
            return { kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId };
          return {
            kind: DocumentDiagnosticReportKind.Full,
            uri,
            version,
            resultId,
            items: fileFindings.map((finding) => toDiagnostic(finding, (file) => uriIn(folder, file))),
          };
        },
      );
    });
    return { items };
  });

  /** Runs a position request against the current model, unless the client already cancelled it. */
  async function withModel<T>(
    uri: string,
    token: CancellationToken,
    fallback: T,
    answer: (folder: Folder, path: string) => T,
  ): Promise<T> {
    await ready;
    const located = locate(uri);
    if (!located || token.isCancellationRequested) return fallback;
    return answer(located.folder, located.path);
  }

  const toLocation = (folder: Folder) => (location: Location) => ({
    uri: uriIn(folder, location.file),
    range: location.range,
  });

  connection.onHover((params, token) =>
    withModel(params.textDocument.uri, token, null, (folder, path) => {
      const { model } = analyse(folder, settings.severity, onCheckError);
      const hover = hoverAt(
        model,
        path,
        params.position,
        (file, range) => `${uriIn(folder, file)}#L${range.start.line + 1}`,
      );
      return hover
        ? { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: hover.range }
        : null;
    }),
  );

  connection.onCodeLens((params, token) =>
    withModel(params.textDocument.uri, token, [], (folder, path) => {
      if (!settings.codeLens) return [];
      const { model } = analyse(folder, settings.severity, onCheckError);
      return codeLenses(model, path).map((lens) => ({
        range: lens.range,
        command: {
          title: lens.title,
          command: SHOW_INSTANCES_COMMAND,
          arguments: [params.textDocument.uri, lens.range.start, lens.locations.map(toLocation(folder))],
        },
      }));
    }),
  );

  connection.onCodeAction((params, token) =>
    withModel(params.textDocument.uri, token, [] as CodeAction[], (folder, path) => {
      const analysis = analyse(folder, settings.severity, onCheckError);
      const toUri = (file: string) => uriIn(folder, file);
      const inFile = findingsOfFiles(analysis, [path]).get(path) ?? [];
      const wanted = params.context.only;
      const actions: CodeAction[] = [];
      // Every fix is tried by the same oracle as `--fix` before it is offered (verify-fix.ts).
      const checker = shardChecker(() => analyse(folder, settings.severity, onCheckError));
      if (!wanted || wanted.some((kind) => kind.startsWith(CodeActionKind.QuickFix))) {
        for (const finding of inFile.filter((candidate) => overlaps(candidate.range, params.range))) {
          for (const fix of offeredFixes(folder.workspace, checker, finding)) {
            const action = quickFix(finding, fix, toUri, versionOf, client.documentChanges);
            if (action) actions.push(action);
          }
        }
      }
      if (
        !wanted ||
        wanted.some(
          (kind) =>
            CodeActionKind.SourceFixAll.startsWith(kind) || kind.startsWith(CodeActionKind.SourceFixAll),
        )
      ) {
        const result = fixAll(folder.workspace, analysis.options, { files: new Set([path]) }, analysis);
        if (result.files.length > 0) {
          actions.push({
            title: 'Fix all auto-fixable mesh problems in this file',
            kind: CodeActionKind.SourceFixAll,
            edit: fixedFilesEdit(result.files, toUri, versionOf, client.documentChanges),
          });
        }
      }
      return actions;
    }),
  );

  connection.onExecuteCommand(async (params) => {
    await ready;
    if (params.command !== FIX_ALL_IN_WORKSPACE_COMMAND) return null;
    let fixed = 0;
    for (const folder of folders) {
      const analysis = analyse(folder, settings.severity, onCheckError);
      const result = fixAll(folder.workspace, analysis.options, {}, analysis);
      if (result.files.length === 0) continue;
      const edit = fixedFilesEdit(
        result.files,
        (file) => uriIn(folder, file),
        versionOf,
        client.documentChanges,
      );
      const applied = await connection.workspace.applyEdit({ label: 'Mesh Lens: fix all', edit });
      if (applied.applied) fixed += result.files.reduce((sum, file) => sum + file.fixes.length, 0);
    }
    return { fixed };
  });

  connection.onRequest(GLOBAL_SERVICES_REQUEST, async (): Promise<GlobalServicesResult> => {
    await ready;
    return {
      folders: folders.map((folder) => {
        const { model } = analyse(folder, settings.severity, onCheckError);
        return {
          uri: folder.uri,
          clusters: [...model.topology.clusters.keys()],
          services: globalServiceRows(model).map((row) => ({
            ...row,
            clusters: row.clusters.map(({ file, ...cluster }) => ({ ...cluster, uri: uriIn(folder, file) })),
          })),
        };
      }),
    };
  });

  connection.onRequest(REACH_REQUEST, async (params: ReachParams): Promise<ReachResult | null> => {
    await ready;
    const folder = folders.find((candidate) => candidate.uri === params.folderUri) ?? folders[0];
    if (!folder) return null;
    const { model } = analyse(folder, settings.severity, onCheckError);
    const reach = reachFrom(model, params.hostname, params.cluster, params.namespace ?? 'default');
    return {
      hostname: reach.hostname,
      from: reach.from,
      mode: reach.mode,
      chosen: reach.chosen,
      explanation: reach.explanation,
    };
  });

  const EMPTY_COMPLETIONS: CompletionList = { isIncomplete: false, items: [] };
  connection.onCompletion((params, token) =>
    withModel(params.textDocument.uri, token, EMPTY_COMPLETIONS, (folder, path): CompletionList => {
      const text =
        documents.get(params.textDocument.uri)?.getText() ?? folder.workspace.files.get(path)?.text ?? '';
      const { model } = analyse(folder, settings.severity, onCheckError);
      const list = completionListAt(model, path, text, params.position);
      return {
        isIncomplete: list.isIncomplete,
        items: list.items.map(
          (item): CompletionItem => ({
            label: item.label,
            kind:
              item.kind === 'hostname'
                ? CompletionItemKind.Reference
                : item.kind === 'key'
                  ? CompletionItemKind.Property
                  : CompletionItemKind.Value,
            detail: item.detail,
            documentation: item.documentation
              ? { kind: MarkupKind.Markdown, value: item.documentation }
              : undefined,
            sortText: item.sortText,
            textEdit: { range: item.range, newText: item.label },
          }),
        ),
      };
    }),
  );

  connection.onDefinition((params, token) =>
    withModel(params.textDocument.uri, token, [], (folder, path) =>
      definitionAt(analyse(folder, settings.severity, onCheckError).model, path, params.position).map(
        toLocation(folder),
      ),
    ),
  );

  connection.onReferences((params, token) =>
    withModel(params.textDocument.uri, token, [], (folder, path) =>
      referencesAt(
        analyse(folder, settings.severity, onCheckError).model,
        path,
        params.position,
        params.context.includeDeclaration,
      ).map(toLocation(folder)),
    ),
  );

  connection.onDocumentSymbol((params, token) =>
    withModel(params.textDocument.uri, token, [], (folder, path) =>
      documentSymbols(analyse(folder, settings.severity, onCheckError).model, path).map((symbol) => ({
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
      })),
    ),
  );

  connection.onWorkspaceSymbol(async (params, token) => {
    await ready;
    if (token.isCancellationRequested) return [];
    return folders.flatMap((folder) =>
      workspaceSymbols(analyse(folder, settings.severity, onCheckError).model, params.query).map(
        (symbol) => ({
          name: symbol.name,
          containerName: symbol.detail,
          kind: SymbolKind.Interface,
          location: toLocation(folder)(symbol.location),
        }),
      ),
    );
  });

  documents.listen(connection);
  connection.listen();
}

function overlaps(
  a: { start: { line: number; character: number }; end: { line: number; character: number } },
  b: typeof a,
): boolean {
  const before = (p: typeof a.start, q: typeof a.start) =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

declare const MESH_LENS_VERSION: string | undefined;
