import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceChange } from '../../../shared/src';
import { isScannedPath, readWorkspaceFile, sizeLimitReason } from '../workspace-files';
import { schedulePublish } from './diagnostics';
import type { Folder } from './folders';
import { renderAllowed, requestRender } from './render';
import { excludedMatcher, locate, type ServerState } from './state';

/**
 * Keeps each folder's workspace in step with the editor: an open buffer's text wins over the
 * disk; closing it, or a watched-file event about a file not open, reads the disk again.
 */
export function syncDocuments(state: ServerState): void {
  const { connection, documents } = state;
  documents.onDidOpen((event) => syncDocument(state, event.document));
  documents.onDidChangeContent((event) => syncDocument(state, event.document));
  documents.onDidClose(async (event) => {
    state.bufferUpdates.cancel(event.document.uri);
    state.syncedVersions.delete(event.document.uri);
    const located = locate(state, event.document.uri);
    if (!located) return;
    located.folder.open.delete(located.path);
    await reloadFromDisk(state, located.folder, located.path);
  });

  // `helm template` and `kubectl kustomize` read the files on disk: a save or a change on disk may
  // change what a render command prints (only run when allowed; render.ts).
  documents.onDidSave(() => {
    if (renderAllowed(state)) void requestRender(state);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await state.ready;
    if (renderAllowed(state)) void requestRender(state);
    for (const change of changes) {
      const located = locate(state, change.uri);
      if (!located || located.folder.open.has(located.path)) continue;
      if (!isScannedPath(located.path, excludedMatcher(state))) continue;
      await reloadFromDisk(state, located.folder, located.path);
    }
  });
}

function syncDocument(state: ServerState, document: TextDocument): void {
  const located = locate(state, document.uri);
  if (!located || !isScannedPath(located.path, excludedMatcher(state))) return;
  located.folder.open.add(located.path);
  const text = document.getText();
  // The size limit holds for open buffers too: parsing a 20 MB buffer blocked every request for
  // half a minute (found by the reliability tests).
  const tooLarge = sizeLimitReason(Buffer.byteLength(text), state.settings.maxFileSizeMB * 1024 * 1024);
  if (tooLarge) {
    state.bufferUpdates.cancel(document.uri);
    changeFolder(located.folder, { skipped: [[located.path, tooLarge]] });
    state.syncedVersions.set(document.uri, document.version);
    schedulePublish(state);
    return;
  }
  state.bufferUpdates.setText(document.uri, located.folder.host, located.path, text, (changed) => {
    state.syncedVersions.set(document.uri, document.version);
    if (changed) schedulePublish(state);
  });
}

async function reloadFromDisk(state: ServerState, folder: Folder, path: string): Promise<void> {
  if (!isScannedPath(path, excludedMatcher(state))) {
    if (changeFolder(folder, { deleted: [path] })) schedulePublish(state);
    return;
  }
  const result = await readWorkspaceFile(folder.root, path, state.settings.maxFileSizeMB * 1024 * 1024).catch(
    () => undefined,
  );
  const change: WorkspaceChange = !result
    ? { deleted: [path] }
    : 'text' in result
      ? { set: [[path, result.text]] }
      : { skipped: [[path, result.reason]] };
  if (changeFolder(folder, change)) schedulePublish(state);
}

/** Applies a change to the folder's host; whether anything changed (a new snapshot). */
export function changeFolder(folder: Folder, change: WorkspaceChange): boolean {
  const before = folder.host.snapshot();
  return folder.host.applyChange(change) !== before;
}
