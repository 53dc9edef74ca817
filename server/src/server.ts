import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import {
  createWorkspace,
  deleteFile,
  type Finding,
  getModel,
  runChecks,
  setFile,
  setSkippedFile,
} from '../../shared/src';
import { toDiagnostic } from './lsp-convert';
import { DEFAULT_MAX_FILE_BYTES, isManifestPath, readManifest, readWorkspaceFiles } from './workspace-files';

// The language server: a thin adapter that keeps the core's Workspace in step with the editor
// (open buffers win over disk) and publishes the core's findings for every file.
const connection = createConnection(ProposedFeatures.all);
const workspace = createWorkspace();
let root: string | undefined;
const published = new Set<string>();
let publishTimer: NodeJS.Timeout | undefined;
const openDocuments = new Set<string>();

function toPath(uri: string): string | undefined {
  if (!root || !uri.startsWith('file:')) return undefined;
  const path = relative(root, fileURLToPath(uri));
  return path.startsWith('..') ? undefined : path.split(sep).join('/');
}

function toUri(path: string): string {
  return pathToFileURL(`${root}/${path}`).toString();
}

connection.onInitialize((params) => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  root = folder ? fileURLToPath(folder) : undefined;
  return {
    capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full } },
    serverInfo: { name: 'mesh-lens' },
  };
});

connection.onInitialized(async () => {
  if (!root) return;
  const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  for (const file of files) if (!openDocuments.has(file.path)) setFile(workspace, file.path, file.text);
  for (const file of skipped) setSkippedFile(workspace, file.path, file.reason);
  publishAll();
});

connection.onDidOpenTextDocument(({ textDocument }) => {
  const path = toPath(textDocument.uri);
  if (!path || !isManifestPath(path)) return;
  openDocuments.add(path);
  if (setFile(workspace, path, textDocument.text)) schedulePublish();
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const path = toPath(textDocument.uri);
  const last = contentChanges[contentChanges.length - 1];
  if (!path || !isManifestPath(path) || !last || 'range' in last) return;
  if (setFile(workspace, path, last.text)) schedulePublish();
});

connection.onDidCloseTextDocument(async ({ textDocument }) => {
  const path = toPath(textDocument.uri);
  if (!path || !root) return;
  openDocuments.delete(path);
  await reloadFromDisk(path);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  for (const change of changes) {
    const path = toPath(change.uri);
    if (path && isManifestPath(path) && !openDocuments.has(path)) await reloadFromDisk(path);
  }
});

async function reloadFromDisk(path: string): Promise<void> {
  const result = await readManifest(`${root}/${path}`, DEFAULT_MAX_FILE_BYTES).catch(() => undefined);
  if (!result) deleteFile(workspace, path);
  else if ('text' in result) setFile(workspace, path, result.text);
  else setSkippedFile(workspace, path, result.reason);
  schedulePublish();
}

function schedulePublish(): void {
  if (publishTimer) clearTimeout(publishTimer);
  publishTimer = setTimeout(publishAll, 50);
}

function publishAll(): void {
  publishTimer = undefined;
  const findings = runChecks(getModel(workspace), {
    onCheckError: (check, error) =>
      connection.console.error(`${check.code} failed: ${(error as Error)?.stack ?? error}`),
  });
  const byFile = new Map<string, Finding[]>();
  for (const path of workspace.files.keys()) byFile.set(path, []);
  for (const finding of findings) byFile.get(finding.file)?.push(finding);
  for (const path of published) if (!byFile.has(path)) byFile.set(path, []);
  published.clear();
  for (const [path, fileFindings] of byFile) {
    if (fileFindings.length > 0) published.add(path);
    connection.sendDiagnostics({
      uri: toUri(path),
      diagnostics: fileFindings.map((finding) => toDiagnostic(finding, toUri)),
    });
  }
}

connection.listen();
