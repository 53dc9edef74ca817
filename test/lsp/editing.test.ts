import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol';
import { parseFixture } from '../helpers/fixture';
import { applyLspEdits, startSession } from '../helpers/lsp-client';
import { writeFixture } from '../helpers/paths';

/** The items of a completion answer, whether the server sent `CompletionItem[]` or a `CompletionList`. */
const completionItems = (answer: unknown): CompletionItem[] =>
  Array.isArray(answer) ? answer : (answer as CompletionList).items;

const workspace = `
  //- clusters/east/cart.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    labels:
      solo.io/service-scope: globl   # typo
  spec:
    selector: { app: cart }
  //- clusters/west/cart.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    labels:
      solo.io/service-scope: global
`;

describe('language server over stdio: editing', () => {
  test('hover on a mesh label key documents it; completion offers its values', async () => {
    const session = await startSession(writeFixture(workspace));
    try {
      await session.open('clusters/east/cart.yaml');
      const hover = (await session.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: session.uri('clusters/east/cart.yaml') },
        position: { line: 6, character: 8 },
      })) as Hover;
      assert.match(
        (hover.contents as { value: string }).value,
        /^\*\*solo\.io\/service-scope\*\*\n\nExports the Service/,
      );
      const items = completionItems(
        await session.connection.sendRequest('textDocument/completion', {
          textDocument: { uri: session.uri('clusters/east/cart.yaml') },
          position: { line: 6, character: 32 },
        }),
      );
      assert.deepEqual(
        items.map((item) => item.label),
        ['global', 'segment', 'cluster', 'local', 'global-only'],
      );
      const keys = completionItems(
        await session.connection.sendRequest('textDocument/completion', {
          textDocument: { uri: session.uri('clusters/west/cart.yaml') },
          position: { line: 6, character: 4 },
        }),
      );
      assert.deepEqual(
        keys.map((item) => item.label),
        ['solo.io/service-scope', 'solo.io/service-takeover'],
        'label keys where a key of `labels` is typed',
      );
    } finally {
      await session.stop();
    }
  });

  test('the source action fixes every auto-fixable problem of the file', async () => {
    const root = writeFixture(workspace);
    const session = await startSession(root);
    try {
      const path = 'clusters/east/cart.yaml';
      await session.open(path);
      await session.waitForDiagnostics(path, (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH110'),
      );
      const actions = (await session.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: session.uri(path) },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll'] },
      })) as CodeAction[];
      assert.deepEqual(
        actions.map((action) => action.title),
        ['Fix all auto-fixable mesh problems in this file'],
      );
      const [edit] = (actions[0]?.edit?.documentChanges ?? []) as TextDocumentEdit[];
      const text = parseFixture(workspace)[0]?.text ?? '';
      const fixed = applyLspEdits(text, (edit?.edits ?? []) as Parameters<typeof applyLspEdits>[1]);
      assert.match(fixed, /solo\.io\/service-scope: global {3}# typo/);
      await session.change(path, fixed);
      await session.waitForDiagnostics(path, (list) =>
        list.every((diagnostic) => diagnostic.code !== 'MESH110'),
      );
    } finally {
      await session.stop();
    }
  });

  test('files created and deleted on disk are picked up from watched-file events', async () => {
    const root = writeFixture(workspace);
    const session = await startSession(root);
    try {
      await session.waitForDiagnostics('clusters/east/cart.yaml', (list) => list.length > 0);
      const added = 'clusters/north/cart.yaml';
      writeFileSync(
        join(root, 'clusters/west/cart.yaml'),
        'apiVersion: v1\nkind: Service\nmetadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }\n',
      );
      await import('node:fs').then((fs) => fs.mkdirSync(join(root, 'clusters/north'), { recursive: true }));
      writeFileSync(
        join(root, added),
        'apiVersion: v1\nkind: Service\nmetadata: { name: cart, namespace: shop }\n',
      );
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: session.uri(added), type: 1 }],
      });
      const [sibling] = await session.waitForDiagnostics(added, (list) => list.length === 1);
      assert.equal(sibling?.code, 'MESH101');
      rmSync(join(root, added));
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: session.uri(added), type: 3 }],
      });
      await session.waitForDiagnostics(added, (list) => list.length === 0);
    } finally {
      await session.stop();
    }
  });

  test('files the scan skips (node_modules, .git) stay out of the model when changed or opened', async () => {
    const root = writeFixture(workspace);
    const session = await startSession(root);
    try {
      await session.waitForDiagnostics('clusters/east/cart.yaml', (list) => list.length > 0);
      const fs = await import('node:fs');
      const unlabeled = 'apiVersion: v1\nkind: Service\nmetadata: { name: cart, namespace: shop }\n';
      const ignored = ['clusters/north/node_modules/cart.yaml', 'clusters/north/.git/cart.yaml'];
      for (const path of ignored) {
        fs.mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), unlabeled);
      }
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: ignored.map((path) => ({ uri: session.uri(path), type: 1 })),
      });
      await session.open(ignored[0] as string, unlabeled);
      // A real sibling in the same cluster: it gets MESH101; the skipped copies must get nothing.
      const added = 'clusters/north/cart.yaml';
      writeFileSync(join(root, added), unlabeled);
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: session.uri(added), type: 1 }],
      });
      await session.waitForDiagnostics(added, (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH101'),
      );
      for (const path of ignored)
        assert.deepEqual(session.diagnostics.get(session.uri(path)) ?? [], [], path);
    } finally {
      await session.stop();
    }
  });

  test('edits that move documents down and up report their findings where they moved to', async () => {
    // An edited buffer's untouched documents are copied from its earlier parse, their offsets moved
    // (shared/src/yaml/document-reuse.ts): the findings in them follow their text.
    const service = (name: string, labels: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n${labels}`;
    const typo = '  labels:\n    solo.io/service-scope: globl\n';
    const original = [service('cart', typo), service('orders', ''), service('payments', typo)].join('---\n');
    const root = writeFixture(`
      //- clusters/east/namespace.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
    `);
    writeFileSync(join(root, 'clusters/east/shop.yaml'), original);
    const session = await startSession(root);
    try {
      const path = 'clusters/east/shop.yaml';
      await session.open(path, original);
      // Where each `globl` value is written, as line:character.
      const typoPositions = (text: string) =>
        text
          .split('\n')
          .flatMap((line, index) => (line.endsWith(': globl') ? [`${index}:${line.indexOf('globl')}`] : []));
      const reported = (diagnostics: Diagnostic[]) =>
        diagnostics
          .filter((diagnostic) => diagnostic.code === 'MESH110')
          .map(({ range }) => `${range.start.line}:${range.start.character}`);
      for (const text of [
        original.replace('  name: orders\n', '  name: orders\n  labels:\n    app: orders\n'),
        original,
        `# the shop's Services\n\n${original}`,
        original.replace('  name: payments\n', '  name: payments\n  # moved by one line\n'),
      ]) {
        await session.change(path, text);
        const expected = typoPositions(text);
        assert.equal(expected.length, 2);
        await session.waitForDiagnostics(path, (diagnostics) => {
          const positions = reported(diagnostics);
          return positions.length === 2 && positions.every((position, index) => position === expected[index]);
        });
      }
    } finally {
      await session.stop();
    }
  });

  test('rapid edits end with diagnostics for the last version only', async () => {
    const root = writeFixture(workspace);
    const session = await startSession(root);
    try {
      const path = 'clusters/east/cart.yaml';
      const text = parseFixture(workspace)[0]?.text ?? '';
      await session.open(path, text);
      for (let index = 0; index < 30; index++)
        await session.change(path, text.replace('globl', index % 2 ? 'global' : `globl${index}`));
      await session.change(path, text.replace('globl', 'global'));
      // Not the empty list an opened document may get first, while the scan runs (its file-local
      // findings: none here).
      const list = await session.waitForDiagnostics(
        path,
        (diagnostics) =>
          diagnostics.length > 0 && diagnostics.every((diagnostic) => diagnostic.code !== 'MESH110'),
      );
      assert.deepEqual(
        list.map((diagnostic) => diagnostic.code),
        ['MESH170'],
        'only what the final text has: no workload selects cart',
      );
    } finally {
      await session.stop();
    }
  });
});

describe('settings a client pushes (Neovim 0.7 answers no workspace/configuration)', () => {
  test('from initializationOptions, then from the didChangeConfiguration payload', async () => {
    const root = writeFixture(workspace);
    const session = await startSession(root, {
      noConfiguration: true,
      initializationOptions: { meshLens: { severity: { MESH110: 'warning' } } },
    });
    try {
      const path = 'clusters/east/cart.yaml';
      const [raised] = await session.waitForDiagnostics(path, (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH110'),
      );
      assert.equal(raised?.severity, 2, 'MESH110 as the pushed setting says: a warning, not an error');
      await session.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { meshLens: { severity: { MESH110: 'off' } } },
      });
      await session.waitForDiagnostics(path, (list) =>
        list.every((diagnostic) => diagnostic.code !== 'MESH110'),
      );
    } finally {
      await session.stop();
    }
  });
});
