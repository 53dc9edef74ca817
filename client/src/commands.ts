import {
  commands,
  type Disposable,
  type ExtensionContext,
  type LogOutputChannel,
  type QuickPickItem,
  window,
} from 'vscode';
import type { LanguageClient, Location, Position } from 'vscode-languageclient/node';
import {
  FIX_ALL_IN_WORKSPACE_COMMAND,
  type MeshMapParams,
  type ReachParams,
  SHOW_INSTANCES_COMMAND,
} from '../../shared/src/protocol';
import { GLOBAL_SERVICES_VIEW } from './global-services-view';
import type { MeshMap } from './mesh-map';
import { openExample } from './open-example';
import { showReach } from './reach';
import { showInstances } from './show-instances';
import { SHOW_COMMANDS_COMMAND } from './status-item';

export const COMMANDS = {
  openExample: 'meshLens.openExample',
  restartServer: 'meshLens.restartServer',
  showReach: 'meshLens.showReach',
  showGlobalServices: 'meshLens.showGlobalServices',
  showMeshMap: 'meshLens.showMeshMap',
  refreshViews: 'meshLens.refreshViews',
  showOutput: 'meshLens.showOutput',
  showCommands: SHOW_COMMANDS_COMMAND,
  showInstances: SHOW_INSTANCES_COMMAND,
  // Registered by the language client from the server's executeCommandProvider.
  fixAllInWorkspace: FIX_ALL_IN_WORKSPACE_COMMAND,
} as const;

interface CommandItem extends QuickPickItem {
  command: string;
}

/** What the status item's quick pick offers. */
const MENU: CommandItem[] = [
  { label: '$(globe) Show Global Services', command: COMMANDS.showGlobalServices },
  { label: '$(arrow-swap) Show Reach…', command: COMMANDS.showReach },
  { label: '$(type-hierarchy) Show Mesh Map', command: COMMANDS.showMeshMap },
  { label: '$(lightbulb-autofix) Fix All in Workspace', command: COMMANDS.fixAllInWorkspace },
  { label: '$(book) Open Example', command: COMMANDS.openExample },
  { label: '$(debug-restart) Restart Server', command: COMMANDS.restartServer },
  { label: '$(output) Show Output', command: COMMANDS.showOutput },
];

export interface CommandTargets {
  context: ExtensionContext;
  client: LanguageClient;
  /** The Mesh Lens container's views, refreshed together: they read the same analysis. */
  trees: { refresh(): void }[];
  meshMap: MeshMap;
  output: LogOutputChannel;
}

export function registerCommands({ context, client, trees, meshMap, output }: CommandTargets): Disposable[] {
  return [
    commands.registerCommand(COMMANDS.openExample, (options?: { open?: boolean }) =>
      openExample(context, options),
    ),
    commands.registerCommand(COMMANDS.restartServer, () => restartServer(client, output)),
    commands.registerCommand(COMMANDS.showReach, (target?: ReachParams) =>
      showReach(client, meshMap, target),
    ),
    commands.registerCommand(COMMANDS.showGlobalServices, () =>
      commands.executeCommand(`${GLOBAL_SERVICES_VIEW}.focus`),
    ),
    commands.registerCommand(COMMANDS.refreshViews, () => {
      for (const tree of trees) tree.refresh();
    }),
    // With `{ service, from, folderUri }` as argument the map opens drawn for them (tests, other commands).
    commands.registerCommand(COMMANDS.showMeshMap, (params?: MeshMapParams) => meshMap.show(params)),
    commands.registerCommand(COMMANDS.showOutput, () => output.show(true)),
    commands.registerCommand(COMMANDS.showCommands, pickCommand),
    commands.registerCommand(
      COMMANDS.showInstances,
      (uri: string, position: Position, locations: Location[]) =>
        showInstances(client, uri, position, locations),
    ),
  ];
}

async function restartServer(client: LanguageClient, output: LogOutputChannel): Promise<void> {
  try {
    await client.restart();
  } catch (error) {
    output.error(error as Error);
    void window.showErrorMessage(
      `Mesh Lens: the language server did not restart: ${(error as Error).message}`,
    );
  }
}

async function pickCommand(): Promise<void> {
  const picked = await window.showQuickPick(MENU, {
    title: 'Mesh Lens',
    placeHolder: 'Run a Mesh Lens command',
  });
  if (picked) await commands.executeCommand(picked.command);
}
