// How long requests about a small file wait while the server takes in a large editor buffer
// (issue #13, item 12). Opens, then edits, a buffer just under the 10 MB size limit and sends a
// hover about another file every 25 ms until the server reports the analysis done; prints each
// phase's slowest and median hover. Run after `node scripts/build.mjs`:
//   node bench/large-buffer.mjs [megabytes=9.5] [rounds=3]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const megabytes = Number(process.argv[2] ?? 9.5);
const rounds = Number(process.argv[3] ?? 3);
const server = join(import.meta.dirname, '..', 'dist', 'server.js');

const CART = 'clusters/east/cart.yaml';
const BIG = 'clusters/east/big.yaml';
const files = {
  [CART]:
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n  labels:\n    solo.io/service-scope: global\nspec:\n  selector: { app: cart }\n',
  'clusters/west/cart.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\nspec:\n  selector: { app: cart }\n',
};

/** About `size` MB of small manifests: mostly ConfigMaps, one Service in fifty. */
function bigManifest(size) {
  const document = (index) =>
    index % 50 === 0
      ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${index}\n  namespace: shop\nspec:\n  selector: { app: svc-${index} }\n  ports: [{ port: 80 }]\n---\n`
      : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${String(index).padStart(6, '0')}\n  namespace: shop\ndata:\n  value: "${'x'.repeat(200)}"\n---\n`;
  const parts = [];
  let length = 0;
  for (let index = 0; length < size * 1024 * 1024; index++) {
    parts.push(document(index));
    length += parts.at(-1).length;
  }
  return parts.join('');
}

const root = mkdtempSync(join(tmpdir(), 'mesh-lens-large-'));
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
const uri = (path) => pathToFileURL(join(root, path)).toString();
const child = spawn(
  process.execPath,
  [...(process.env.SERVER_NODE_ARGS?.split(' ') ?? []), server, '--stdio'],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const connection = createProtocolConnection(
  new StreamMessageReader(child.stdout),
  new StreamMessageWriter(child.stdin),
);
let statusWaiters = [];
connection.onNotification('meshLens/status', (status) => {
  if (status.scanning) return;
  for (const resolve of statusWaiters) resolve();
  statusWaiters = [];
});
connection.onNotification(() => undefined);
connection.onRequest(() => null);
connection.listen();
const analysed = () => new Promise((resolve) => statusWaiters.push(resolve));

const rootUri = pathToFileURL(root).toString();
const ready = analysed();
await connection.sendRequest('initialize', {
  processId: process.pid,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: 'bench' }],
  capabilities: {},
});
await connection.sendNotification('initialized', {});
await ready;

const hover = { textDocument: { uri: uri(CART) }, position: { line: 3, character: 9 } };
const big = bigManifest(megabytes);
console.log(`buffer: ${(Buffer.byteLength(big) / 1024 / 1024).toFixed(2)} MB`);

/** Sends `change`, then hovers every 25 ms until the analysis is done; returns their wait times. */
async function measure(change) {
  const done = analysed();
  const started = performance.now();
  await change();
  const waits = [];
  let finished = false;
  done.then(() => {
    finished = true;
  });
  while (!finished) {
    const sent = performance.now();
    await connection.sendRequest('textDocument/hover', hover);
    waits.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await done;
  return { total: performance.now() - started, waits };
}

const report = (label, { total, waits }) => {
  const sorted = [...waits].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `${label}: analysed after ${total.toFixed(0)} ms; ${waits.length} hovers, slowest ${Math.max(...waits).toFixed(0)} ms, median ${median.toFixed(0)} ms`,
  );
};

for (let round = 1; round <= rounds; round++) {
  const version = round * 10;
  report(
    `round ${round} didOpen`,
    await measure(() =>
      connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: uri(BIG), languageId: 'yaml', version, text: big },
      }),
    ),
  );
  report(
    `round ${round} didChange`,
    await measure(() =>
      connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uri(BIG), version: version + 1 },
        contentChanges: [
          { range: { start: { line: 3, character: 8 }, end: { line: 3, character: 8 } }, text: 'z' },
        ],
      }),
    ),
  );
  const closed = analysed();
  await connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(BIG) } });
  await closed;
}

await connection.sendRequest('shutdown');
await connection.sendNotification('exit');
connection.dispose();
rmSync(root, { recursive: true, force: true });
