import { isRenderedOutput } from '../../../shared/src';
import { dealToWorker } from '../parse-workers';
import { isScannedPath, readWorkspaceFile, readWorkspaceFiles } from '../workspace-files';
import { publishFileLocal, publishNow, sendStatus } from './diagnostics';
import type { Folder } from './folders';
import { requestRender } from './render';
import { pushedSection, readSettings } from './settings';
import { addFolder, carryOn, excludedMatcher, loadSettings, type ServerState } from './state';

/** How long the scan parses before it lets other messages through. */
const SCAN_SLICE_MS = 200;
/**
 * How long, at most, the scan then waits for the messages to pause (the work they ask for, such as
 * parsing opened documents, runs once they do): a client that never pauses slows the scan by a
 * fifth at most.
 */
const SCAN_DRAIN_MS = 50;

/** Reads the settings and every folder, then publishes: until then the publishing hold is on. */
export function startFirstScan(state: ServerState): void {
  state.ready = loadSettings(state)
    .then(() => scanAll(state))
    .then(() => {
      state.publishing.hold--;
      publishNow(state);
      void requestRender(state, 0);
    });
}

/** Workspace folders added or removed: the folder list changes, and every folder is read again. */
export function rescanOnFolderChanges(state: ServerState): void {
  if (!state.client.folders) return;
  state.connection.workspace.onDidChangeWorkspaceFolders((event) => {
    for (const removed of event.removed) {
      const index = state.folders.findIndex((folder) => folder.uri === removed.uri);
      if (index >= 0) state.folders.splice(index, 1);
    }
    for (const added of event.added) addFolder(state, added.uri);
    state.ready = state.ready.then(() => scanAll(state)).then(() => publishNow(state));
    void requestRender(state, 0);
  });
}

/** Settings changed: a rescan when they change which files are read and how, a publish in any case. */
export function rescanOnSettingsChanges(state: ServerState): void {
  const { connection } = state;
  connection.onDidChangeConfiguration(async (params) => {
    await state.ready;
    const previous = state.settings;
    // A client that sends the section with the notification (Neovim does) is taken at its word;
    // otherwise the settings are asked for.
    const pushed = pushedSection(params.settings);
    if (pushed) state.settings = readSettings(pushed);
    else await loadSettings(state);
    const { settings } = state;
    const rescan =
      previous.topologyFile !== settings.topologyFile ||
      previous.maxFileSizeMB !== settings.maxFileSizeMB ||
      previous.exclude.join('\n') !== settings.exclude.join('\n');
    if (rescan) state.ready = scanAll(state);
    await state.ready;
    publishNow(state);
    if (rescan || previous.render !== settings.render) void requestRender(state, 0);
    if (previous.codeLens !== settings.codeLens)
      void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });
}

/** Reads every folder's YAML files from disk, reporting progress; open buffers keep their text. */
async function scanAll(state: ServerState): Promise<void> {
  state.publishing.hold++;
  try {
    await readAllFolders(state);
  } finally {
    state.publishing.hold--;
  }
}

async function readAllFolders(state: ServerState): Promise<void> {
  const { connection } = state;
  sendStatus(state, true);
  const progress = state.client.progress
    ? await connection.window.createWorkDoneProgress().catch(carryOn)
    : undefined;
  progress?.begin('Mesh Lens', 0, 'Reading manifests…', false);
  let count = 0;
  const onFile = () => {
    count++;
    if (count % 200 === 0) progress?.report(`Reading manifests… ${count} files`);
  };
  for (const folder of state.folders) {
    await readFolder(state, folder, onFile, (message) => progress?.report(message));
  }
  // Every file dealt to the parse worker has been taken in; the analysis comes next.
  state.parseWorker?.stopWhenAnswered();
  progress?.done();
}

async function readFolder(
  state: ServerState,
  folder: Folder,
  onFile: () => void,
  report: (message: string) => void,
): Promise<void> {
  const { settings } = state;
  const { host } = folder;
  host.applyChange({ topologyPath: settings.topologyFile });
  if (folder.scanned === 'nothing') await readTopologyFirst(state, folder);
  const { files, skipped } = await readWorkspaceFiles(folder.root, {
    maxFileBytes: settings.maxFileSizeMB * 1024 * 1024,
    isExcluded: excludedMatcher(state),
    onFile: (_count, textLength, path) => {
      onFile();
      state.parseWorker?.noteRead(path, textLength);
    },
    // As between slices of parsing: the messages read meanwhile (documents opened) are handled.
    pause: () => state.idle.drain(SCAN_DRAIN_MS),
  }).catch((error: Error) => {
    state.connection.console.error(`Mesh Lens: cannot read ${folder.root}: ${error.message}`);
    return { files: [], skipped: [] };
  });
  const seen = new Set<string>();
  const dealt = state.parseWorker?.read(
    dealToWorker(
      files.filter((file) => !folder.open.has(file.path)),
      (path) => path === settings.topologyFile,
    ),
    host.valueDomains(),
  );
  let slice = performance.now();
  for (const [index, file] of files.entries()) {
    seen.add(file.path);
    // Waiting for the worker lets other messages through, as the yields below do.
    const read = dealt?.has(file.path) ? await dealt.factsOf(file.path) : undefined;
    // An open buffer's text wins, even one opened while this loop yielded.
    if (!folder.open.has(file.path)) host.applyChange({ set: [[file.path, file.text, read]] });
    // Parsing is most of a scan (14 s at 50,000 resources): hand the event loop back now and then
    // until the messages read meanwhile are handled (cancellations, `shutdown`, edits, documents
    // opened, whose file-local findings are then published), and say how far it got.
    if (performance.now() - slice > SCAN_SLICE_MS) {
      report(`Analysing manifests… ${index + 1} of ${files.length} files`);
      await state.idle.drain(SCAN_DRAIN_MS);
      slice = performance.now();
    }
  }
  for (const file of skipped) seen.add(file.path);
  host.applyChange({
    skipped: skipped.filter((file) => !folder.open.has(file.path)).map((file) => [file.path, file.reason]),
    // A render command's output has no file on disk: render.ts keeps it.
    deleted: host
      .paths()
      .filter((path) => !seen.has(path) && !folder.open.has(path) && !isRenderedOutput(path)),
  });
  folder.scanned = 'all';
}

/**
 * The topology file before the rest, on the first scan: its severity map decides how open
 * documents' file-local findings are shown, and those are published now, long before the scan
 * ends at tens of thousands of files. A missing or unreadable topology file is left to the scan.
 */
async function readTopologyFirst(state: ServerState, folder: Folder): Promise<void> {
  const path = state.settings.topologyFile;
  if (!folder.open.has(path) && isScannedPath(path, excludedMatcher(state))) {
    const maxBytes = state.settings.maxFileSizeMB * 1024 * 1024;
    const result = await readWorkspaceFile(folder.root, path, maxBytes).catch(() => undefined);
    if (result && 'text' in result && !folder.open.has(path))
      folder.host.applyChange({ set: [[path, result.text]] });
  }
  folder.scanned = 'topology';
  for (const open of folder.open) folder.fileLocalDue.add(open);
  publishFileLocal(state);
}
