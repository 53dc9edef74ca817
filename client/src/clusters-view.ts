import { ThemeIcon, TreeItem, TreeItemCollapsibleState, Uri, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLUSTERS_REQUEST, type ClustersResult, type OpenTarget } from '../../shared/src/protocol';
import { openCommand } from './open-target';
import { ServerTree } from './server-tree';

export const CLUSTERS_VIEW = 'meshLens.clusters';

type FolderResult = ClustersResult['folders'][number];
type ClusterResult = FolderResult['clusters'][number];
type EntryResult = ClusterResult['entries'][number];

/** A node of the view: cluster → entry point (how files got there) → file. */
export type ClustersNode =
  | { kind: 'cluster'; cluster: ClusterResult; folder?: string }
  | { kind: 'entry'; entry: EntryResult }
  | { kind: 'file'; uri: string };

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

/** What each way in is called in the view, and its icon. */
const ENTRY_KINDS: Record<string, { what: string; icon: string }> = {
  topology: { what: 'topology path entry', icon: 'symbol-field' },
  kustomize: { what: 'Kustomize overlay', icon: 'layers' },
  convention: { what: 'clusters/<name>/ folder', icon: 'folder' },
  modeline: { what: 'modeline', icon: 'comment' },
  default: { what: 'no placement: the default cluster', icon: 'question' },
};

/** The Mesh Lens container's "Clusters" view, from `meshLens/clusters`. */
export class ClustersTree extends ServerTree<ClustersResult, ClustersNode> {
  constructor(client: LanguageClient) {
    super(client, CLUSTERS_REQUEST, { folders: [] });
  }

  async getChildren(node?: ClustersNode): Promise<ClustersNode[]> {
    if (!node) {
      const { folders } = await this.load();
      return folders.flatMap((folder) =>
        folder.clusters.map(
          (cluster): ClustersNode => ({
            kind: 'cluster',
            cluster,
            folder:
              folders.length > 1 ? workspace.getWorkspaceFolder(Uri.parse(folder.uri))?.name : undefined,
          }),
        ),
      );
    }
    if (node.kind === 'cluster') return node.cluster.entries.map((entry) => ({ kind: 'entry', entry }));
    if (node.kind === 'entry') return node.entry.files.map((uri) => ({ kind: 'file', uri }));
    return [];
  }

  getTreeItem(node: ClustersNode): TreeItem {
    if (node.kind === 'cluster') return this.clusterItem(node.cluster, node.folder);
    if (node.kind === 'entry') return this.entryItem(node.entry);
    return this.fileItem(node.uri);
  }

  private clusterItem(cluster: ClusterResult, folder: string | undefined): TreeItem {
    const item = new TreeItem(cluster.name, TreeItemCollapsibleState.Expanded);
    const count = new Set(cluster.entries.flatMap((entry) => entry.files)).size;
    item.description = [files(count), folder].filter(Boolean).join(' · ');
    item.tooltip = `${cluster.name}: declared by ${cluster.via === 'topology' ? 'the topology file' : cluster.via}`;
    item.iconPath = new ThemeIcon('server-environment');
    item.contextValue = 'cluster';
    item.command = this.open(cluster.declaredAt, 'Open the topology entry');
    return item;
  }

  private entryItem(entry: EntryResult): TreeItem {
    const kind = ENTRY_KINDS[entry.via] ?? { what: entry.via, icon: 'circle-outline' };
    const item = new TreeItem(entry.label, TreeItemCollapsibleState.Collapsed);
    item.description = `${kind.what} · ${files(entry.files.length)}`;
    item.iconPath = new ThemeIcon(kind.icon);
    item.contextValue = 'clusterEntry';
    item.command = this.open(entry.origin, 'Open the entry point');
    return item;
  }

  private fileItem(uri: string): TreeItem {
    const resource = this.client.protocol2CodeConverter.asUri(uri);
    const item = new TreeItem(workspace.asRelativePath(resource, false), TreeItemCollapsibleState.None);
    item.resourceUri = resource;
    item.iconPath = ThemeIcon.File;
    item.command = this.open({ uri }, 'Open the file');
    return item;
  }

  private open(target: OpenTarget | undefined, title: string) {
    return target && openCommand(this.client, target, title);
  }
}
