import { FIX_ALL_IN_WORKSPACE_COMMAND } from '../../../shared/src';
import { fixedFilesEdit } from './convert';
import { uriIn } from './folders';
import { isRenderCommand, renderAllowed, requestRender } from './render';
import { documentVersion, type ServerState, snapshotIn } from './state';

/** `workspace/executeCommand`: fix all in workspace, one edit per folder, counting the fixes the editor applied. */
export function runCommands(state: ServerState): void {
  const { connection } = state;
  connection.onExecuteCommand(async (params) => {
    await state.ready;
    if (isRenderCommand(params.command)) {
      await requestRender(state, 0);
      return { rendered: renderAllowed(state) };
    }
    if (params.command !== FIX_ALL_IN_WORKSPACE_COMMAND) return null;
    let fixed = 0;
    for (const folder of state.folders) {
      const result = snapshotIn(state, folder).fixAll();
      if (result.files.length === 0) continue;
      const edit = fixedFilesEdit(
        result.files,
        (file) => uriIn(folder, file),
        (uri) => documentVersion(state, uri),
        state.client.documentChanges,
      );
      const applied = await connection.workspace.applyEdit({ label: 'Mesh Lens: fix all', edit });
      if (applied.applied) fixed += result.files.reduce((sum, file) => sum + file.fixes.length, 0);
    }
    return { fixed };
  });
}
