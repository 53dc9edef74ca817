import { type Connection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { runCommands } from './commands';
import { answerDiagnosticPulls } from './diagnostic-pulls';
import { syncDocuments } from './document-sync';
import { initialize, registerForChanges } from './initialize';
import { renderOnRequest } from './render';
import { answerRequests } from './requests';
import { rescanOnFolderChanges, rescanOnSettingsChanges, startFirstScan } from './scan';
import { createServerState } from './state';
import type { Idle } from './when-idle';

/**
 * The language server: a thin adapter between LSP and the pure core. It keeps each workspace
 * folder's core Workspace in step with the editor (open buffers win over disk), and converts the
 * core's plain answers into LSP types. All analysis happens in shared/; each LSP concern is a
 * module of its own, wired here to one shared state. `idle` counts the connection's messages (its
 * options come from `countingMessages`), so that work can wait for the end of a burst.
 */
/** `parseWorkerScript`: the bundle a parse worker runs (the entry point's own), when scans may use one. */
export function startServer(connection: Connection, idle: Idle, parseWorkerScript?: string): void {
  const documents = new TextDocuments(TextDocument);
  const state = createServerState(connection, documents, idle, parseWorkerScript);

  connection.onInitialize((params) => initialize(state, params));
  connection.onInitialized(() => {
    registerForChanges(state);
    rescanOnFolderChanges(state);
    startFirstScan(state);
  });
  rescanOnSettingsChanges(state);
  syncDocuments(state);
  answerDiagnosticPulls(state);
  answerRequests(state);
  runCommands(state);
  renderOnRequest(state);

  documents.listen(connection);
  connection.listen();
}
