import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  Hover,
  Location,
  Range,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol';
import { applyLspEdits, type LspSession, startSession } from '../helpers/lsp-client';
import { exampleWorkspace } from '../helpers/paths';

function copyExample(): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-lsp-'));
  cpSync(exampleWorkspace, root, { recursive: true });
  return root;
}

const RATINGS_1 = 'clusters/cluster1/ratings.yaml';
const RATINGS_0 = 'clusters/cluster0/ratings.yaml';
const ROUTE = 'clusters/cluster0/reviews-route.yaml';
const REVIEWS_2 = 'clusters/cluster2/reviews.yaml';
const codes = (diagnostics: { code?: string | number }[]) => diagnostics.map((diagnostic) => diagnostic.code);
/** A completion answer as a list, whether the server sent `CompletionItem[]` or a `CompletionList`. */
const completionList = (answer: unknown): CompletionList =>
  Array.isArray(answer)
    ? { items: answer as CompletionItem[], isIncomplete: false }
    : (answer as CompletionList);

describe('language server over stdio: the example workspace', () => {
  let session: LspSession;
  before(async () => {
    session = await startSession(copyExample());
  });
  after(() => session.stop());

  test('publishes diagnostics for files that are not open, with code, docs link and related locations', async () => {
    const [sibling] = await session.waitForDiagnostics(RATINGS_1, (list) => list.length > 0);
    assert.equal(sibling?.code, 'MESH101');
    assert.equal(sibling?.source, 'mesh-lens');
    assert.match(sibling?.codeDescription?.href ?? '', /diagnostics\.md#mesh101-unlabeled-sibling$/);
    assert.deepEqual(sibling?.range, { start: { line: 4, character: 8 }, end: { line: 4, character: 15 } });
    assert.equal(sibling?.relatedInformation?.[0]?.location.uri, session.uri(RATINGS_0));
    const route = await session.waitForDiagnostics(ROUTE, (list) => list.length === 2);
    assert.deepEqual(codes(route), ['MESH120', 'MESH140']);
  });

  test('hover on a global hostname: one row per cluster, reachable from the client, and the reach', async () => {
    await session.open(REVIEWS_2);
    const hover = (await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri(REVIEWS_2) },
      position: { line: 39, character: 12 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    assert.match(markdown, /\*\*reviews-v2\.bookinfo\.mesh\.internal\*\* → global service/);
    assert.match(
      markdown,
      /\| cluster \| exported \| endpoints \| distribution \| reachable from cluster2 \|/,
    );
    assert.match(
      markdown,
      /\| \[cluster2\]\(file:[^)]*clusters\/cluster2\/reviews\.yaml[^)]*\) \| yes \| 1 \| PreferNetwork \| \*\*yes\*\*: chosen \|/,
    );
    assert.match(markdown, /From \*\*cluster2\*\*: → 1 endpoint in cluster2 \(PreferNetwork\)/);
  });

  test('hover on a hostname read as a Service name says it resolves to nothing, as the lens does', async () => {
    await session.open(ROUTE);
    const hover = (await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri(ROUTE) },
      position: { line: 36, character: 25 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    assert.match(
      markdown,
      /^\*\*reviews-v1\.bookinfo\.mesh\.internal\*\*\n\nResolves to nothing: .*kind: Hostname.*\(MESH140\)/,
    );
  });

  test('hover on a Service name shows its hostname, instances and unlabeled siblings', async () => {
    await session.open(RATINGS_0);
    const hover = (await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri(RATINGS_0) },
      position: { line: 3, character: 10 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    assert.match(markdown, /Global: `ratings\.bookinfo\.mesh\.internal`/);
    assert.match(markdown, /\| \[cluster1\]\([^)]*\) \| \*\*no\*\* \| 1 \| – \| no: not exported \|/);
  });

  test('code lenses show reach above Services and hostnames', async () => {
    const lenses = (await session.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri: session.uri(ROUTE) },
    })) as CodeLens[];
    const titles = lenses.map((lens) => lens.command?.title);
    assert.ok(titles.includes('local only · 0 endpoints'), titles.join('\n'));
    // reviews-v1 is written without kind Hostname (MESH140): the lens agrees that it goes nowhere.
    assert.ok(titles.includes('→ resolves to nothing (not a Hostname backend)'), titles.join('\n'));
    assert.ok(!titles.includes('→ 2 endpoints in cluster1 (PreferClose)'), titles.join('\n'));
    assert.ok(titles.includes('→ resolves to nothing'), titles.join('\n'));
    const ratings = (await session.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri: session.uri(RATINGS_0) },
    })) as CodeLens[];
    assert.equal(
      ratings[0]?.command?.title,
      'global · ratings.bookinfo.mesh.internal · 1 of 2 clusters exports · 1 endpoint',
    );
    assert.equal(ratings[0]?.command?.command, 'meshLens.showInstances');
  });

  test('completion offers the global hostnames matching what is typed after `name:` in a backendRef', async () => {
    const text = readFileSync(join(session.root, ROUTE), 'utf8').replace(
      'name: reviews-v1.bookinfo.mesh.internal',
      'name: rev',
    );
    await session.change(ROUTE, text);
    const list = completionList(
      await session.connection.sendRequest('textDocument/completion', {
        textDocument: { uri: session.uri(ROUTE) },
        position: { line: 36, character: 19 },
      }),
    );
    assert.deepEqual(
      list.items.map((item) => item.label),
      ['reviews-v1.bookinfo.mesh.internal', 'reviews-v2.bookinfo.mesh.internal'],
    );
    assert.equal(list.isIncomplete, false);
    assert.deepEqual(
      list.items[0]?.textEdit && 'range' in list.items[0].textEdit ? list.items[0].textEdit.range : undefined,
      { start: { line: 36, character: 16 }, end: { line: 36, character: 19 } },
    );
    assert.match(list.items[0]?.detail ?? '', /endpoint\(s\) reachable from cluster0/);
  });

  test('definition goes from a hostname to every instance; references from a Service to the routes', async () => {
    const definition = (await session.connection.sendRequest('textDocument/definition', {
      textDocument: { uri: session.uri('clusters/cluster2/reviews.yaml') },
      position: { line: 39, character: 12 },
    })) as Location[];
    assert.deepEqual(
      definition.map((location) => location.uri),
      [session.uri('clusters/cluster2/reviews.yaml')],
    );
    const references = (await session.connection.sendRequest('textDocument/references', {
      textDocument: { uri: session.uri('clusters/cluster0/reviews-route.yaml') },
      position: { line: 4, character: 9 },
      context: { includeDeclaration: false },
    })) as Location[];
    assert.deepEqual(
      references.map((location) => [location.uri, location.range.start.line]),
      [[session.uri(ROUTE), 23]],
    );
  });

  test('document and workspace symbols', async () => {
    const symbols = (await session.connection.sendRequest('textDocument/documentSymbol', {
      textDocument: { uri: session.uri('clusters/cluster2/reviews.yaml') },
    })) as { name: string; detail: string }[];
    assert.deepEqual(
      symbols.map((symbol) => `${symbol.detail} ${symbol.name}`),
      [
        'Service · bookinfo reviews-v2',
        'Deployment · bookinfo reviews-v2',
        'DestinationRule · bookinfo reviews',
      ],
    );
    const global = (await session.connection.sendRequest('workspace/symbol', { query: 'reviews' })) as {
      name: string;
    }[];
    assert.deepEqual(
      global.map((symbol) => symbol.name),
      ['reviews-v1.bookinfo.mesh.internal', 'reviews-v2.bookinfo.mesh.internal'],
    );
  });

  test('requests for unknown documents or positions out of range answer empty, and the server keeps working', async () => {
    const unknown = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri('nope.yaml') },
      position: { line: 0, character: 0 },
    });
    assert.equal(unknown, null);
    const far = await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri(RATINGS_0) },
      position: { line: 9999, character: 9999 },
    });
    assert.equal(far, null);
    const lenses = (await session.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri: session.uri(RATINGS_0) },
    })) as unknown[];
    assert.ok(lenses.length > 0);
  });
});

