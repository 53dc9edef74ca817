import {
  DocumentDiagnosticReportKind,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { toDiagnostics } from './convert';
import { groupByFile } from './diagnostics';
import { takeBufferTexts } from './document-sync';
import { resultIdOf, uriIn } from './folders';
import { analysedSnapshot, documentVersion, locate, type ServerState } from './state';

// Pull diagnostics carry result ids, so a client that re-pulls (VS Code does, every few seconds)
// gets "unchanged" for every file whose findings the edits since did not touch.
export function answerDiagnosticPulls(state: ServerState): void {
  const { connection } = state;
  connection.languages.diagnostics.on(async (params) => {
    await state.ready;
    const located = locate(state, params.textDocument.uri);
    if (!located) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    takeBufferTexts(state);
    // The checks run first: the result id is read once what changed is recorded.
    const findings = analysedSnapshot(state, located.folder).findingsOf([located.path]).get(located.path);
    const resultId = resultIdOf(located.folder, located.path);
    if (params.previousResultId === resultId)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return {
      kind: DocumentDiagnosticReportKind.Full,
      resultId,
      items: toDiagnostics(findings ?? [], (file) => uriIn(located.folder, file)),
    };
  });

  connection.languages.diagnostics.onWorkspace(async (params) => {
    await state.ready;
    takeBufferTexts(state);
    const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
    const items = state.folders.flatMap((folder) => {
      const findings = analysedSnapshot(state, folder).findings();
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
