import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { FIX_ALL_IN_WORKSPACE_COMMAND, RUN_RENDER_COMMANDS_COMMAND } from '../../../shared/src';
import { pushedSection, readSettings } from './settings';
import { addFolder, type ClientSupport, carryOn, type ServerState } from './state';

/** The `initialize` handshake: reads what the client supports, adds its folders, says what the server offers. */
export function initialize(state: ServerState, params: InitializeParams): InitializeResult {
  state.client = clientSupportOf(params);
  const pushed = pushedSection(params.initializationOptions);
  if (pushed) state.settings = readSettings(pushed);
  state.workspaceTrusted = workspaceTrustedIn(params.initializationOptions);
  const roots =
    params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
  for (const uri of roots) addFolder(state, uri);
  return {
    capabilities: {
      // Saves re-run render commands (render.ts): `helm template` reads the files on disk.
      textDocumentSync: {
        openClose: true,
        change: TextDocumentSyncKind.Incremental,
        save: { includeText: false },
      },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      completionProvider: { triggerCharacters: [':', ' ', '.'] },
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      executeCommandProvider: { commands: [FIX_ALL_IN_WORKSPACE_COMMAND, RUN_RENDER_COMMANDS_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...(state.client.pull
        ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true } }
        : {}),
    },
    serverInfo: {
      name: 'mesh-lens',
      version: typeof MESH_LENS_VERSION === 'string' ? MESH_LENS_VERSION : undefined,
    },
  };
}

function workspaceTrustedIn(options: unknown): boolean {
  return (options as { workspaceTrusted?: unknown } | null | undefined)?.workspaceTrusted === true;
}

function clientSupportOf(params: InitializeParams): ClientSupport {
  const caps = params.capabilities;
  return {
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
}

/** Once initialized: asks the client for settings changes and file events, where it registers them dynamically. */
export function registerForChanges(state: ServerState): void {
  const { connection, client } = state;
  if (client.configuration && client.configurationChanges)
    void connection.client
      .register(DidChangeConfigurationNotification.type, { section: 'meshLens' })
      .catch(carryOn);
  if (client.watch) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/{*.yaml,*.yml,*.properties,*.env,*.conf,*.ini,.env}' }],
      })
      .catch(carryOn);
  }
}

declare const MESH_LENS_VERSION: string | undefined;
