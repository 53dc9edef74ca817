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
  documents.onDidOpen((event) => queueText(state, event.document));
  documents.onDidChangeContent((event) => queueText(state, event.document));
  documents.onDidClose(async (event) => {
    state.pendingTexts.delete(event.document.uri);
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

/**
 * An edit only marks its document: the text is parsed once the messages already read are handled
 * (the whole burst of edits at once), or earlier when a request needs it. The document counts as
 * open at once, so that a scan running meanwhile does not take the disk's text for it.
 */
function queueText(state: ServerState, document: TextDocument): void {
  // The next edits of a burst cost nothing more: the text is read from the document when taken.
  if (state.pendingTexts.has(document.uri)) return;
  const located = locate(state, document.uri);
  if (!located || !isScannedPath(located.path, excludedMatcher(state))) return;
  located.folder.open.add(located.path);
  state.pendingTexts.add(document.uri);
  state.idle.run('texts', () => takeBufferTexts(state));
}

/** Hands the latest text of every edited buffer to its folder's workspace (large ones in slices). */
export function takeBufferTexts(state: ServerState): void {
  for (const uri of state.pendingTexts) {
    const document = state.documents.get(uri);
    if (document) syncDocument(state, document);
  }
  state.pendingTexts.clear();
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
    if (located.folder.scanned === 'topology') located.folder.fileLocalDue.add(located.path);
    schedulePublish(state);
    return;
  }
  state.bufferUpdates.setText(document.uri, located.folder.host, located.path, text, (changed) => {
    state.syncedVersions.set(document.uri, document.version);
    // While the first scan runs, an opened document's file-local findings are due even when the
    // scan had already read the same text from disk.
    if (located.folder.scanned === 'topology') located.folder.fileLocalDue.add(located.path);
    if (changed || located.folder.scanned === 'topology') schedulePublish(state);
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
