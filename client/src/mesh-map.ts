import {
  type Disposable,
  Range,
  Uri,
  ViewColumn,
  type Webview,
  type WebviewPanel,
  window,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MESH_MAP_REQUEST, type MeshMapParams, type MeshMapResult } from '../../shared/src/protocol';
import { meshMapHtml, newNonce } from './mesh-map-html';
import type { FromWebview, ToWebview } from './mesh-map-messages';

export const MESH_MAP_VIEW_TYPE = 'meshLens.meshMap';

/**
 * `Mesh Lens: Show Mesh Map`: one webview panel drawing `meshLens/meshMap` with Graphviz. The panel
 * asks again after every analysis (`refresh`, on each `meshLens/status`), with the service and
 * source cluster its pickers hold.
 */
export class MeshMap implements Disposable {
  #panel: WebviewPanel | undefined;
  #params: MeshMapParams = {};
  #shown: MeshMapResult | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: Uri,
  ) {}

  /** Opens (or reveals) the panel; `params` choose the folder, service and source cluster. */
  async show(params?: MeshMapParams): Promise<MeshMapResult | undefined> {
    if (params) this.#params = params;
    if (this.#panel) this.#panel.reveal();
    else this.#panel = this.#create();
    return this.#update();
  }

  /** What the panel shows now (the end-to-end tests read it: a webview's page is out of their reach). */
  shown(): MeshMapResult | undefined {
    return this.#panel ? this.#shown : undefined;
  }

  /** Draws the map again from the current analysis, if the panel is open. */
  refresh(): void {
    if (this.#panel) void this.#update();
  }

  dispose(): void {
    this.#panel?.dispose();
  }

  async #update(): Promise<MeshMapResult | undefined> {
    const map = await this.client.sendRequest<MeshMapResult | null>(MESH_MAP_REQUEST, this.#params);
    if (!map) {
      void window.showWarningMessage('Mesh Lens: open a folder to draw its mesh map.');
      return undefined;
    }
    this.#shown = map;
    if (this.#panel) this.#panel.title = map.route ? `Reach: ${map.service} from ${map.from}` : 'Mesh Map';
    const message: ToWebview = { type: 'map', map };
    await this.#panel?.webview.postMessage(message);
    return map;
  }

  #create(): WebviewPanel {
    const dist = Uri.joinPath(this.extensionUri, 'dist');
    const panel = window.createWebviewPanel(MESH_MAP_VIEW_TYPE, 'Mesh Map', ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [dist],
    });
    panel.webview.html = pageOf(panel.webview, dist);
    panel.webview.onDidReceiveMessage((message: FromWebview) => this.#receive(message));
    panel.onDidDispose(() => {
      this.#panel = undefined;
    });
    return panel;
  }

  #receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        void this.#update();
        return;
      case 'request':
        this.#params = { folderUri: this.#params.folderUri, service: message.service, from: message.from };
        void this.#update();
        return;
      case 'open':
        void this.#open(message.id);
    }
  }

  async #open(id: string): Promise<void> {
    const target = this.#shown?.targets.find((candidate) => candidate.id === id);
    if (!target) return;
    const { start, end } = target.range;
    const document = await workspace.openTextDocument(Uri.parse(target.uri));
    await window.showTextDocument(document, {
      viewColumn: ViewColumn.One,
      selection: new Range(start.line, start.character, end.line, end.character),
    });
  }
}

function pageOf(webview: Webview, dist: Uri): string {
  const uri = (file: string) => webview.asWebviewUri(Uri.joinPath(dist, file)).toString();
  return meshMapHtml({
    cspSource: webview.cspSource,
    nonce: newNonce(),
    vizScript: uri('viz-global.js'),
    mapScript: uri('mesh-map.js'),
    styles: uri('mesh-map.css'),
  });
}
