import { type Disposable, type TreeView, window } from 'vscode';

const SCANNING = 'Scanning manifests…';

/**
 * The views' progress bar and "Scanning manifests…" message while the server reads the workspace,
 * driven by `meshLens/status` (its `scanning` flag): until the first scan ends the views would look
 * empty, which reads as "nothing found".
 */
export class ScanProgress implements Disposable {
  #finish: (() => void) | undefined;

  constructor(private readonly views: readonly { id: string; view: TreeView<unknown> }[]) {}

  /** Shows the progress while `scanning`; ends it on the first status that says the scan is over. */
  update(scanning: boolean): void {
    if (scanning) this.#start();
    else this.#end();
  }

  /** Whether the views show the scan now. */
  get scanning(): boolean {
    return this.#finish !== undefined;
  }

  #start(): void {
    if (this.#finish) return;
    const done = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
    for (const { id, view } of this.views) {
      view.message = SCANNING;
      void window.withProgress({ location: { viewId: id } }, () => done);
    }
  }

  #end(): void {
    if (!this.#finish) return;
    this.#finish();
    this.#finish = undefined;
    for (const { view } of this.views) if (view.message === SCANNING) view.message = undefined;
  }

  dispose(): void {
    this.#end();
  }
}
