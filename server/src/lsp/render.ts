import { MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import {
  isRenderedOutput,
  RUN_RENDER_COMMANDS_COMMAND,
  renderCommands,
  WORKSPACE_TRUSTED_NOTIFICATION,
} from '../../../shared/src';
import { runRenderCommand } from '../render-command';
import { sizeLimitReason } from '../workspace-files';
import { schedulePublish } from './diagnostics';
import { changeFolder } from './document-sync';
import type { Folder } from './folders';
import { carryOn, type ServerState } from './state';

// SPEC §9, Helm: a cluster's `render:` command (e.g. `helm template …`) runs in the editor only in a
// trusted workspace with `meshLens.render.enable` on — VS Code also ignores a workspace's own value
// of that setting in Restricted Mode, so an untrusted repository cannot turn it on for itself. Its
// output is analysed at `.mesh-lens/rendered/<cluster>.yaml`, held in memory, never written. The
// commands run after each scan, when a file is saved or changes on disk (a chart's values, its
// templates), when the setting or the trust changes, and on the "Run render commands" command: one
// run at a time, and a request during a run starts one more run after it.

/** A burst of saves (a formatter, a branch switch) renders once. */
const RENDER_DELAY_MS = 500;

interface Renders {
  /** The run in progress, if any. */
  running: Promise<void> | undefined;
  /** Asked for during a run: run once more after it. */
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  /**
   * Who waits for the run the pending timer starts: a request that replaces the timer (a save right
   * after the command) must not leave the earlier caller waiting for a run that never comes.
   */
  waiting: (() => void)[];
  /** Ends the commands still running when the server exits. */
  abort: AbortController;
  /** The last failure told to the user per cluster, so that a failing command on every save warns once. */
  told: Map<string, string>;
}

const rendersOf = new WeakMap<ServerState, Renders>();

function renders(state: ServerState): Renders {
  let found = rendersOf.get(state);
  if (!found) {
    found = {
      running: undefined,
      again: false,
      timer: undefined,
      waiting: [],
      abort: new AbortController(),
      told: new Map(),
    };
    rendersOf.set(state, found);
    const { abort } = found;
    process.once('exit', () => abort.abort());
  }
  return found;
}

/** Whether the user allowed render commands here: a trusted workspace and the setting on. */
export function renderAllowed(state: ServerState): boolean {
  return state.workspaceTrusted && state.settings.render;
}

/** The notifications and command that (re)start render commands. */
export function renderOnRequest(state: ServerState): void {
  state.connection.onNotification(WORKSPACE_TRUSTED_NOTIFICATION, () => {
    if (state.workspaceTrusted) return;
    state.workspaceTrusted = true;
    void requestRender(state, 0);
  });
}

/** Whether a `workspace/executeCommand` is the "Run render commands" command. */
export function isRenderCommand(command: string): boolean {
  return command === RUN_RENDER_COMMANDS_COMMAND;
}

/**
 * Runs (or, not allowed, takes away the output of) every folder's render commands after `delayMs`;
 * settles when that run is done.
 */
export function requestRender(state: ServerState, delayMs = RENDER_DELAY_MS): Promise<void> {
  const current = renders(state);
  if (current.timer) clearTimeout(current.timer);
  return new Promise((done) => {
    current.waiting.push(done);
    current.timer = setTimeout(() => {
      current.timer = undefined;
      const settled = current.waiting.splice(0);
      void startRun(state, current).then(() => {
        for (const resolve of settled) resolve();
      });
    }, delayMs);
  });
}

function startRun(state: ServerState, current: Renders): Promise<void> {
  if (current.running) {
    current.again = true;
    return current.running;
  }
  current.running = (async () => {
    await state.ready;
    do {
      current.again = false;
      for (const folder of state.folders) await renderFolder(state, folder, current);
    } while (current.again);
    current.running = undefined;
  })();
  return current.running;
}

async function renderFolder(state: ServerState, folder: Folder, current: Renders): Promise<void> {
  const topologyPath = state.settings.topologyFile;
  const allowed = renderAllowed(state);
  const text = folder.host.snapshot().textOf(topologyPath);
  const commands = allowed && text !== undefined ? renderCommands(topologyPath, text) : [];
  const declared = new Set(commands.map((command) => command.output));
  // Outputs of commands that are no longer declared or allowed go: their clusters get MESH192 again.
  const stale = folder.host.paths().filter((path) => isRenderedOutput(path) && !declared.has(path));
  if (stale.length > 0 && changeFolder(folder, { deleted: stale })) schedulePublish(state);

  for (const { cluster, command, output } of commands) {
    const result = await runRenderCommand(command, folder.root, undefined, current.abort.signal);
    if (current.abort.signal.aborted) return;
    const failure =
      result.error ??
      sizeLimitReason(Buffer.byteLength(result.stdout), state.settings.maxFileSizeMB * 1024 * 1024);
    if (failure) {
      tellFailure(
        state,
        current,
        cluster,
        `the render command of cluster ${cluster} (${command}) failed: ${failure}`,
      );
      if (changeFolder(folder, { deleted: [output] })) schedulePublish(state);
      continue;
    }
    current.told.delete(cluster);
    if (changeFolder(folder, { set: [[output, result.stdout]] })) schedulePublish(state);
  }
}

function tellFailure(state: ServerState, current: Renders, cluster: string, message: string): void {
  state.connection.console.error(`Mesh Lens: ${message}`);
  if (current.told.get(cluster) === message) return;
  current.told.set(cluster, message);
  // A notification, not `window/showMessageRequest`: a client that refuses requests it does not know
  // would otherwise answer with an error.
  void state.connection
    .sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: `Mesh Lens: ${message}`,
    })
    .catch(carryOn);
}
