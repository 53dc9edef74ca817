import {
  DocumentDiagnosticReportKind,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { type Finding, isRenderedOutput, STATUS_NOTIFICATION, type StatusParams } from '../../../shared/src';
import { toDiagnostics } from './convert';
import { type Folder, pathIn, resultIdOf, takeUnpublished, uriIn } from './folders';
import { carryOn, documentVersion, locate, type ServerState, snapshotIn } from './state';

/**
 * Publishes once the messages already received are handled: a burst of changes (typing, a
 * branch switch) is analysed once, and a single edit is published without a fixed delay.
 */
export function schedulePublish(state: ServerState): void {
  // A scan ends with a publish; diagnostics of a half-read workspace would be wrong (an exported
  // sibling not read yet looks missing), so edits during a scan wait for it.
  if (state.publishing.hold > 0) return;
  state.publishing.pending ??= setImmediate(() => publishNow(state));
}

/** Pushes diagnostics for every file whose diagnostics changed (or asks a pull client to refresh). */
export function publishNow(state: ServerState): void {
  const { connection, publishing } = state;
  if (publishing.pending) clearImmediate(publishing.pending);
  publishing.pending = undefined;
  sendStatus(state, false);
  if (state.client.pull) {
    for (const folder of state.folders) takeUnpublished(folder);
    if (state.client.refresh) void connection.languages.diagnostics.refresh().catch(carryOn);
    return;
  }
  for (const folder of state.folders) {
    const snapshot = snapshotIn(state, folder);
    const changed = takeUnpublished(folder);
    const byFile =
      changed === 'all' ? groupByFile(state, folder, snapshot.findings()) : snapshot.findingsOf(changed);
    for (const [path, fileFindings] of byFile) {
      // A render command's output has no file to show diagnostics in: its findings are also on the
      // topology file's `render:` line (checks/rendered-output-findings.ts).
      if (isRenderedOutput(path)) continue;
      const uri = uriIn(folder, path);
      const diagnostics = toDiagnostics(fileFindings, (file) => uriIn(folder, file));
      const key = JSON.stringify(diagnostics);
      // A file that never had diagnostics needs no empty list: at start-up most files are clean.
      if ((publishing.published.get(uri) ?? '[]') === key) continue;
      publishing.published.set(uri, key);
      connection.sendDiagnostics({ uri, version: documentVersion(state, uri) ?? undefined, diagnostics });
    }
  }
}

/** The status bar's numbers, or "scanning" while a scan runs. */
export function sendStatus(state: ServerState, scanning: boolean): void {
  const status: StatusParams = { scanning, clusters: 0, globalServices: 0, problems: 0 };
  if (!scanning) {
    for (const folder of state.folders) {
      const snapshot = snapshotIn(state, folder);
      status.clusters += snapshot.model.topology.clusters.size;
      status.globalServices += snapshot.model.globalServices.size;
      status.problems += snapshot.problemCount();
    }
  }
  void state.connection.sendNotification(STATUS_NOTIFICATION, status);
}

/** Every file of the folder with its findings, including files that had diagnostics and now have none. */
function groupByFile(state: ServerState, folder: Folder, findings: Finding[]): Map<string, Finding[]> {
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

// Pull diagnostics carry result ids, so a client that re-pulls (VS Code does, every few seconds)
// gets "unchanged" for every file whose findings the edits since did not touch.
export function answerDiagnosticPulls(state: ServerState): void {
  const { connection } = state;
  connection.languages.diagnostics.on(async (params) => {
    await state.ready;
    const located = locate(state, params.textDocument.uri);
    if (!located) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const snapshot = snapshotIn(state, located.folder);
    const resultId = resultIdOf(located.folder, located.path);
    if (params.previousResultId === resultId)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return {
      kind: DocumentDiagnosticReportKind.Full,
      resultId,
      items: toDiagnostics(snapshot.findingsOf([located.path]).get(located.path) ?? [], (file) =>
        uriIn(located.folder, file),
      ),
    };
  });

  connection.languages.diagnostics.onWorkspace(async (params) => {
    await state.ready;
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    const items = state.folders.flatMap((folder) => {
      const findings = snapshotIn(state, folder).findings();
      return [...groupByFile(state, folder, findings)].map(
        ([path, fileFindings]): WorkspaceDocumentDiagnosticReport => {
          const uri = uriIn(folder, path);
          const version = documentVersion(state, uri);
          const resultId = resultIdOf(folder, path);
          if (previous.get(uri) === resultId)
            return { kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId };
          return {
            kind: DocumentDiagnosticReportKind.Full,
            uri,
            version,
            resultId,
            items: toDiagnostics(fileFindings, (file) => uriIn(folder, file)),
          };
        },
      );
    });
    return { items };
  });
}
