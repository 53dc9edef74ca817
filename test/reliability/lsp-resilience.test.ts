import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { writeFixture } from '../helpers/paths';
import { codesOf, startServerProcess } from './server-process';

// The language server keeps answering whatever the client or the workspace throws at it: a check
// that crashes, requests about documents it does not know, positions past the end, stale versions,
// a 20 MB manifest on disk or in an editor buffer.

const CART_EAST = 'clusters/east/cart.yaml';
const CART_WEST = 'clusters/west/cart.yaml';
const ROUTE = 'clusters/east/route.yaml';

const workspace = `
  //- ${CART_EAST}
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    labels:
      solo.io/service-scope: global
  spec:
    selector: { app: cart }
  //- ${CART_WEST}
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
  spec:
    selector: { app: cart }
  //- ${ROUTE}
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: { name: cart, namespace: shop }
  spec:
    hosts: [cart]
    http:
      - route:
          - destination: { host: cart.shop.internal.mesh }
`;

const hoverAt = (uri: string, line: number, character: number) => ({
  textDocument: { uri },
  position: { line, character },
});

describe('language server resilience', () => {
  test('a check that throws is logged once with its code; the other checks still report', async () => {
    const server = await startServerProcess(writeFixture(workspace), { faultyChecks: ['MESH101'] });
    try {
      // A clean file gets no (empty) publish; the route's MESH120 marks the first analysis.
      await server.until('the first publish', () => server.published.has(server.uri(ROUTE)));
      assert.ok(codesOf(server.published.get(server.uri(ROUTE))).includes('MESH120'), 'other checks report');
      assert.deepEqual(codesOf(server.published.get(server.uri(CART_WEST))), [], 'MESH101 itself is gone');
      const failures = () => server.logs.filter((log) => log.message.includes('MESH101'));
      assert.equal(failures().length, 1);
      assert.equal(failures()[0]?.type, 1, 'logged as an error (connection.console.error)');
      assert.match(
        failures()[0]?.message ?? '',
        /check MESH101 failed and was skipped: Error: fault injected into MESH101/,
      );
      // Every later analysis skips the check again, without logging it again.
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: server.uri(CART_WEST), languageId: 'yaml', version: 1, text: 'kind: [' },
      });
      await server.until('MESH190 on the edited file', () =>
        codesOf(server.published.get(server.uri(CART_WEST))).includes('MESH190'),
      );
      assert.equal(failures().length, 1, 'logged once per check, not once per analysis');
    } finally {
      await server.stop();
    }
  });

  test("a client that refuses the server's own requests does not stop it", async () => {
    const refuse = [
      'workspace/configuration',
      'window/workDoneProgress/create',
      'client/registerCapability',
      'workspace/diagnostic/refresh',
    ];
    for (const pull of [false, true]) {
      const server = await startServerProcess(writeFixture(workspace), { refuse, pull });
      try {
        const report = (await server.connection.sendRequest('textDocument/diagnostic', {
          textDocument: { uri: server.uri(ROUTE) },
        })) as { items: { code?: string }[] } | null;
        if (pull)
          assert.deepEqual(
            report?.items.map((item) => item.code),
            ['MESH120'],
          );
        else
          await server.until('pushed diagnostics', () =>
            codesOf(server.published.get(server.uri(ROUTE))).includes('MESH120'),
          );
        const hover = await server.connection.sendRequest(
          'textDocument/hover',
          hoverAt(server.uri(CART_EAST), 3, 9),
        );
        assert.ok(hover, 'still answering');
        assert.equal(server.child.exitCode, null, 'still running');
      } finally {
        await server.stop();
      }
    }
  });

  test('requests about unknown or closed documents, past-the-end positions and stale versions are answered', async () => {
    const server = await startServerProcess(writeFixture(workspace));
    try {
      const { connection } = server;
      await server.until('the first publish', () => server.published.has(server.uri(ROUTE)));
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri: server.uri(CART_EAST),
          languageId: 'yaml',
          version: 5,
          text: 'apiVersion: v1\n',
        },
      });
      await connection.sendNotification('textDocument/didClose', {
        textDocument: { uri: server.uri(CART_EAST) },
      });
      const uris = [
        server.uri(CART_EAST), // closed again: read from disk
        server.uri('clusters/east/missing.yaml'), // inside the folder, not on disk
        server.uri('notes.txt'), // not YAML
        'file:///nowhere/else.yaml', // outside every folder
        'untitled:Untitled-1', // not a file
      ];
      const positions = [
        { line: 0, character: 0 },
        { line: 3, character: 10_000 },
        { line: 10_000, character: 3 },
        { line: -1, character: -1 }, // a broken client; the protocol says unsigned
      ];
      for (const uri of uris) {
        for (const position of positions) {
          const at = { textDocument: { uri }, position };
          await connection.sendRequest('textDocument/hover', at);
          await connection.sendRequest('textDocument/completion', at);
          await connection.sendRequest('textDocument/definition', at);
          await connection.sendRequest('textDocument/references', {
            ...at,
            context: { includeDeclaration: true },
          });
          await connection.sendRequest('textDocument/codeAction', {
            textDocument: { uri },
            range: { start: position, end: position },
            context: { diagnostics: [] },
          });
        }
        await connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
        await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
      }
      // Changes the server cannot apply as meant: to a document never opened, with an older
      // version, with a range past the end, closing twice.
      const route = server.uri(ROUTE);
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: server.uri('clusters/east/never-opened.yaml'), version: 2 },
        contentChanges: [{ text: 'kind: Service' }],
      });
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: route, languageId: 'yaml', version: 10, text: 'apiVersion: v1\n' },
      });
      await server.until(
        'the open buffer analysed',
        () => !codesOf(server.published.get(route)).includes('MESH120'),
      );
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: route, version: 3 },
        contentChanges: [
          { range: { start: { line: 50, character: 0 }, end: { line: 60, character: 5 } }, text: 'x' },
        ],
      });
      await connection.sendNotification('textDocument/didClose', { textDocument: { uri: route } });
      await connection.sendNotification('textDocument/didClose', { textDocument: { uri: route } });
      // Still serving: the route is back to its disk text, and hover answers on it.
      await server.until('the route re-read from disk', () =>
        codesOf(server.published.get(route)).includes('MESH120'),
      );
      const hover = (await connection.sendRequest(
        'textDocument/hover',
        hoverAt(route, 7, 35),
      )) as Hover | null;
      assert.match(
        (hover?.contents as { value: string } | undefined)?.value ?? '',
        /cart\.shop\.internal\.mesh/,
      );
    } finally {
      await server.stop();
    }
  });

  test('a 20 MB manifest on disk is skipped with MESH195, and requests are answered meanwhile', async () => {
    const root = writeFixture(workspace);
    const huge = 'clusters/east/huge.yaml';
    writeFileSync(join(root, huge), hugeManifest(20));
    const server = await startServerProcess(root);
    try {
      const started = Date.now();
      const hover = (await server.connection.sendRequest(
        'textDocument/hover',
        hoverAt(server.uri(CART_EAST), 3, 9),
      )) as Hover | null;
      assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /Service shop\/cart/);
      assert.ok(Date.now() - started < 5_000, 'the size check does not read the file');
      await server.until('MESH195 on the huge file', () => server.published.has(server.uri(huge)));
      const [skipped] = server.published.get(server.uri(huge))?.diagnostics ?? [];
      assert.equal(skipped?.code, 'MESH195');
      assert.match(
        String(skipped?.message),
        /^Not analysed: the file is 20\.0 MB, over the 10\.0 MB limit\.$/,
      );
    } finally {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a 20 MB editor buffer is skipped like a 20 MB file, without blocking the server', async () => {
    const server = await startServerProcess(writeFixture(workspace));
    try {
      await server.until('the first publish', () => server.published.has(server.uri(ROUTE)));
      const buffer = server.uri('clusters/east/pasted.yaml');
      const started = Date.now();
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: buffer, languageId: 'yaml', version: 1, text: hugeManifest(20) },
      });
      const hover = (await server.connection.sendRequest(
        'textDocument/hover',
        hoverAt(server.uri(CART_EAST), 3, 9),
      )) as Hover | null;
      assert.ok(hover, 'answered');
      await server.until('MESH195 on the buffer', () =>
        codesOf(server.published.get(buffer)).includes('MESH195'),
      );
      assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
      // Shrunk below the limit, the buffer is analysed again.
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: buffer, version: 2 },
        contentChanges: [{ text: 'kind: [' }],
      });
      await server.until('MESH190 on the shrunk buffer', () =>
        codesOf(server.published.get(buffer)).includes('MESH190'),
      );
    } finally {
      await server.stop();
    }
  });
});

/** About `megabytes` MB of small, valid manifests (ConfigMaps, which no check looks at). */
function hugeManifest(megabytes: number): string {
  const document = (index: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${String(index).padStart(6, '0')}\n  namespace: shop\ndata:\n  value: "${'x'.repeat(200)}"\n---\n`;
  const one = document(0).length;
  const count = Math.ceil((megabytes * 1024 * 1024) / one);
  return Array.from({ length: count }, (_, index) => document(index)).join('');
}
