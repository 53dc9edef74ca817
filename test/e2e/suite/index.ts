import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ClustersNode } from '../../../client/src/clusters-view';
import type { MeshLensApi } from '../../../client/src/extension';
import type { GlobalServicesNode } from '../../../client/src/global-services-view';
import type { ProblemsNode } from '../../../client/src/problems-view';
import type { MeshMapResult, ReachResult } from '../../../shared/src/protocol';
import {
  codeOf,
  fileUri,
  hoverText,
  meshCodes,
  openFile,
  RATINGS_0,
  RATINGS_1,
  REVIEWS_2,
  ROUTE,
  runAcceptingFirstPicks,
  waitFor,
} from './helpers';
import { type Case, runCases } from './runner';

// The end-to-end suite: the packaged extension in a real extension host (VS Code through
// @vscode/test-electron, or code-server through its extension-test payload), with a copy of
// examples/bookinfo-multicluster open. The cases run in order: the fixes at the end change the workspace.

const EXTENSION_ID = 'mesh-lens.mesh-lens';
const SUMMARY = 'Mesh Lens: 3 clusters · 3 global services · 4 problems';

const ran = new Set<string>();
function execute<T>(command: string, ...args: unknown[]): Thenable<T> {
  ran.add(command);
  return vscode.commands.executeCommand<T>(command, ...args);
}

let api: MeshLensApi;
const metrics: Record<string, number> = {};

