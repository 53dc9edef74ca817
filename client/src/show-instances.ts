import { commands, window } from 'vscode';
import type { LanguageClient, Location, Position } from 'vscode-languageclient/node';

/**
 * `meshLens.showInstances`, run by the server's code lenses with `[uri, position, locations]` in LSP
 * terms: shows the locations in VS Code's references peek.
 */
export async function showInstances(
  client: LanguageClient,
  uri: string,
  position: Position,
  locations: Location[],
): Promise<void> {
  if (locations.length === 0) {
    void window.showInformationMessage('Mesh Lens: no service instance to show.');
    return;
  }
  const p2c = client.protocol2CodeConverter;
  await commands.executeCommand(
    'editor.action.showReferences',
    p2c.asUri(uri),
    p2c.asPosition(position),
    locations.map((location) => p2c.asLocation(location)),
  );
}
