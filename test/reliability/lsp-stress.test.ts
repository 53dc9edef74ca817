import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { createWorkspace, getModel, runChecks, setFile } from '../../shared/src';
import { writeFixture } from '../helpers/paths';
import { seededRandom } from '../helpers/seeded-random';
import { startServerProcess } from './server-process';

// 10,000 edits sent as fast as the pipe takes them, none awaited: the server must end up publishing
// exactly what a fresh analysis of the final texts says, for every file, at the final versions.

const EAST = 'clusters/east/cart.yaml';
const WEST = 'clusters/west/cart.yaml';
const ROUTE = 'clusters/east/route.yaml';

const service = (scope: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n  labels:\n    app: cart${scope}\nspec:\n  selector: { app: cart }\n  ports: [{ port: 80 }]\n`;
const route = (host: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: cart, namespace: shop }\nspec:\n  hosts: [cart]\n  http:\n    - route:\n        - destination: { host: ${host} }\n`;

// What the edits move between: exported or not, an invalid scope, a wrong suffix, broken YAML.
const VARIANTS: Record<string, string[]> = {
  [WEST]: [
    service(''),
    service('\n    solo.io/service-scope: global'),
    service('\n    solo.io/service-scope: globl'),
    'kind: [',
  ],
  [ROUTE]: [
    route('cart.shop.mesh.internal'),
    route('cart.shop.internal.mesh'),
    route('cartx.shop.mesh.internal'),
  ],
};
const PIECES = [
  ' ',
  '\n',
  ':',
  '-',
  '#',
  'x',
  '[',
  '{',
  '"',
  '  labels: {}\n',
  'solo.io/service-scope: global',
  '\r\n',
];

/** The smallest single-range change turning `before` into `after`. */
function diffChange(document: TextDocument, after: string) {
  const before = document.getText();
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return {
    range: { start: document.positionAt(start), end: document.positionAt(before.length - end) },
    text: after.slice(start, after.length - end),
  };
}

test('10,000 rapid edits end with the diagnostics of a fresh analysis of the final texts', async () => {
  const root = writeFixture(`
    //- ${EAST}
    ${service('\n    solo.io/service-scope: global').replaceAll('\n', '\n    ')}
    //- ${WEST}
    ${service('').replaceAll('\n', '\n    ')}
    //- ${ROUTE}
    ${route('cart.shop.mesh.internal').replaceAll('\n', '\n    ')}
  `);
  const server = await startServerProcess(root);
  try {
    const { connection } = server;
    const next = seededRandom(20261125);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
    const documents = new Map<string, TextDocument>();
    const sends: Promise<void>[] = [];
    for (const path of [WEST, ROUTE]) {
      const text = readFileSync(join(root, path), 'utf8');
      documents.set(path, TextDocument.create(server.uri(path), 'yaml', 1, text));
      sends.push(
        connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri: server.uri(path), languageId: 'yaml', version: 1, text },
        }),
      );
    }
    const edit = (path: string, change: { range?: ReturnType<typeof diffChange>['range']; text: string }) => {
      const document = documents.get(path) as TextDocument;
      const version = document.version + 1;
      documents.set(path, TextDocument.update(document, [change], version));
      sends.push(
        connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: document.uri, version },
          contentChanges: [change],
        }),
      );
    };
    for (let index = 0; index < 10_000; index++) {
      const path = pick([WEST, ROUTE]);
      const document = documents.get(path) as TextDocument;
      const roll = next();
      const at = Math.floor(next() * (document.getText().length + 1));
      if (roll < 0.3) edit(path, diffChange(document, pick(VARIANTS[path] ?? [])));
      else if (roll < 0.35) edit(path, { text: pick(VARIANTS[path] ?? []) });
      else if (roll < 0.7) {
        const position = document.positionAt(at);
        edit(path, { range: { start: position, end: position }, text: pick(PIECES) });
      } else {
        const end = Math.min(document.getText().length, at + 1 + Math.floor(next() * 4));
        edit(path, { range: { start: document.positionAt(at), end: document.positionAt(end) }, text: '' });
      }
    }
    // End on texts with something to say, reached by one more edit each.
    edit(WEST, diffChange(documents.get(WEST) as TextDocument, VARIANTS[WEST]?.[0] ?? ''));
    edit(ROUTE, diffChange(documents.get(ROUTE) as TextDocument, VARIANTS[ROUTE]?.[1] ?? ''));
    await Promise.all(sends);

    const workspace = createWorkspace();
    for (const path of [EAST, WEST, ROUTE]) {
      setFile(workspace, path, documents.get(path)?.getText() ?? readFileSync(join(root, path), 'utf8'));
    }
    const expected = new Map<string, unknown[]>([EAST, WEST, ROUTE].map((path) => [server.uri(path), []]));
    for (const finding of runChecks(getModel(workspace))) {
      const diagnostic = toDiagnostic(finding, (file) => server.uri(file));
      expected.get(server.uri(finding.file))?.push(essentials(diagnostic));
    }
    const actual = () =>
      new Map(
        [...expected.keys()].map((uri) => [
          uri,
          (server.published.get(uri)?.diagnostics ?? []).map(essentials),
        ]),
      );
    const versions = () => [WEST, ROUTE].map((path) => server.published.get(server.uri(path))?.version);
    const finalVersions = [WEST, ROUTE].map((path) => documents.get(path)?.version);
    await server
      .until(
        'the final diagnostics',
        () => isDeepStrictEqual(actual(), expected) && isDeepStrictEqual(versions(), finalVersions),
        30_000,
      )
      .catch(() => undefined);
    assert.deepEqual(actual(), expected);
    assert.deepEqual(versions(), finalVersions, 'published for the final versions');
    assert.ok(
      [...expected.values()].flat().length >= 2,
      'the final texts have findings (MESH101 on the sibling, MESH120 on the route)',
    );
  } finally {
    await server.stop();
  }
});

// Ranges as the wire carries them: the core's are compact objects whose positions are getters.
function essentials(diagnostic: { code?: unknown; range: unknown; message: unknown }) {
  return {
    code: diagnostic.code,
    range: JSON.parse(JSON.stringify(diagnostic.range)),
    message: diagnostic.message,
  };
}
