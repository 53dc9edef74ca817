import { createHash } from 'node:crypto';
import type { Diagnostic } from 'vscode-languageserver/node';
import { type Finding, isRenderedOutput, STATUS_NOTIFICATION, type StatusParams } from '../../../shared/src';
import { toDiagnostics } from './convert';
import { type Folder, pathIn, takeUnpublished, uriIn } from './folders';
import { analysedSnapshot, carryOn, documentVersion, type ServerState, snapshotIn } from './state';

/**
 * Publishes once the messages already read are handled (when-idle.ts): a burst of changes (typing,
 * a branch switch) is analysed once, and a single edit is published without a fixed delay. Only
 * the snapshot current then is analysed: the ones the burst went through never are.
 */
export function schedulePublish(state: ServerState): void {
  // A scan ends with a publish; cross-file diagnostics of a half-read workspace would be wrong (an
  // exported sibling not read yet looks missing), so edits during a scan wait for it. The first
  // scan shows open documents' file-local findings meanwhile.
  if (state.publishing.hold > 0) {
    state.idle.run('file-local', () => publishFileLocal(state));
    return;
  }
  state.idle.run('publish', () => publishNow(state));
}

/**
 * While the first scan reads a folder, once its topology file is read (its severity map): each
 * open document's findings of the checks declared `fileLocal` (a YAML syntax error, a skipped
 * template), computed from that document alone, as soon as the workspace holds its text. The
 * publish at the scan's end replaces them with the full set. A pull client asks for diagnostics
 * itself, once the scan is done.
 */
export function publishFileLocal(state: ServerState): void {
  if (state.client.pull) return;
  for (const folder of state.folders) {
    if (folder.scanned !== 'topology' || folder.fileLocalDue.size === 0) continue;
    // A document whose text is not taken yet is due again once it is (document-sync.ts): its
    // findings now would be those of the disk's text, or none.
    const synced = syncedPaths(state, folder);
    const due = [...folder.fileLocalDue].filter((path) => synced.has(path));
    folder.fileLocalDue.clear();
    const byFile = snapshotIn(state, folder).fileLocalFindingsOf(due);
    // Even an empty list: the editor learns the document was looked at, as from any YAML server.
    for (const [path, findings] of byFile)
      sendIfChanged(state, folder, path, findings, { evenIfEmpty: true });
  }
}

/**
 * The folder's open documents whose latest text the workspace holds. Found from the documents' own
 * URIs: a client may spell a file's URI otherwise than `uriIn` does (another percent-encoding).
 */
function syncedPaths(state: ServerState, folder: Folder): Set<string> {
  const paths = new Set<string>();
  for (const document of state.documents.all()) {
    const { uri, version } = document;
    if (state.pendingTexts.has(uri) || state.syncedVersions.get(uri) !== version) continue;
    const path = pathIn(folder, uri);
    if (path !== undefined && folder.open.has(path)) paths.add(path);
  }
  return paths;
}

/** Pushes diagnostics for every file whose diagnostics changed (or asks a pull client to refresh). */
export function publishNow(state: ServerState): void {
  const { connection } = state;
  sendStatus(state, false);
  if (state.client.pull) {
    for (const folder of state.folders) takeUnpublished(folder);
    if (state.client.refresh) void connection.languages.diagnostics.refresh().catch(carryOn);
    return;
  }
  for (const folder of state.folders) {
    const snapshot = analysedSnapshot(state, folder);
    const changed = takeUnpublished(folder);
    const byFile =
      changed === 'all' ? groupByFile(state, folder, snapshot.findings()) : snapshot.findingsOf(changed);
    for (const [path, fileFindings] of byFile) sendIfChanged(state, folder, path, fileFindings);
  }
}

function sendIfChanged(
  state: ServerState,
  folder: Folder,
  path: string,
  findings: Finding[],
  { evenIfEmpty = false } = {},
): void {
  // A render command's output has no file to show diagnostics in: its findings are also on the
  // topology file's `render:` line (checks/rendered-output-findings.ts).
  if (isRenderedOutput(path)) return;
  const { publishing } = state;
  const uri = uriIn(folder, path);
  const diagnostics = toDiagnostics(findings, (file) => uriIn(folder, file));
  const key = publishedKey(diagnostics);
  // A file that never had diagnostics needs no empty list: at start-up most files are clean.
  const previous = publishing.published.get(uri) ?? (evenIfEmpty ? undefined : NOTHING_PUBLISHED);
  if (previous === key) return;
  publishing.published.set(uri, key);
  state.connection.sendDiagnostics({ uri, version: documentVersion(state, uri) ?? undefined, diagnostics });
}

const NOTHING_PUBLISHED = '';

/**
 * What is remembered of a file's diagnostics to tell whether they changed: a digest of their JSON.
 * The JSON itself (messages, ranges, related locations' URIs) was about 5 MB of the language
 * server's memory at 50,000 resources, for 3,300 files with findings.
 */
function publishedKey(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return NOTHING_PUBLISHED;
  return createHash('sha256').update(JSON.stringify(diagnostics)).digest('base64');
}

/** The status bar's numbers, or "scanning" while a scan runs. */
export function sendStatus(state: ServerState, scanning: boolean): void {
  const status: StatusParams = { scanning, clusters: 0, globalServices: 0, problems: 0 };
  if (!scanning) {
    for (const folder of state.folders) {
      const snapshot = analysedSnapshot(state, folder);
      status.clusters += snapshot.model.topology.clusters.size;
      status.globalServices += snapshot.model.globalServices.size;
      status.problems += snapshot.problemCount();
    }
  }
  void state.connection.sendNotification(STATUS_NOTIFICATION, status);
}

/** Every file of the folder with its findings, including files that had diagnostics and now have none. */
export function groupByFile(state: ServerState, folder: Folder, findings: Finding[]): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const path of folder.host.paths()) byFile.set(path, []);
  for (const uri of state.publishing.published.keys()) {
    const path = pathIn(folder, uri);
    if (path !== undefined && !byFile.has(path)) byFile.set(path, []);
  }
  for (const finding of findings) byFile.get(finding.file)?.push(finding);
  for (const path of byFile.keys()) if (isRenderedOutput(path)) byFile.delete(path);
  return byFile;
}
