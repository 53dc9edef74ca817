import { commands, type ExtensionContext, Uri, workspace } from 'vscode';

export const EXAMPLE = 'bookinfo-multicluster';

/**
 * `Mesh Lens: Open Example` (the walkthrough's first step): copies the bundled example into the
 * extension's storage and opens the copy, so the fixes the walkthrough applies touch nothing of the
 * user's and the extension's own files stay as shipped. Each run starts from a fresh copy.
 * `{ open: false }` copies without opening (opening a folder reloads the window: tests cannot follow).
 */
export async function openExample(context: ExtensionContext, options: { open?: boolean } = {}): Promise<Uri> {
  const source = Uri.joinPath(context.extensionUri, 'examples', EXAMPLE);
  const copy = Uri.joinPath(context.globalStorageUri, EXAMPLE);
  await workspace.fs.createDirectory(context.globalStorageUri);
  await workspace.fs.copy(source, copy, { overwrite: true });
  if (options.open !== false) await commands.executeCommand('vscode.openFolder', copy);
  return copy;
}
