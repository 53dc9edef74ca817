import { commands, type ExtensionContext, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  STATUS_NOTIFICATION,
  type StatusParams,
  WORKSPACE_TRUSTED_NOTIFICATION,
} from '../../shared/src/protocol';
import { CLUSTERS_VIEW, ClustersTree } from './clusters-view';
import { registerCommands } from './commands';
import { GLOBAL_SERVICES_VIEW, GlobalServicesTree } from './global-services-view';
import { createLanguageClient } from './language-client';
import { MeshMap } from './mesh-map';
import { PROBLEMS_BY_CLUSTER_VIEW, ProblemsByClusterTree } from './problems-view';
import { ScanProgress } from './scan-progress';
import { MeshStatusItem } from './status-item';
import { createTraceChannel } from './trace-channel';

/** What `activate` returns: the views' data, the status text and the start-up time, for the end-to-end tests. */
export interface MeshLensApi {
  readonly globalServices: GlobalServicesTree;
  readonly clusters: ClustersTree;
  readonly problemsByCluster: ProblemsByClusterTree;
  readonly meshMap: Pick<MeshMap, 'shown'>;
  readonly statusText: string;
  /** Milliseconds from `activate` to the end of the server's first analysis (its first `meshLens/status`). */
  readonly firstAnalysisMs: Promise<number>;
}

let client: LanguageClient | undefined;

/** Starts the bundled language server for YAML files and the UI around it; all analysis happens there. */
export async function activate(context: ExtensionContext): Promise<MeshLensApi> {
  const activatedAt = Date.now();
  let analysed: (ms: number) => void = () => undefined;
  const firstAnalysisMs = new Promise<number>((resolve) => {
    analysed = resolve;
  });
  const output = window.createOutputChannel('Mesh Lens', { log: true });
  const trace = createTraceChannel();
  const languageClient = createLanguageClient(context, output, trace);
  client = languageClient;
  const status = new MeshStatusItem(languageClient);
  const tree = new GlobalServicesTree(languageClient);
  const clusters = new ClustersTree(languageClient);
  const problems = new ProblemsByClusterTree(languageClient);
  const trees = [tree, clusters, problems];
  const views = [
    {
      id: GLOBAL_SERVICES_VIEW,
      view: window.createTreeView(GLOBAL_SERVICES_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    },
    {
      id: CLUSTERS_VIEW,
      view: window.createTreeView(CLUSTERS_VIEW, { treeDataProvider: clusters, showCollapseAll: true }),
    },
    {
      id: PROBLEMS_BY_CLUSTER_VIEW,
      view: window.createTreeView(PROBLEMS_BY_CLUSTER_VIEW, {
        treeDataProvider: problems,
        showCollapseAll: true,
      }),
    },
  ];
  // The server scans first thing: the views say so until its first status arrives.
  const scan = new ScanProgress(views);
  scan.update(true);
  const meshMap = new MeshMap(languageClient, context.extensionUri);
  languageClient.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
    status.update(params);
    scan.update(params.scanning);
    if (params.scanning) return;
    for (const view of trees) view.refresh();
    meshMap.refresh();
    analysed(Date.now() - activatedAt);
  });
  void firstAnalysisMs.then((ms) => output.info(`First analysis done ${ms} ms after activation.`));
  context.subscriptions.push(
    output,
    trace,
    status,
    meshMap,
    scan,
    ...views.map(({ view }) => view),
    ...registerCommands({ context, client: languageClient, trees, meshMap, output }),
  );
  context.subscriptions.push(
    workspace.onDidGrantWorkspaceTrust(() => {
      if (languageClient.isRunning()) void languageClient.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
    }),
  );
  await commands.executeCommand('setContext', 'meshLens.active', true);
  try {
    await languageClient.start();
  } catch (error) {
    output.error(error as Error);
    status.showStopped();
    scan.update(false);
  }
  return {
    globalServices: tree,
    clusters,
    problemsByCluster: problems,
    meshMap,
    get statusText() {
      return status.text;
    },
    firstAnalysisMs,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
