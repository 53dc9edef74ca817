import * as vscode from 'vscode';

export const RATINGS_0 = 'clusters/cluster0/ratings.yaml';
export const RATINGS_1 = 'clusters/cluster1/ratings.yaml';
export const ROUTE = 'clusters/cluster0/reviews-route.yaml';
export const REVIEWS_2 = 'clusters/cluster2/reviews.yaml';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e suite needs the example workspace open as a folder');
  return folder.uri;
}

export const fileUri = (path: string) => vscode.Uri.joinPath(workspaceRoot(), path);

/** Polls `probe` until `accept` holds; fails with the last value so a timeout says what was seen. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Thenable<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** The Mesh Lens codes on a file, in order. */
export const meshCodes = (path: string) =>
  vscode.languages
    .getDiagnostics(fileUri(path))
    .filter((diagnostic) => diagnostic.source === 'mesh-lens')
    .map(codeOf);

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

export async function openFile(path: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fileUri(path));
  return vscode.window.showTextDocument(document);
}

/**
 * Runs a command that shows quick picks and accepts the first item of each until the command
 * finishes (quick picks have no API for tests; accepting with no picker open does nothing).
 */
export async function runAcceptingFirstPicks<T>(command: Thenable<T>, timeoutMs = 15_000): Promise<T> {
  let done = false;
  const result = Promise.resolve(command).finally(() => {
    done = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!done && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}
