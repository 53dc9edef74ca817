import assert from 'node:assert/strict';
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exampleWorkspace, repoRoot } from '../helpers/paths';

// The size budget the README states for the published package. Graphviz in WebAssembly
// (dist/viz-global.js, for `graph --format svg` and the editor's mesh map) is about 470 KB packed
// and 1.3 MB unpacked of it: docs/decisions.md, "The mesh map's renderer".
const BUDGET = { packedBytes: 1000 * 1024, unpackedBytes: 3.1 * 1024 * 1024 };

function run(command: string, args: string[], options: SpawnSyncOptions) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} failed: ${result.stderr}${result.error ?? ''}`,
  );
  return String(result.stdout);
}

/** The package as `npm publish` would build it (prepack's production build), packed, in a temporary folder. */
function packedPackage() {
  const stage = mkdtempSync(join(tmpdir(), 'mesh-lens-stage-'));
  for (const path of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'examples/bookinfo-multicluster',
    'images',
    'schemas',
    'syntaxes',
  ])
    cpSync(join(repoRoot, path), join(stage, path), { recursive: true });
  run(process.execPath, ['scripts/build.mjs', '--production', `--outdir=${join(stage, 'dist')}`], {
    cwd: repoRoot,
  });
  const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json'], { cwd: stage }));
  return { tarball: join(stage, packed.filename), packed };
}

/** One LSP message, framed. */
function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

test('the npm package installs offline and runs the CLI and the language server', {
  timeout: 240_000,
}, async () => {
  const { tarball, packed } = packedPackage();
  assert.deepEqual(packed.files.map((file: { path: string }) => file.path).sort(), [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'dist/cli.js',
    'dist/client.js',
    'dist/mesh-map.css',
    'dist/mesh-map.js',
    'dist/server.js',
    'dist/viz-global.js',
    'examples/bookinfo-multicluster/README.md',
    'examples/bookinfo-multicluster/clusters/cluster0/namespace.yaml',
    'examples/bookinfo-multicluster/clusters/cluster0/productpage.yaml',
    'examples/bookinfo-multicluster/clusters/cluster0/ratings.yaml',
    'examples/bookinfo-multicluster/clusters/cluster0/reviews-route.yaml',
    'examples/bookinfo-multicluster/clusters/cluster1/ratings.yaml',
    'examples/bookinfo-multicluster/clusters/cluster1/reviews-v1.yaml',
    'examples/bookinfo-multicluster/clusters/cluster2/namespace.yaml',
    'examples/bookinfo-multicluster/clusters/cluster2/reviews.yaml',
    'examples/bookinfo-multicluster/mesh-topology.yaml',
    'images/activity-bar.svg',
    'images/icon.png',
    'package.json',
    'schemas/mesh-topology.schema.json',
    'syntaxes/mesh-lens.injection.tmLanguage.json',
  ]);
  assert.ok(packed.size <= BUDGET.packedBytes, `packed ${packed.size} bytes, over the budget`);
  assert.ok(
    packed.unpackedSize <= BUDGET.unpackedBytes,
    `unpacked ${packed.unpackedSize} bytes, over the budget`,
  );
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(manifest.dependencies, undefined, 'the bundles load no package at run time');

  const project = mkdtempSync(join(tmpdir(), 'mesh-lens-install-'));
  writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project });
  const workspace = join(project, 'examples');
  cpSync(exampleWorkspace, workspace, { recursive: true });

  assert.equal(
    run('npx', ['--offline', 'mesh-lens', '--version'], { cwd: project }).trim(),
    manifest.version,
  );
  const check = spawnSync(
    'npx',
    ['--offline', 'mesh-lens', 'check', 'examples/clusters/cluster1/ratings.yaml'],
    {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /^clusters\/cluster1\/ratings\.yaml\n.*MESH101 unlabeled-sibling/m);
  // Graphviz is loaded from beside the installed dist/cli.js, not from node_modules.
  const svg = run('npx', ['--offline', 'mesh-lens', 'graph', 'examples', '--format', 'svg'], {
    cwd: project,
  });
  assert.match(svg, /<svg [^>]*>[\s\S]*>cluster1<\/text>/);
  assert.equal(
    run('npx', ['--offline', 'mesh-lens-language-server', '--version'], { cwd: project }).trim(),
    manifest.version,
  );

  // The language server through the installed bin: initialize, then shutdown and exit.
  const server = spawn('npx', ['--offline', 'mesh-lens-language-server', '--stdio'], { cwd: project });
  let output = '';
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const waitFor = async (pattern: RegExp) => {
    for (let waited = 0; !pattern.test(output); waited += 50) {
      assert.ok(waited < 60_000, `no ${pattern} from the server; got: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  server.stdin.write(
    frame({
      id: 1,
      method: 'initialize',
      params: { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null },
    }),
  );
  await waitFor(/"id":1,"result":\{"capabilities"/);
  server.stdin.write(frame({ method: 'initialized', params: {} }));
  server.stdin.write(frame({ id: 2, method: 'shutdown' }));
  await waitFor(/"id":2,"result":null/);
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  server.stdin.write(frame({ method: 'exit' }));
  assert.equal(await exited, 0);
});
