import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { parseAllDocuments } from 'yaml';
import { parseFixture } from '../../shared/src/text/inline-workspace';
import { applyLspEdits, startSession } from '../helpers/lsp-client';
import { writeFixture } from '../helpers/paths';

// The editor offers only what the CLI's --fix would accept (issue #13, item 2): every quick-fix
// goes through the same oracle before it is shown.

async function quickFixes(
  fixture: string,
  path: string,
  code: string,
): Promise<{ actions: CodeAction[]; text: string }> {
  const root = writeFixture(fixture);
  const session = await startSession(root);
  try {
    await session.open(path);
    const diagnostics = await session.waitForDiagnostics(path, (list) =>
      list.some((item) => item.code === code),
    );
    const found = diagnostics.find((item) => item.code === code);
    assert.ok(found, `a ${code} diagnostic`);
    const actions = (await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: session.uri(path) },
      range: found?.range,
      context: { diagnostics: [found], only: ['quickfix'] },
    })) as CodeAction[];
    const text = parseFixture(fixture).find((file) => file.path === path)?.text ?? '';
    // The checks' fixes only: "Disable … for this line / resource" follow every finding's fixes and
    // are tested on their own (suppression-actions.test.ts).
    return { actions: actions.filter((action) => !action.title.startsWith('Disable ')), text };
  } finally {
    await session.stop();
  }
}

function editedText(action: CodeAction | undefined, text: string): string {
  const [edit] = (action?.edit?.documentChanges ?? []) as TextDocumentEdit[];
  return applyLspEdits(text, (edit?.edits ?? []) as Parameters<typeof applyLspEdits>[1]);
}

describe('code actions pass the fix oracle', () => {
  test('a fix that would change a value elsewhere through an anchor is not offered', async () => {
    // `cluster` is anchored and aliased by another label: rewriting it in place would change both.
    const { actions } = await quickFixes(
      `
      //- clusters/c1/web.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
        labels:
          solo.io/service-takeover: "true"
          solo.io/service-scope: &kept cluster
          example.com/scope-copy: *kept
      spec:
        selector: { app: web }
    `,
      'clusters/c1/web.yaml',
      'MESH160',
    );
    assert.deepEqual(
      actions.map((action) => action.title),
      [],
      'the only fix would also rewrite example.com/scope-copy',
    );
  });

  test('the export fix for a block-list label value keeps the next key on its own line', async () => {
    const { actions, text } = await quickFixes(
      `
      //- clusters/c1/web.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
        labels:
          solo.io/service-takeover: "true"
          solo.io/service-scope:
            - global
      spec:
        selector: { app: web }
      ---
      { apiVersion: apps/v1, kind: Deployment, metadata: { name: web, namespace: shop }, spec: { template: { metadata: { labels: { app: web } } } } }
    `,
      'clusters/c1/web.yaml',
      'MESH160',
    );
    const [exportFix] = actions;
    assert.match(exportFix?.title ?? '', /^Export Service shop\/web/);
    const fixed = editedText(exportFix, text);
    const [service] = parseAllDocuments(fixed).map((doc) => doc.toJS());
    assert.equal(service.metadata.labels['solo.io/service-scope'], 'global');
    assert.deepEqual(service.spec, { selector: { app: 'web' } });
  });

  test('the export fix for an empty scope label writes its value, not a second key', async () => {
    const { actions, text } = await quickFixes(
      `
      //- clusters/c1/web.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
        labels:
          solo.io/service-takeover: "true"
          solo.io/service-scope:
      spec:
        selector: { app: web }
    `,
      'clusters/c1/web.yaml',
      'MESH160',
    );
    const exportFix = actions.find((action) => action.title.startsWith('Export Service shop/web'));
    const fixed = editedText(exportFix, text);
    assert.equal(fixed.match(/solo\.io\/service-scope/g)?.length, 1, fixed);
    const [doc] = parseAllDocuments(fixed);
    assert.deepEqual(doc?.errors, []);
    assert.equal(doc?.toJS().metadata.labels['solo.io/service-scope'], 'global');
  });

  test('a fix that would raise a new finding is offered, not preferred, and says what it raises', async () => {
    const ledger = (cluster: string) => `
      //- clusters/${cluster}/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ledger, namespace: finance, labels: { solo.io/service-scope: segment } }
      spec: { selector: { app: ledger } }
      ---
      { apiVersion: apps/v1, kind: Deployment, metadata: { name: ledger, namespace: finance }, spec: { template: { metadata: { labels: { app: ledger } } } } }
    `;
    const { actions } = await quickFixes(
      `
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], segment: payments }
        c2: { paths: ["clusters/c2/**"], segment: payments }
        c3: { paths: ["clusters/c3/**"] }
      segments:
        payments: { domain: payments.mesh }
      ${ledger('c1')}${ledger('c2')}${ledger('c3')}
    `,
      'clusters/c3/ledger.yaml',
      'MESH111',
    );
    assert.ok(actions.length > 0);
    for (const action of actions) {
      assert.match(action.title, /\(raises MESH102\)$/);
      assert.notEqual(action.isPreferred, true);
    }
  });
});
