import {
  type Disposable,
  EventEmitter,
  type QuickPickItem,
  type TextDocumentContentProvider,
  Uri,
  ViewColumn,
  window,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  GLOBAL_SERVICES_REQUEST,
  type GlobalServicesResult,
  REACH_REQUEST,
  type ReachParams,
  type ReachResult,
} from '../../shared/src/protocol';

const REACH_SCHEME = 'mesh-lens-reach';

/** Read-only documents (`mesh-lens-reach:`) that show a reach answer: chosen endpoints and why. */
export class ReachDocuments implements TextDocumentContentProvider, Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = workspace.registerTextDocumentContentProvider(REACH_SCHEME, this);

  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(result: ReachResult): Promise<void> {
    const uri = Uri.from({ scheme: REACH_SCHEME, path: `/${result.hostname} from ${result.from}` });
    this.texts.set(uri.toString(), reachText(result));
    this.changed.fire(uri);
    const document = await workspace.openTextDocument(uri);
    await window.showTextDocument(document, { preview: true, viewColumn: ViewColumn.Beside });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

const endpoints = (n: number) => `${n} endpoint${n === 1 ? '' : 's'}`;

export function reachText(result: ReachResult): string {
  const total = result.chosen.reduce((sum, entry) => sum + entry.endpoints, 0);
  const chosen =
    result.chosen.length === 0
      ? 'no ready endpoint: requests from here fail'
      : `${result.chosen.map((entry) => `${entry.cluster} (${endpoints(entry.endpoints)})`).join(', ')} · ${endpoints(total)}`;
  return [
    `${result.hostname} from ${result.from} · mode ${result.mode}`,
    `chosen: ${chosen}`,
    '',
    result.explanation,
    '',
  ].join('\n');
}

interface ServicePick extends QuickPickItem {
  folderUri: string;
  clusters: string[];
  instances: Map<string, string>;
}

/** Asks for a global hostname, then a source cluster; `undefined` when the user cancels. */
export async function pickReachTarget(client: LanguageClient): Promise<ReachParams | undefined> {
  const { folders } = await client.sendRequest<GlobalServicesResult>(GLOBAL_SERVICES_REQUEST);
  const services: ServicePick[] = folders.flatMap((folder) =>
    folder.services.map((service) => ({
      label: service.hostname,
      description: service.scope,
      detail: service.clusters
        .map((instance) => `${instance.cluster}${instance.exported ? '' : ' (not exported)'}`)
        .join(', '),
      folderUri: folder.uri,
      clusters: folder.clusters,
      instances: new Map(
        service.clusters.map((instance) => [
          instance.cluster,
          instance.exported ? endpoints(instance.endpoints) : 'not exported',
        ]),
      ),
    })),
  );
  if (services.length === 0) {
    void window.showInformationMessage('Mesh Lens: this workspace has no global services.');
    return undefined;
  }
  const service = await window.showQuickPick(services, {
    title: 'Mesh Lens: Show Reach (1/2)',
    placeHolder: 'Global hostname',
    matchOnDetail: true,
  });
  if (!service) return undefined;
  const cluster = await window.showQuickPick(
    service.clusters.map((name) => ({ label: name, description: service.instances.get(name) })),
    { title: 'Mesh Lens: Show Reach (2/2)', placeHolder: `Client cluster calling ${service.label}` },
  );
  if (!cluster) return undefined;
  return { hostname: service.label, cluster: cluster.label, folderUri: service.folderUri };
}

/** `Mesh Lens: Show Reach…`: with `{ hostname, cluster }` as argument it skips the questions. */
export async function showReach(
  client: LanguageClient,
  documents: ReachDocuments,
  target?: ReachParams,
): Promise<ReachResult | undefined> {
  const params = target?.hostname && target.cluster ? target : await pickReachTarget(client);
  if (!params) return undefined;
  const result = await client.sendRequest<ReachResult | null>(REACH_REQUEST, params);
  if (!result) {
    void window.showWarningMessage('Mesh Lens: open a folder to compute reach.');
    return undefined;
  }
  await documents.show(result);
  return result;
}
