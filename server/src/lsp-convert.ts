import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { checkByCode, docsUrl, type Finding, type Severity } from '../../shared/src';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A core finding as an LSP diagnostic; `toUri` maps workspace-relative paths back to document URIs. */
export function toDiagnostic(finding: Finding, toUri: (path: string) => string): Diagnostic {
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
