import { window } from 'vscode';
import type { ExecuteCommandSignature } from 'vscode-languageclient/node';
import { FIX_ALL_IN_WORKSPACE_COMMAND, RUN_RENDER_COMMANDS_COMMAND } from '../../shared/src/protocol';

/**
 * Middleware around the server's commands: `meshLens.fixAllInWorkspace` (registered by the language
 * client from the server's executeCommandProvider) applies its edits through workspace/applyEdit and
 * answers `{ fixed }`; tell the user what happened, since edits to closed files are easy to miss.
 * `meshLens.runRenderCommands` answers `{ rendered }`: when running is not allowed, say why.
 */
export async function reportFixAll(
  command: string,
  args: unknown[],
  next: ExecuteCommandSignature,
): Promise<unknown> {
  const result = await next(command, args);
  if (
    command === RUN_RENDER_COMMANDS_COMMAND &&
    (result as { rendered?: boolean } | null)?.rendered === false
  ) {
    void window.showInformationMessage(
      'Mesh Lens runs render commands only in a trusted workspace with the meshLens.render.enable setting on.',
    );
  }
  if (command !== FIX_ALL_IN_WORKSPACE_COMMAND) return result;
  const fixed = (result as { fixed?: number } | null)?.fixed ?? 0;
  void window.showInformationMessage(
    fixed === 0
      ? 'Mesh Lens: nothing to fix automatically.'
      : `Mesh Lens fixed ${fixed} problem${fixed === 1 ? '' : 's'}. Review and save the changed files.`,
  );
  return result;
}
