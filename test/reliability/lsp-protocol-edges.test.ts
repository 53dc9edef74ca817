import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  ErrorCodes,
  type Hover,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, writeFixture } from '../helpers/paths';
import { serverProcessArgs } from '../helpers/server-launch';
import { codesOf, startServerProcess } from './server-process';

// The edges of the protocol itself: messages out of the session's order, URIs that name no local
// file, and frames a broken client could send. Whatever comes, the server answers what it can and
// keeps answering.

const CART = 'clusters/east/cart.yaml';
const workspace = `
  //- ${CART}
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
`;
const CART_HOVER = /Service shop\/cart/;
// A test that hangs is a server that stopped answering.
const ANSWERS_WITHIN = { timeout: 30_000 };

const hoverOn = (uri: string) => ({ textDocument: { uri }, position: { line: 3, character: 9 } });
const markdownOf = (hover: unknown) =>
  ((hover as Hover | null)?.contents as { value?: string } | undefined)?.value ?? '';

/** The error code a request was answered with. */
async function errorCodeOf(request: Promise<unknown>): Promise<number | undefined> {
  return request.then(
    () => undefined,
    (error: { code?: number }) => error.code,
  );
}

describe('language server protocol edges', () => {
  test(
    'a request before initialize gets ServerNotInitialized; a notification is dropped',
    ANSWERS_WITHIN,
    async () => {
      const root = writeFixture(workspace);
      const child = spawn(
        process.execPath,
        serverProcessArgs(join(repoRoot, 'dist', 'server.js'), '--stdio'),
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      if (!child.stdout || !child.stdin) throw new Error('no stdio');
      const connection = createProtocolConnection(
        new StreamMessageReader(child.stdout),
        new StreamMessageWriter(child.stdin),
      );
      connection.listen();
      try {
        const uri = pathToFileURL(join(root, CART)).toString();
        assert.equal(
          await errorCodeOf(connection.sendRequest('textDocument/hover', hoverOn(uri))),
          ErrorCodes.ServerNotInitialized,
        );
        assert.equal(
          await errorCodeOf(connection.sendRequest('meshLens/globalServices', {})),
          ErrorCodes.ServerNotInitialized,
        );
        // Dropped: had it been applied, the hover below would find no Service in this text.
        await connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri, languageId: 'yaml', version: 1, text: 'kind: [' },
        });
        const rootUri = pathToFileURL(root).toString();
        const initialize = {
          processId: process.pid,
          rootUri,
          capabilities: {},
          workspaceFolders: [{ uri: rootUri, name: 'edges' }],
        };
        await connection.sendRequest('initialize', initialize);
        await connection.sendNotification('initialized', {});
        assert.match(
          markdownOf(await connection.sendRequest('textDocument/hover', hoverOn(uri))),
          CART_HOVER,
        );
        assert.equal(
          await errorCodeOf(connection.sendRequest('initialize', initialize)),
          ErrorCodes.InvalidRequest,
        );
      } finally {
        connection.dispose();
        child.kill();
      }
    },
  );

  test(
    'a request after shutdown gets InvalidRequest, and exit still ends the server',
    ANSWERS_WITHIN,
    async () => {
      const server = await startServerProcess(writeFixture(workspace));
      const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
      await server.connection.sendRequest('shutdown');
      assert.equal(
        await errorCodeOf(server.connection.sendRequest('textDocument/hover', hoverOn(server.uri(CART)))),
        ErrorCodes.InvalidRequest,
      );
      await server.connection.sendNotification('exit');
      assert.equal(await exited, 0);
      server.connection.dispose();
    },
  );

  test(
    'a file URI with a host, or with an encoded slash, is answered without an error',
    ANSWERS_WITHIN,
    async () => {
      const root = writeFixture(workspace);
      const server = await startServerProcess(root, {
        moreFolderUris: ['file://fileserver/share/manifests'],
      });
      try {
        const { connection } = server;
        const elsewhere = [
          `file://fileserver${pathToFileURL(join(root, CART)).pathname}`,
          'file://fileserver/share/manifests/a.yaml',
        ];
        for (const uri of elsewhere) {
          await connection.sendNotification('textDocument/didOpen', {
            textDocument: { uri, languageId: 'yaml', version: 1, text: 'kind: [' },
          });
          assert.equal(await connection.sendRequest('textDocument/hover', hoverOn(uri)), null);
          assert.deepEqual(
            await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }),
            [],
          );
          assert.deepEqual(
            await connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }),
            [],
          );
        }
        // VS Code decodes `%2F` to `/`: this is the cart file.
        const encoded = `${pathToFileURL(root).toString()}/${CART.replaceAll('/', '%2F')}`;
        assert.match(
          markdownOf(await connection.sendRequest('textDocument/hover', hoverOn(encoded))),
          CART_HOVER,
        );
        assert.deepEqual(
          server.logs.filter((log) => log.type === 1),
          [],
          'no handler failed',
        );
      } finally {
        await server.stop();
      }
    },
  );

  const malformed: [string, string][] = [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n'],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n'],
    ['a Content-Length larger than the message', 'Content-Length: 99999\r\n\r\n'],
    ['a Content-Length far beyond any message', 'Content-Length: 99999999999\r\n\r\n'],
    ['a Content-Length shorter than the message', 'Content-Length: 7\r\n\r\n'],
    ['a line that is no header', 'hello\r\n\r\n'],
  ];
  for (const [what, header] of malformed) {
    test(`after a message with ${what}, the next messages are answered`, ANSWERS_WITHIN, async () => {
      const server = await startServerProcess(writeFixture(workspace));
      try {
        const hover = () => server.connection.sendRequest('textDocument/hover', hoverOn(server.uri(CART)));
        // Answered: the scan is over, the client has nothing left to write, so the raw bytes below
        // cannot fall in the middle of one of its messages.
        assert.match(markdownOf(await hover()), CART_HOVER);
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 'broken',
          method: 'textDocument/hover',
          params: hoverOn(server.uri(CART)),
        });
        server.child.stdin?.write(header + body);
        assert.match(markdownOf(await hover()), CART_HOVER);
        assert.match(markdownOf(await hover()), CART_HOVER);
        assert.ok(
          server.logs.some((log) => log.type === 1 && /dropped .* from the client/.test(log.message)),
          'the dropped message is reported as an error',
        );
      } finally {
        await server.stop();
      }
    });
  }

  test(
    'requests are answered while a large buffer is being parsed, from the text before it',
    ANSWERS_WITHIN,
    async () => {
      const server = await startServerProcess(writeFixture(workspace));
      try {
        const large = server.uri('clusters/east/large.yaml');
        assert.match(
          markdownOf(await server.connection.sendRequest('textDocument/hover', hoverOn(server.uri(CART)))),
          CART_HOVER,
        );
        // Parsing 3 MB takes a second or more; its MESH190 is published once the workspace has it.
        await server.connection.sendNotification('textDocument/didOpen', {
          textDocument: {
            uri: large,
            languageId: 'yaml',
            version: 1,
            text: `${manyConfigMaps(3)}---\nkind: [\n`,
          },
        });
        const hover = await server.connection.sendRequest('textDocument/hover', hoverOn(server.uri(CART)));
        assert.match(markdownOf(hover), CART_HOVER);
        assert.equal(server.published.has(large), false, 'answered before the large buffer was analysed');
        await server.until('MESH190 on the large buffer', () =>
          codesOf(server.published.get(large)).includes('MESH190'),
        );
      } finally {
        await server.stop();
      }
    },
  );
});

/** About `megabytes` MB of small, valid manifests (ConfigMaps, which no check looks at). */
function manyConfigMaps(megabytes: number): string {
  const document = (index: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${index}\n  namespace: shop\ndata:\n  value: "${'x'.repeat(200)}"\n---\n`;
  const count = Math.ceil((megabytes * 1024 * 1024) / document(0).length);
  return Array.from({ length: count }, (_, index) => document(index)).join('');
}