describe('language server over stdio: cross-file diagnostics', () => {
  test("with only cluster0's files open, the quick-fix on cluster1's unopened file clears MESH101", async () => {
    const session = await startSession(copyExample());
    try {
      await session.open(RATINGS_0);
      const [warning] = await session.waitForDiagnostics(RATINGS_1, (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH101'),
      );
      const actions = (await session.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: session.uri(RATINGS_1) },
        range: warning?.range,
        context: { diagnostics: [warning] },
      })) as CodeAction[];
      const preferred = actions.find((action) => action.isPreferred);
      assert.equal(
        preferred?.title,
        'Label Service bookinfo/ratings in cluster1 with solo.io/service-scope=global',
      );
      const [edit] = (preferred?.edit?.documentChanges ?? []) as TextDocumentEdit[];
      assert.equal(edit?.textDocument.uri, session.uri(RATINGS_1));
      const path = join(session.root, RATINGS_1);
      writeFileSync(
        path,
        applyLspEdits(readFileSync(path, 'utf8'), (edit?.edits ?? []) as { range: Range; newText: string }[]),
      );
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: session.uri(RATINGS_1), type: 2 }],
      });
      await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 0);
      assert.match(readFileSync(path, 'utf8'), /# Same service and namespace as cluster0's ratings/);
    } finally {
      await session.stop();
    }
  });

  test("removing the scope label from cluster0's ratings in an unsaved edit clears cluster1's warning", async () => {
    const session = await startSession(copyExample());
    try {
      await session.waitForDiagnostics(RATINGS_1, (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH101'),
      );
      const text = readFileSync(join(session.root, RATINGS_0), 'utf8');
      await session.open(RATINGS_0, text);
      await session.change(RATINGS_0, text.replace('    solo.io/service-scope: global\n', ''));
      await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 0);
      await session.change(RATINGS_0, text);
      await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 1);
    } finally {
      await session.stop();
    }
  });
});

