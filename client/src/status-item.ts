import { type Disposable, StatusBarAlignment, ThemeColor, window } from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import type { StatusParams } from '../../shared/src/protocol';

export const SHOW_COMMANDS_COMMAND = 'meshLens.showCommands';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `Mesh Lens: 3 clusters · 12 global services · 2 problems`, spinning while the server scans. */
export function statusText(status: StatusParams): string {
  if (status.scanning) return '$(sync~spin) Mesh Lens: scanning manifests…';
  return `Mesh Lens: ${count(status.clusters, 'cluster')} · ${count(status.globalServices, 'global service')} · ${count(status.problems, 'problem')}`;
}

/** The status bar item: what the server last reported (`meshLens/status`), or that it is not running. */
export class MeshStatusItem implements Disposable {
  private readonly item = window.createStatusBarItem('meshLens.status', StatusBarAlignment.Left, 0);
  private readonly listeners: Disposable[];

  constructor(client: LanguageClient) {
    this.item.name = 'Mesh Lens';
    this.item.command = SHOW_COMMANDS_COMMAND;
    this.show('$(sync~spin) Mesh Lens: starting…', 'Starting the Mesh Lens language server');
    this.item.show();
    this.listeners = [
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) this.show('$(sync~spin) Mesh Lens: starting…', 'Starting');
        if (newState === State.Stopped) this.showStopped();
      }),
    ];
  }

  /** Shows a `meshLens/status` notification. */
  update(status: StatusParams): void {
    this.show(statusText(status), 'Mesh Lens: click for commands');
  }

  /** The text the status bar shows now. */
  get text(): string {
    return this.item.text;
  }

  showStopped(): void {
    this.show(
      '$(error) Mesh Lens: stopped',
      'The Mesh Lens language server is not running (see Show Output): click for Restart Server',
    );
    this.item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    for (const listener of this.listeners) listener.dispose();
    this.item.dispose();
  }
}
