import {
  type CodeAction,
  CodeActionKind,
  type CreateFile,
  type Diagnostic,
  DiagnosticSeverity,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  checkByCode,
  docsUrl,
  type Finding,
  type Fix,
  type FixedFile,
  type Severity,
} from '../../../shared/src';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export type ToUri = (path: string) => string;

/** A core finding as an LSP diagnostic, linking to its documentation section. */
export function toDiagnostic(finding: Finding, toUri: ToUri): Diagnostic {
  const check = checkByCode(finding.code);
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: check ? { href: docsUrl(check) } : undefined,
    source: 'mesh-lens',
    message: finding.message,
    relatedInformation: finding.related.map((related) => ({
      location: { uri: toUri(related.file), range: related.range },
      message: related.message,
    })),
  };
}

/**
 * A core fix as a WorkspaceEdit: `documentChanges` (with file creation) when the client supports
 * them, else the plain `changes` map — then a fix that must create a file cannot be offered.
 */
export function toWorkspaceEdit(
  fix: Fix,
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): WorkspaceEdit | undefined {
  if (!documentChanges) {
    if (fix.changes.some((change) => change.create)) return undefined;
    return { changes: Object.fromEntries(fix.changes.map((change) => [toUri(change.file), change.edits])) };
  }
  const operations: (TextDocumentEdit | CreateFile)[] = [];
  for (const change of fix.changes) {
    const uri = toUri(change.file);
    if (change.create) operations.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    operations.push({
      textDocument: { uri, version: change.create ? null : versionOf(uri) },
      edits: change.edits,
    });
  }
  return { documentChanges: operations };
}

export function quickFix(
  finding: Finding,
  fix: Fix,
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): CodeAction | undefined {
  const edit = toWorkspaceEdit(fix, toUri, versionOf, documentChanges);
  if (!edit) return undefined;
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(finding, toUri)],
    isPreferred: fix.preferred === true,
    edit,
  };
}

/** Whole-file results of fix-all as one WorkspaceEdit: each changed file replaced, created files created. */
export function fixedFilesEdit(
  files: FixedFile[],
  toUri: ToUri,
  versionOf: (uri: string) => number | null,
  documentChanges: boolean,
): WorkspaceEdit {
  const fix: Fix = {
    title: 'fix all',
    changes: files.map((file) => ({
      file: file.path,
      create: file.created,
      edits: [{ range: wholeText(file.before), newText: file.after }],
    })),
  };
  return toWorkspaceEdit(fix, toUri, versionOf, documentChanges) ?? { changes: {} };
}

function wholeText(text: string) {
  const lines = text.split('\n');
  return {
    start: { line: 0, character: 0 },
    end: { line: lines.length - 1, character: lines[lines.length - 1]?.length ?? 0 },
  };
}