const extension = () => {
  const found = vscode.extensions.getExtension<MeshLensApi>(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is installed`);
  return found;
};

/** The Mesh Map panel's tabs (the reach panel is the same panel, focused). */
const meshMapTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('meshLens.meshMap'),
    );

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label);

const cases: Case[] = [
  {
    name: 'activates, starts the server and summarises the workspace in the status bar',
    timeoutMs: 60_000,
    run: async () => {
      // Usually active already (workspaceContains:**/mesh-topology.yaml): the extension measures itself
      // from the start of activate() to the end of the server's first analysis.
      api = await extension().activate();
      metrics.firstAnalysisMs = await api.firstAnalysisMs;
      await waitFor(
        'the status summary',
        () => api.statusText,
        (text) => text === SUMMARY,
      );
    },
  },
  {
    name: 'diagnostics appear in the right files, including files that are not open (MESH101 in cluster1)',
    run: async () => {
      const isOpen = vscode.workspace.textDocuments.some(
        (document) => document.uri.toString() === fileUri(RATINGS_1).toString(),
      );
      assert.equal(isOpen, false, `${RATINGS_1} must not be open for this case to mean anything`);
      await waitFor(
        'MESH101 on the unlabeled sibling',
        () => meshCodes(RATINGS_1),
        (codes) => codes.includes('MESH101'),
      );
      const expected: Record<string, string[]> = {
        [RATINGS_1]: ['MESH101'],
        [ROUTE]: ['MESH120', 'MESH140'],
        [REVIEWS_2]: ['MESH130'],
      };
      const files = await vscode.workspace.findFiles('**/*.yaml');
      assert.equal(files.length, 9);
      for (const file of files) {
        const path = vscode.workspace.asRelativePath(file, false);
        await waitFor(
          `the diagnostics of ${path}`,
          () => meshCodes(path).sort(),
          (codes) => codes.join() === (expected[path] ?? []).join(),
        );
      }
      const [sibling] = vscode.languages.getDiagnostics(fileUri(RATINGS_1));
      assert.equal(sibling?.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(sibling?.range.start.line, 4);
      assert.equal(sibling?.relatedInformation?.[0]?.location.uri.toString(), fileUri(RATINGS_0).toString());
    },
  },
  {
    name: 'hover on a global hostname: one row per cluster, reachable from here; MESH140 resolves to nothing',
    run: async () => {
      await openFile(REVIEWS_2);
      const hovers = await execute<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        fileUri(REVIEWS_2),
        new vscode.Position(39, 12),
      );
      const text = hoverText(hovers);
      assert.match(text, /\*\*reviews-v2\.bookinfo\.mesh\.internal\*\* → global service/);
      assert.match(text, /\| yes \| 1 \| PreferNetwork \| \*\*yes\*\*: chosen \|/);
      assert.match(text, /From \*\*cluster2\*\*: → 1 endpoint in cluster2 \(PreferNetwork\)/);
      await openFile(ROUTE);
      const notHostname = hoverText(
        await execute<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          fileUri(ROUTE),
          new vscode.Position(36, 25),
        ),
      );
      assert.match(notHostname, /Resolves to nothing: .*kind: Hostname/);
      const wrong = hoverText(
        await execute<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          fileUri(ROUTE),
          new vscode.Position(33, 25),
        ),
      );
      assert.match(
        wrong,
        /Resolves to nothing: the service is exported as `reviews-v2\.bookinfo\.mesh\.internal`/,
      );
    },
  },
  {
    name: 'code lenses show reach, and their command opens the instances (meshLens.showInstances)',
    run: async () => {
      const lenses = await execute<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(ROUTE));
      const titles = lenses.map((lens) => lens.command?.title);
      // reviews-v1 is written without kind Hostname (MESH140): the lens agrees that it goes nowhere.
      assert.ok(titles.includes('→ resolves to nothing (not a Hostname backend)'), titles.join('\n'));
      assert.ok(titles.includes('→ resolves to nothing'), titles.join('\n'));
      await openFile(RATINGS_0);
      const [ratings] = await execute<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        fileUri(RATINGS_0),
      );
      assert.equal(
        ratings?.command?.title,
        'global · ratings.bookinfo.mesh.internal · 1 of 2 clusters exports · 1 endpoint',
      );
      assert.equal(ratings?.command?.command, 'meshLens.showInstances');
      await execute(ratings.command.command, ...(ratings.command.arguments ?? []));
      await vscode.commands.executeCommand('closeReferenceSearch');
    },
  },
  {
    name: 'the Global services view lists hostname → cluster → file, with the unexported sibling warned',
    run: async () => {
      await execute('meshLens.showGlobalServices');
      await execute('meshLens.refreshViews');
      const tree = api.globalServices;
      const hostnames = await waitFor(
        'three global services in the view',
        () => tree.getChildren(),
        (nodes) => nodes.length === 3,
      );
      assert.deepEqual(
        hostnames.map((node) => label(tree.getTreeItem(node))),
        [
          'ratings.bookinfo.mesh.internal',
          'reviews-v1.bookinfo.mesh.internal',
          'reviews-v2.bookinfo.mesh.internal',
        ],
      );
      assert.equal(
        tree.getTreeItem(hostnames[0] as GlobalServicesNode).description,
        'global · 1 cluster · 1 endpoint · 1 not exported',
      );
      const clusters = await tree.getChildren(hostnames[0]);
      assert.deepEqual(
        clusters.map((node) => [label(tree.getTreeItem(node)), tree.getTreeItem(node).description]),
        [
          ['cluster0', '1 endpoint'],
          ['cluster1', 'not exported · 1 endpoint'],
        ],
      );
      const sibling = tree.getTreeItem(clusters[1] as GlobalServicesNode);
      assert.equal((sibling.iconPath as vscode.ThemeIcon).id, 'warning');
      const [file] = await tree.getChildren(clusters[1]);
      const item = tree.getTreeItem(file as GlobalServicesNode);
      assert.equal(label(item), RATINGS_1);
      assert.equal(item.description, '1 endpoint · not exported');
      assert.ok(item.command);
      await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.toString(), fileUri(RATINGS_1).toString());
      assert.equal(editor?.selection.start.line, 4);
    },
  },
  {
    name: 'the Mesh Lens container: Clusters lists cluster → entry point → files; Problems by cluster opens a finding',
    run: async () => {
      await vscode.commands.executeCommand('workbench.view.extension.meshLens');
      await execute('meshLens.refreshViews');
      const clusters = api.clusters;
      const rows = await waitFor(
        'three clusters in the view',
        () => clusters.getChildren(),
        (nodes) => nodes.length === 3,
      );
      assert.deepEqual(
        rows.map((node) => [label(clusters.getTreeItem(node)), clusters.getTreeItem(node).description]),
        [
          ['cluster0', '4 files'],
          ['cluster1', '2 files'],
          ['cluster2', '2 files'],
        ],
      );
      const [entry] = await clusters.getChildren(rows[1]);
      const entryItem = clusters.getTreeItem(entry as ClustersNode);
      assert.equal(label(entryItem), 'mesh-topology.yaml:4');
      assert.equal(entryItem.description, 'topology path entry · 2 files');
      const files = await clusters.getChildren(entry);
      assert.deepEqual(
        files.map((node) => label(clusters.getTreeItem(node))),
        [RATINGS_1, 'clusters/cluster1/reviews-v1.yaml'],
      );

      const problems = api.problemsByCluster;
      const byCluster = await waitFor(
        'problems in three clusters',
        () => problems.getChildren(),
        (nodes) => nodes.length === 3,
      );
      assert.deepEqual(
        byCluster.map((node) => [label(problems.getTreeItem(node)), problems.getTreeItem(node).description]),
        [
          ['cluster0', '2 problems'],
          ['cluster1', '1 problem'],
          ['cluster2', '1 problem'],
        ],
      );
      const [file] = await problems.getChildren(byCluster[1]);
      assert.equal(label(problems.getTreeItem(file as ProblemsNode)), RATINGS_1);
      const [finding] = await problems.getChildren(file);
      const item = problems.getTreeItem(finding as ProblemsNode);
      assert.equal(item.description, 'MESH101 · line 5');
      assert.ok(item.command);
      await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.toString(), fileUri(RATINGS_1).toString());
      assert.equal(editor?.selection.start.line, 4);
    },
  },
  {
    name: 'Show Reach opens the reach panel: the map focused on the service and the client, with the explanation',
    run: async () => {
      const result = await execute<ReachResult>('meshLens.showReach', {
        hostname: 'reviews-v1.bookinfo.mesh.internal',
        cluster: 'cluster0',
      });
      assert.deepEqual(result.chosen, [{ cluster: 'cluster1', endpoints: 2 }]);
      assert.equal(result.mode, 'PreferClose');
      assert.equal(result.service, 'reviews-v1.bookinfo.mesh.internal');
      assert.match(result.explanation, /chose the same region \(us-west\)/);
      const title = 'Reach: reviews-v1.bookinfo.mesh.internal from cluster0';
      const tabs = () =>
        vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === title);
      await waitFor('the reach panel', tabs, (found) => found.length === 1);
      const shown = await api.meshMap.shown();
      assert.equal(shown?.service, 'reviews-v1.bookinfo.mesh.internal');
      assert.equal(shown?.route?.summary, '2 endpoints in cluster1 (PreferClose)');
      assert.deepEqual(
        shown?.route?.instances.map((instance) => [instance.cluster, instance.file, instance.reachable]),
        [['cluster1', 'clusters/cluster1/reviews-v1.yaml', 'yes: chosen']],
      );
      assert.match(shown?.explanation ?? '', /chose the same region \(us-west\)/);
      await vscode.window.tabGroups.close(tabs());
    },
  },
  {
    name: 'Show Reach… asks for the hostname, then the client cluster',
    run: async () => {
      const result = await runAcceptingFirstPicks(execute<ReachResult | undefined>('meshLens.showReach'));
      assert.equal(result?.hostname, 'ratings.bookinfo.mesh.internal');
      assert.equal(result?.from, 'cluster0');
      assert.deepEqual(result?.chosen, [{ cluster: 'cluster0', endpoints: 1 }]);
      await vscode.window.tabGroups.close(meshMapTabs());
    },
  },
  {
    name: 'Show Mesh Map opens the map in a webview; with a service and a cluster it explains the route',
    run: async () => {
      const map = await execute<MeshMapResult>('meshLens.showMeshMap');
      assert.deepEqual(map.clusters, ['cluster0', 'cluster1', 'cluster2']);
      assert.equal(map.services.length, 3);
      assert.match(map.dot, /^digraph mesh \{/);
      const webviews = () =>
        vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .filter(
            (tab) =>
              tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('meshLens.meshMap'),
          );
      await waitFor('the Mesh Map tab', webviews, (tabs) => tabs.length === 1);
      const routed = await execute<MeshMapResult>('meshLens.showMeshMap', {
        service: 'reviews-v1.bookinfo.mesh.internal',
        from: 'cluster0',
      });
      assert.match(routed.explanation ?? '', /mode PreferClose\n[\s\S]*chose the same region \(us-west\)/);
      assert.equal(webviews().length, 1, 'the same panel, redrawn');
      await vscode.window.tabGroups.close(webviews());
    },
  },
  {
    name: "Open Example (the walkthrough's first step) copies the bundled example into the extension's storage",
    run: async () => {
      const copy = await execute<vscode.Uri>('meshLens.openExample', { open: false });
      const topology = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(copy, 'mesh-topology.yaml'));
      assert.match(Buffer.from(topology).toString('utf8'), /cluster0/);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(copy, RATINGS_1));
    },
  },
  {
    name: 'the status item quick pick runs a Mesh Lens command; Show Output opens the log',
    run: async () => {
      await runAcceptingFirstPicks(execute('meshLens.showCommands'));
      await execute('meshLens.showOutput');
    },
  },
  {
    name: 'meshLens.trace.server traces the LSP messages into the Mesh Lens Trace channel; off stops it',
    run: async () => {
      const config = () => vscode.workspace.getConfiguration('meshLens');
      const hover = () =>
        vscode.commands.executeCommand(
          'vscode.executeHoverProvider',
          fileUri(ROUTE),
          new vscode.Position(36, 25),
        );
      const hovers = () => (traceText().match(/Sending request 'textDocument\/hover/g) ?? []).length;
      // Output channels reach extensions as `output:` documents once the Output view shows them.
      const traceText = () =>
        vscode.workspace.textDocuments
          .find(
            (document) => document.uri.scheme === 'output' && document.uri.path.endsWith('Mesh Lens Trace'),
          )
          ?.getText() ?? '';
      await config().update('trace.server', 'messages', vscode.ConfigurationTarget.Workspace);
      const show = (await vscode.commands.getCommands(true)).find((command) =>
        /^workbench\.action\.output\.show\.extension-output-mesh-lens\.mesh-lens-#\d+-Mesh Lens Trace$/.test(
          command,
        ),
      );
      assert.ok(show, 'the Mesh Lens Trace output channel exists');
      await vscode.commands.executeCommand(show);
      await waitFor(
        'a traced hover request',
        async () => {
          await hover();
          return hovers();
        },
        (count) => count > 0,
      );
      await config().update('trace.server', undefined, vscode.ConfigurationTarget.Workspace);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const traced = hovers();
      await hover();
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(hovers(), traced, 'no trace once the setting is off');
    },
  },
  {
    name: 'settings apply without a restart (severity override, code lenses off)',
    run: async () => {
      const config = () => vscode.workspace.getConfiguration('meshLens');
      await config().update('severity', { MESH130: 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitFor(
        'MESH130 turned off',
        () => meshCodes(REVIEWS_2),
        (codes) => codes.length === 0,
      );
      await config().update('codeLens.enable', false, vscode.ConfigurationTarget.Workspace);
      await waitFor(
        'no code lenses',
        () =>
          vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            fileUri(RATINGS_0),
          ),
        (lenses) => lenses.length === 0,
      );
      await config().update('severity', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('codeLens.enable', undefined, vscode.ConfigurationTarget.Workspace);
      await waitFor(
        'MESH130 back',
        () => meshCodes(REVIEWS_2),
        (codes) => codes.includes('MESH130'),
      );
      await waitFor(
        'code lenses back',
        () =>
          vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            fileUri(RATINGS_0),
          ),
        (lenses) => lenses.length > 0,
      );
    },
  },
  {
    name: 'Run Render Commands with meshLens.render.enable off runs nothing and says so',
    run: async () => {
      const result = await execute<{ rendered: boolean }>('meshLens.runRenderCommands');
      assert.deepEqual(result, { rendered: false });
    },
  },
  {
    name: 'Restart Server brings the server back with the same diagnostics',
    run: async () => {
      await execute('meshLens.restartServer');
      await waitFor(
        'the status summary after the restart',
        () => api.statusText,
        (text) => text === SUMMARY,
      );
      await waitFor(
        'MESH101 after the restart',
        () => meshCodes(RATINGS_1),
        (codes) => codes.includes('MESH101'),
      );
    },
  },
  {
    name: 'the MESH101 quick-fix labels the sibling and clears the warning',
    run: async () => {
      const editor = await openFile(RATINGS_1);
      const warning = vscode.languages
        .getDiagnostics(fileUri(RATINGS_1))
        .find((d) => codeOf(d) === 'MESH101');
      assert.ok(warning, 'MESH101 is reported');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        fileUri(RATINGS_1),
        warning.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((action) => action.isPreferred);
      assert.equal(
        fix?.title,
        'Label Service bookinfo/ratings in cluster1 with solo.io/service-scope=global',
      );
      assert.ok(fix?.edit && (await vscode.workspace.applyEdit(fix.edit)), 'the fix applies');
      await waitFor(
        'MESH101 cleared',
        () => meshCodes(RATINGS_1),
        (codes) => codes.length === 0,
      );
      assert.match(
        editor.document.getText(),
        /labels:\n {4}app: ratings\n {4}solo\.io\/service-scope: global\n/,
      );
      assert.ok(await editor.document.save());
    },
  },
  {
    name: 'Fix All in Workspace (server command) applies every fix but no suggestion: only MESH130 remains',
    run: async () => {
      const result = await execute<{ fixed: number }>('meshLens.fixAllInWorkspace');
      assert.equal(result?.fixed, 2);
      await waitFor(
        'only the MESH130 warning left',
        () =>
          vscode.languages
            .getDiagnostics()
            .flatMap(([, list]) => list.filter((d) => d.source === 'mesh-lens').map(codeOf)),
        (remaining) => remaining.length === 1 && remaining[0] === 'MESH130',
      );
      assert.ok(await vscode.workspace.saveAll(false));
    },
  },
  {
    name: 'the MESH130 split is offered as a suggestion, not preferred; applied, no problem remains',
    run: async () => {
      await openFile(REVIEWS_2);
      const warning = vscode.languages
        .getDiagnostics(fileUri(REVIEWS_2))
        .find((d) => codeOf(d) === 'MESH130');
      assert.ok(warning, 'MESH130 is reported');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        fileUri(REVIEWS_2),
        warning.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const split = actions.find((action) => action.title.startsWith('Split the subsets'));
      assert.ok(split && !split.isPreferred, 'the split is offered, not preferred');
      assert.ok(split.edit && (await vscode.workspace.applyEdit(split.edit)), 'the split applies');
      await waitFor(
        'no Mesh Lens diagnostics anywhere',
        () =>
          vscode.languages
            .getDiagnostics()
            .flatMap(([, list]) => list.filter((d) => d.source === 'mesh-lens')),
        (remaining) => remaining.length === 0,
      );
      await waitFor(
        'the status summary after the fixes',
        () => api.statusText,
        (text) => / · 0 problems$/.test(text),
      );
      assert.ok(await vscode.workspace.saveAll(false));
    },
  },
  {
    name: 'every contributed command is registered and ran in a case above',
    run: async () => {
      const contributed = (extension().packageJSON.contributes.commands as { command: string }[]).map(
        (entry) => entry.command,
      );
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        contributed.filter((command) => !registered.has(command)),
        [],
      );
      assert.deepEqual(
        contributed.filter((command) => !ran.has(command)),
        [],
      );
    },
  },
];

/** The extension-test entry point that VS Code and code-server load. */
export async function run(): Promise<void> {
  await runCases(cases, metrics);
}