describe('language server over stdio: settings and pull diagnostics', () => {
  test('a severity override from settings applies without a restart', async () => {
    const session = await startSession(copyExample());
    try {
      await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 1);
      await session.setSettings({ severity: { MESH101: 'off' } });
      await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 0);
      await session.setSettings({ severity: { MESH101: 'error' } });
      const [diagnostic] = await session.waitForDiagnostics(RATINGS_1, (list) => list.length === 1);
      assert.equal(diagnostic?.severity, 1);
    } finally {
      await session.stop();
    }
  });

  test('a pull client gets document and workspace diagnostic reports', async () => {
    const session = await startSession(copyExample(), { pull: true });
    try {
      const report = (await session.connection.sendRequest('textDocument/diagnostic', {
        textDocument: { uri: session.uri(RATINGS_1) },
      })) as { kind: string; items: { code: string }[] };
      assert.equal(report.kind, 'full');
      assert.deepEqual(codes(report.items), ['MESH101']);
      const workspace = (await session.connection.sendRequest('workspace/diagnostic', {
        previousResultIds: [],
      })) as {
        items: { uri: string; items: unknown[] }[];
      };
      const withFindings = workspace.items.filter((item) => item.items.length > 0).map((item) => item.uri);
      assert.deepEqual(
        withFindings.sort(),
        [session.uri(ROUTE), session.uri(RATINGS_1), session.uri('clusters/cluster2/reviews.yaml')].sort(),
      );
      assert.equal(session.diagnostics.size, 0, 'nothing is pushed to a pull client');
    } finally {
      await session.stop();
    }
  });

  test('the server registers for configuration changes only where the client supports that', async () => {
    for (const configurationRegistration of [false, true]) {
      const session = await startSession(copyExample(), { configurationRegistration });
      try {
        await session.waitForDiagnostics(RATINGS_1, (list) => list.length > 0);
        assert.ok(session.registrations.includes('workspace/didChangeWatchedFiles'));
        assert.equal(
          session.registrations.includes('workspace/didChangeConfiguration'),
          configurationRegistration,
        );
      } finally {
        await session.stop();
      }
    }
  });

  test('a re-pull gets "unchanged" for every file an edit did not touch', async () => {
    const session = await startSession(copyExample(), { pull: true });
    type Report = { uri: string; kind: string; resultId?: string; items?: { code: string }[] };
    const pullAll = async (previous: Report[]) =>
      (
        (await session.connection.sendRequest('workspace/diagnostic', {
          previousResultIds: previous.flatMap((item) =>
            item.resultId ? [{ uri: item.uri, value: item.resultId }] : [],
          ),
        })) as { items: Report[] }
      ).items;
    try {
      const first = await pullAll([]);
      assert.ok(first.every((item) => item.kind === 'full' && item.resultId));
      const again = await pullAll(first);
      assert.deepEqual(
        again.filter((item) => item.kind !== 'unchanged').map((item) => item.uri),
        [],
        'nothing changed, so nothing is sent again',
      );

      // cluster0 stops exporting ratings: MESH101 leaves cluster1's file; files of other services stay.
      const text = readFileSync(join(session.root, RATINGS_0), 'utf8');
      await session.open(RATINGS_0, text);
      await session.change(
        RATINGS_0,
        text.replace('solo.io/service-scope: global', 'solo.io/service-scope: cluster'),
      );
      const afterEdit = await pullAll(first);
      const ratings1 = afterEdit.find((item) => item.uri === session.uri(RATINGS_1));
      assert.equal(ratings1?.kind, 'full');
      assert.deepEqual(ratings1?.items, []);
      const reviews = afterEdit.find((item) => item.uri === session.uri('clusters/cluster2/reviews.yaml'));
      assert.equal(reviews?.kind, 'unchanged', 'the reviews file was not re-sent');

      const document = (await session.connection.sendRequest('textDocument/diagnostic', {
        textDocument: { uri: session.uri(RATINGS_1) },
        previousResultId: ratings1?.resultId,
      })) as Report;
      assert.equal(document.kind, 'unchanged');
    } finally {
      await session.stop();
    }
  });
});
