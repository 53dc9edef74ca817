import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { RUN_RENDER_COMMANDS_COMMAND, WORKSPACE_TRUSTED_NOTIFICATION } from '../../shared/src';
import { type LspSession, type SessionOptions, startSession } from '../helpers/lsp-client';
import { writeFixture } from '../helpers/paths';

// SPEC §9, Helm, in the editor: a cluster's `render:` command runs only in a trusted workspace with
// `meshLens.render.enable` on; its output is analysed in that cluster, held in memory (never
// written), and its findings are shown on the `render:` line. Anything less runs nothing.

const workspace = (render: string) =>
  writeFixture(`
    //- mesh-topology.yaml
    clusters:
      cluster1: { paths: ["clusters/cluster1/**"] }
      cluster2: { render: "${render}" }
    //- clusters/cluster1/reviews.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
    //- chart-output/cluster2.txt
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: bookinfo }
  `);

const RENDER_LINE = 2;
const codesOn = (diagnostics: Diagnostic[], line: number) =>
  diagnostics
    .filter((diagnostic) => diagnostic.range.start.line === line)
    .map((diagnostic) => diagnostic.code);

async function session(root: string, options: { trusted?: boolean; enabled?: boolean }): Promise<LspSession> {
  const sessionOptions: SessionOptions = {
    settings: { render: { enable: options.enabled === true } },
    ...(options.trusted === undefined
      ? {}
      : { initializationOptions: { workspaceTrusted: options.trusted } }),
  };
  return startSession(root, sessionOptions);
}

/** The topology file's diagnostics once the first scan is published (MESH192 or the render's findings). */
function topologyDiagnostics(live: LspSession, accept: (codes: unknown[]) => boolean) {
  return live.waitForDiagnostics('mesh-topology.yaml', (list) => accept(codesOn(list, RENDER_LINE)));
}

describe('language server over stdio: render commands', () => {
  test('trusted and enabled: the output is analysed in its cluster, shown on the render line, never written', async () => {
    const root = workspace('cat chart-output/cluster2.txt');
    const live = await session(root, { trusted: true, enabled: true });
    try {
      const diagnostics = await topologyDiagnostics(live, (codes) => codes.includes('MESH101'));
      const onRenderLine = diagnostics.filter((diagnostic) => diagnostic.range.start.line === RENDER_LINE);
      assert.deepEqual(
        onRenderLine.map((diagnostic) => diagnostic.code),
        ['MESH101'],
      );
      assert.match(
        String(onRenderLine[0]?.message ?? ''),
        /rendered output \(\.mesh-lens\/rendered\/cluster2\.yaml, line 3\)/,
      );
      assert.match(String(onRenderLine[0]?.message ?? ''), /not exported in cluster2/);
      assert.equal(existsSync(join(root, '.mesh-lens')), false, 'nothing written');
      assert.equal(live.diagnostics.has(live.uri('.mesh-lens/rendered/cluster2.yaml')), false);
    } finally {
      await live.stop();
    }
  });

  for (const [name, options] of [
    ['enabled but the workspace is not trusted', { trusted: false, enabled: true }],
    ['enabled by a client that says nothing about trust', { enabled: true }],
    ['trusted but not enabled', { trusted: true, enabled: false }],
  ] as const) {
    test(`${name}: nothing runs, and MESH192 says the render did not run`, async () => {
      const root = workspace('touch executed; cat chart-output/cluster2.txt');
      const live = await session(root, options);
      try {
        await topologyDiagnostics(live, (codes) => codes.includes('MESH192'));
        // Saves and the command are what would start a run: neither may run anything here.
        await live.connection.sendNotification('textDocument/didSave', {
          textDocument: { uri: live.uri('clusters/cluster1/reviews.yaml') },
        });
        const answer = await live.connection.sendRequest('workspace/executeCommand', {
          command: RUN_RENDER_COMMANDS_COMMAND,
          arguments: [],
        });
        assert.deepEqual(answer, { rendered: false });
        assert.equal(existsSync(join(root, 'executed')), false, 'the command did not run');
      } finally {
        await live.stop();
      }
    });
  }

  test('trust granted later: the command runs then, and MESH192 gives way to the output', async () => {
    const root = workspace('cat chart-output/cluster2.txt');
    const live = await session(root, { trusted: false, enabled: true });
    try {
      await topologyDiagnostics(live, (codes) => codes.includes('MESH192'));
      await live.connection.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
      const diagnostics = await topologyDiagnostics(live, (codes) => codes.includes('MESH101'));
      assert.deepEqual(codesOn(diagnostics, RENDER_LINE), ['MESH101']);
    } finally {
      await live.stop();
    }
  });

  test('a save re-renders: fixing the values on disk clears the finding', async () => {
    const root = workspace('cat chart-output/cluster2.txt');
    const live = await session(root, { trusted: true, enabled: true });
    try {
      await topologyDiagnostics(live, (codes) => codes.includes('MESH101'));
      await live.open('clusters/cluster1/reviews.yaml');
      writeFileSync(
        join(root, 'chart-output/cluster2.txt'),
        'apiVersion: v1\nkind: Service\nmetadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }\n',
      );
      await live.connection.sendNotification('textDocument/didSave', {
        textDocument: { uri: live.uri('clusters/cluster1/reviews.yaml') },
      });
      // Exported now; what remains is about its endpoints, not its export.
      const diagnostics = await topologyDiagnostics(live, (codes) => !codes.includes('MESH101'));
      assert.deepEqual(codesOn(diagnostics, RENDER_LINE), ['MESH170']);
    } finally {
      await live.stop();
    }
  });

  test('the command is answered when a save asks for a render right after it', {
    timeout: 30_000,
  }, async () => {
    const root = workspace('cat chart-output/cluster2.txt');
    const live = await session(root, { trusted: true, enabled: true });
    try {
      await topologyDiagnostics(live, (codes) => codes.includes('MESH101'));
      await live.open('clusters/cluster1/reviews.yaml');
      // The save's delayed render replaces the command's pending one: both callers see it run.
      const answer = live.connection.sendRequest('workspace/executeCommand', {
        command: RUN_RENDER_COMMANDS_COMMAND,
        arguments: [],
      });
      await live.connection.sendNotification('textDocument/didSave', {
        textDocument: { uri: live.uri('clusters/cluster1/reviews.yaml') },
      });
      assert.deepEqual(await answer, { rendered: true });
    } finally {
      await live.stop();
    }
  });

  test('a failing command: a warning names the cluster and the error; MESH192 stays', async () => {
    const root = workspace('echo chart not found >&2; exit 3');
    const messages: string[] = [];
    const live = await session(root, { trusted: true, enabled: true });
    live.connection.onNotification('window/showMessage', (params: { message: string }) => {
      messages.push(params.message);
    });
    try {
      await topologyDiagnostics(live, (codes) => codes.includes('MESH192'));
      await live.connection.sendRequest('workspace/executeCommand', {
        command: RUN_RENDER_COMMANDS_COMMAND,
        arguments: [],
      });
      assert.ok(
        messages.some((message) =>
          /render command of cluster cluster2 .* failed: chart not found/.test(message),
        ),
        messages.join('\n'),
      );
      const diagnostics = await topologyDiagnostics(live, (codes) => codes.includes('MESH192'));
      assert.deepEqual(codesOn(diagnostics, RENDER_LINE), ['MESH192']);
    } finally {
      await live.stop();
    }
  });
});
