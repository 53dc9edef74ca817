import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { copyOfExample } from '../helpers/cli';
import { applyLspEdits, type LspSession, startSession } from '../helpers/lsp-client';

// "Disable MESHnnn for this line / for this resource" over real JSON-RPC: offered after the fixes,
// never preferred, and applying one as an editor does (a buffer edit) silences the diagnostic.

const RATINGS_1 = 'clusters/cluster1/ratings.yaml';

async function withMesh101(
  run: (session: LspSession, warning: Diagnostic, actions: CodeAction[]) => Promise<void>,
) {
  const session = await startSession(copyOfExample());
  try {
    await session.open(RATINGS_1);
    const diagnostics = await session.waitForDiagnostics(RATINGS_1, (list) =>
      list.some((diagnostic) => diagnostic.code === 'MESH101'),
    );
    const warning = diagnostics.find((diagnostic) => diagnostic.code === 'MESH101');
    assert.ok(warning);
    const actions = (await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: session.uri(RATINGS_1) },
      range: warning.range,
      context: { diagnostics: [warning], only: ['quickfix'] },
    })) as CodeAction[];
    await run(session, warning, actions);
  } finally {
    await session.stop();
  }
}

function editedText(session: LspSession, action: CodeAction | undefined): string {
  const [edit] = (action?.edit?.documentChanges ?? []) as TextDocumentEdit[];
  assert.equal(edit?.textDocument.uri, session.uri(RATINGS_1));
  const text = readFileSync(join(session.root, RATINGS_1), 'utf8');
  return applyLspEdits(text, (edit?.edits ?? []) as Parameters<typeof applyLspEdits>[1]);
}

describe('suppression code actions', () => {
  test('two, after the fixes, neither preferred', async () => {
    await withMesh101(async (_session, _warning, actions) => {
      const titles = actions.map((action) => action.title);
      assert.deepEqual(titles.slice(-2), [
        'Disable MESH101 for this line',
        'Disable MESH101 for Service bookinfo/ratings (mesh-lens.io/ignore)',
      ]);
      assert.ok(titles.length > 2, 'the real fixes come first');
      assert.deepEqual(
        actions.slice(-2).map((action) => [action.kind, action.isPreferred]),
        [
          ['quickfix', false],
          ['quickfix', false],
        ],
      );
    });
  });

  for (const [which, index] of [
    ['the line comment', 0],
    ['the resource annotation', 1],
  ] as const) {
    test(`${which}, applied to the buffer, clears the diagnostic and raises nothing`, async () => {
      await withMesh101(async (session, _warning, actions) => {
        const disable = actions.filter((action) => action.title.startsWith('Disable '))[index];
        const text = editedText(session, disable);
        await session.change(RATINGS_1, text);
        const after = await session.waitForDiagnostics(RATINGS_1, (list) =>
          list.every((diagnostic) => diagnostic.code !== 'MESH101'),
        );
        assert.deepEqual(after, []);
      });
    });
  }
});
