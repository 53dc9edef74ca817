import {
  type Event,
  EventEmitter,
  MarkdownString,
  ThemeColor,
  ThemeIcon,
  type TreeDataProvider,
  TreeItem,
  TreeItemCollapsibleState,
  Uri,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GLOBAL_SERVICES_REQUEST, type GlobalServicesResult } from '../../shared/src/protocol';

export const GLOBAL_SERVICES_VIEW = 'meshLens.globalServices';

type FolderResult = GlobalServicesResult['folders'][number];
type ServiceResult = FolderResult['services'][number];
type InstanceResult = ServiceResult['clusters'][number];

/** A node of the view: hostname → cluster → the file declaring that cluster's instance. */
export type GlobalServicesNode =
  | { kind: 'hostname'; folder: FolderResult; service: ServiceResult; showFolder: boolean }
  | { kind: 'cluster'; service: ServiceResult; cluster: string; instances: InstanceResult[] }
  | { kind: 'instance'; service: ServiceResult; instance: InstanceResult };

const endpoints = (n: number) => `${n} endpoint${n === 1 ? '' : 's'}`;
const sum = (instances: InstanceResult[]) => instances.reduce((total, row) => total + row.endpoints, 0);
const warningIcon = new ThemeIcon('warning', new ThemeColor('list.warningForeground'));

/**
 * The Explorer's "Global services" view, from `meshLens/globalServices`. An instance that is not exported
 * (an unlabeled sibling, MESH101) carries a warning icon: its endpoints are missing from the service.
 */
export class GlobalServicesTree implements TreeDataProvider<GlobalServicesNode> {
  private readonly changed = new EventEmitter<undefined>();
  readonly onDidChangeTreeData: Event<undefined> = this.changed.event;
  private result: Promise<GlobalServicesResult> | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** Forgets the last answer; the view asks the server again. */
  refresh(): void {
    this.result = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: GlobalServicesNode): Promise<GlobalServicesNode[]> {
    if (!node) {
      const { folders } = await this.load();
      return folders.flatMap((folder) =>
        folder.services.map(
          (service): GlobalServicesNode => ({
            kind: 'hostname',
            folder,
            service,
            showFolder: folders.length > 1,
          }),
        ),
      );
    }
    if (node.kind === 'hostname') {
      const byCluster = new Map<string, InstanceResult[]>();
      for (const instance of node.service.clusters)
        byCluster.set(instance.cluster, [...(byCluster.get(instance.cluster) ?? []), instance]);
      return [...byCluster].map(([cluster, instances]) => ({
        kind: 'cluster',
        service: node.service,
        cluster,
        instances,
      }));
    }
    if (node.kind === 'cluster')
      return node.instances.map((instance) => ({ kind: 'instance', service: node.service, instance }));
    return [];
  }

  getTreeItem(node: GlobalServicesNode): TreeItem {
    if (node.kind === 'hostname')
      return this.hostnameItem(node.service, node.showFolder ? node.folder : undefined);
    if (node.kind === 'cluster') return this.clusterItem(node.service, node.cluster, node.instances);
    return this.instanceItem(node.service, node.instance);
  }

  private hostnameItem(service: ServiceResult, folder: FolderResult | undefined): TreeItem {
    const exported = service.clusters.filter((instance) => instance.exported);
    const clusters = new Set(exported.map((instance) => instance.cluster)).size;
    const missing = service.clusters.length - exported.length;
    const item = new TreeItem(service.hostname, TreeItemCollapsibleState.Collapsed);
    item.description = [
      service.scope,
      `${clusters} cluster${clusters === 1 ? '' : 's'}`,
      endpoints(sum(exported)),
      missing > 0 ? `${missing} not exported` : undefined,
      folder ? workspace.getWorkspaceFolder(Uri.parse(folder.uri))?.name : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new ThemeIcon('globe');
    item.contextValue = 'globalService';
    return item;
  }

  private clusterItem(service: ServiceResult, cluster: string, instances: InstanceResult[]): TreeItem {
    const unexported = instances.filter((instance) => !instance.exported);
    const item = new TreeItem(cluster, TreeItemCollapsibleState.Expanded);
    item.description = `${unexported.length > 0 ? 'not exported · ' : ''}${endpoints(sum(instances))}`;
    item.iconPath = unexported.length > 0 ? warningIcon : new ThemeIcon('server-environment');
    if (unexported.length > 0) {
      item.tooltip = new MarkdownString(
        `The Service in **${cluster}** is not exported, so its ${endpoints(sum(unexported))} ` +
          `${sum(unexported) === 1 ? 'is' : 'are'} missing from \`${service.hostname}\`. ` +
          `Label it (or its namespace) \`solo.io/service-scope: ${service.scope.split(', ')[0] || 'global'}\`.`,
      );
    }
    return item;
  }

  private instanceItem(service: ServiceResult, instance: InstanceResult): TreeItem {
    const uri = this.client.protocol2CodeConverter.asUri(instance.uri);
    const item = new TreeItem(workspace.asRelativePath(uri, false), TreeItemCollapsibleState.None);
    item.resourceUri = uri;
    item.description = `${endpoints(instance.endpoints)} · ${instance.exported ? service.scope : 'not exported'}`;
    item.iconPath = instance.exported ? ThemeIcon.File : warningIcon;
    item.command = {
      title: 'Open the Service',
      command: 'vscode.open',
      arguments: [uri, { selection: this.client.protocol2CodeConverter.asRange(instance.range) }],
    };
    return item;
  }

  private load(): Promise<GlobalServicesResult> {
    if (!this.client.isRunning()) return Promise.resolve({ folders: [] });
    this.result ??= Promise.resolve(
      this.client.sendRequest<GlobalServicesResult>(GLOBAL_SERVICES_REQUEST),
    ).catch((error: Error) => {
      this.client.error('Mesh Lens: the global services request failed', error, false);
      this.result = undefined;
      return { folders: [] };
    });
    return this.result;
  }
}
