import { FIX_ALL_IN_WORKSPACE_COMMAND } from '../../../shared/src';
import { fixedFilesEdit } from './convert';
import { uriIn } from './folders';
import { isRenderCommand, renderAllowed, requestRender } from './render';
import { checkpoint, fromLatest, stepped } from './requests';
import { documentVersion, type ServerState, snapshotIn } from './state';

/**
 * `workspace/executeCommand`: fix all in workspace, one edit per folder, counting the fixes the
 * editor applied. Each folder's fixes are computed from its newest snapshot, pass by pass: between
 * passes a cancellation stops the work, and an edit starts it again on the new text.
 */
export function runCommands(state: ServerState): void {
  const { connection } = state;
  connection.onExecuteCommand(async (params, token) => {
    await state.ready;
    if (isRenderCommand(params.command)) {
      await requestRender(state, 0);
      return { rendered: renderAllowed(state) };
    }
    if (params.command !== FIX_ALL_IN_WORKSPACE_COMMAND) return null;
    let fixed = 0;
    for (const folder of state.folders) {
      const result = await fromLatest(state, token, async () => {
        await checkpoint(token);
        const snapshot = snapshotIn(state, folder);
        return stepped(snapshot.fixAllInSteps(), token, () => folder.host.isCurrent(snapshot));
      });
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
