import { ThemeColor, ThemeIcon, TreeItem, TreeItemCollapsibleState, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type ClusterProblem,
  PROBLEMS_BY_CLUSTER_REQUEST,
  type ProblemsByClusterResult,
} from '../../shared/src/protocol';
import { openCommand } from './open-target';
import { ServerTree } from './server-tree';

export const PROBLEMS_BY_CLUSTER_VIEW = 'meshLens.problemsByCluster';

type ClusterResult = ProblemsByClusterResult['folders'][number]['clusters'][number];
type FileResult = ClusterResult['files'][number];

/** A node of the view: cluster → file → finding. */
export type ProblemsNode =
  | { kind: 'cluster'; cluster: ClusterResult }
  | { kind: 'file'; file: FileResult }
  | { kind: 'problem'; uri: string; problem: ClusterProblem };

const SEVERITY_ICONS: Record<ClusterProblem['severity'], ThemeIcon> = {
  error: new ThemeIcon('error', new ThemeColor('list.errorForeground')),
  warning: new ThemeIcon('warning', new ThemeColor('list.warningForeground')),
  info: new ThemeIcon('info'),
  hint: new ThemeIcon('lightbulb'),
};

const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}`;
const countIn = (cluster: ClusterResult) =>
  cluster.files.reduce((total, file) => total + file.problems.length, 0);

/**
 * The Mesh Lens container's "Problems by cluster" view, from `meshLens/problemsByCluster`: the
 * Problems panel groups by file; this answers "what is wrong in cluster2?". Clusters of every folder
 * are listed together: a multi-root mesh workspace names its clusters apart.
 */
export class ProblemsByClusterTree extends ServerTree<ProblemsByClusterResult, ProblemsNode> {
  constructor(client: LanguageClient) {
    super(client, PROBLEMS_BY_CLUSTER_REQUEST, { folders: [] });
  }

  async getChildren(node?: ProblemsNode): Promise<ProblemsNode[]> {
    if (!node) {
      const { folders } = await this.load();
      return folders.flatMap((folder) =>
        folder.clusters.map((cluster): ProblemsNode => ({ kind: 'cluster', cluster })),
      );
    }
    if (node.kind === 'cluster') return node.cluster.files.map((file) => ({ kind: 'file', file }));
    if (node.kind === 'file')
      return node.file.problems.map((problem) => ({ kind: 'problem', uri: node.file.uri, problem }));
    return [];
  }

  getTreeItem(node: ProblemsNode): TreeItem {
    if (node.kind === 'cluster') {
      const item = new TreeItem(node.cluster.cluster ?? 'in no cluster', TreeItemCollapsibleState.Expanded);
      item.description = problems(countIn(node.cluster));
      item.iconPath = new ThemeIcon(node.cluster.cluster ? 'server-environment' : 'file-code');
      return item;
    }
    if (node.kind === 'file') {
      const uri = this.client.protocol2CodeConverter.asUri(node.file.uri);
      const item = new TreeItem(workspace.asRelativePath(uri, false), TreeItemCollapsibleState.Expanded);
      item.resourceUri = uri;
      item.description = problems(node.file.problems.length);
      item.iconPath = ThemeIcon.File;
      return item;
    }
    const { problem } = node;
    const item = new TreeItem(problem.message, TreeItemCollapsibleState.None);
    item.description = `${problem.code} · line ${problem.range.start.line + 1}`;
    item.tooltip = `${problem.code} (${problem.severity}): ${problem.message}`;
    item.iconPath = SEVERITY_ICONS[problem.severity];
    item.command = openCommand(this.client, { uri: node.uri, range: problem.range }, 'Open the problem');
    return item;
  }
}
