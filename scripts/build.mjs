// Bundles the three entry points (client, server, CLI) and the tests with esbuild.
// `--production` minifies and drops source maps, for packaging.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
// `--outdir=DIR` (with --production): the bundles elsewhere than dist/, so the package test
// (test/cli/package.test.ts) packs a published build without rewriting the dist/ other tests run.
const outdir = process.argv.find((arg) => arg.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { MESH_LENS_VERSION: JSON.stringify(version) },
  // yaml's ES module build (the same code as its CommonJS one, which `node` would pick): bundled
  // from CommonJS, every call of an imported function (`isScalar`, `isMap`, … millions of times in a
  // scan) went through a getter of esbuild's interop object; from ES modules they are plain calls.
  // 10 % of `mesh-lens check`'s time at 10k files, 13 % laid out as Kustomize overlays.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
};

function testEntries(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testEntries(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// Graphviz as WebAssembly (@viz-js/viz), shipped once beside the bundles rather than bundled: the CLI
// loads it only for `graph --format svg`, and the editor's mesh map loads the same file in its webview
// (docs/decisions.md, "The mesh map's renderer").
mkdirSync(outdir, { recursive: true });
copyFileSync('node_modules/@viz-js/viz/dist/viz-global.js', join(outdir, 'viz-global.js'));
// The Mesh Map webview's styles (themed with VS Code's CSS variables), served from dist/ like its script.
copyFileSync('client/webview/mesh-map.css', join(outdir, 'mesh-map.css'));

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { client: 'client/src/extension.ts' },
    outdir,
    external: ['vscode'],
  }),
  // The Mesh Map webview's script runs in the webview (a browser), not in the extension host.
  esbuild.build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { 'mesh-map': 'client/webview/mesh-map.ts' },
    outdir,
  }),
  esbuild.build({
    ...common,
    entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts' },
    outdir,
    external: ['./viz-global.js'],
    banner: { js: '#!/usr/bin/env node' },
  }),
  production
    ? Promise.resolve()
    : esbuild.build({
        ...common,
        entryPoints: [
          ...testEntries('test'),
          'scripts/generate-docs.ts',
          // The benchmark (BENCHMARKS.md): `npm run gen`, `npm run bench`.
          'bench/gen.ts',
          'bench/run.ts',
          'bench/floor.ts',
          'bench/profile-summary.ts',
          'bench/core-phases.ts',
        ],
        outdir: 'out',
        outbase: '.',
        packages: 'external',
      }),
  // The server with the tests' fault-injection switch (docs/reliability.md): the same server as
  // dist/server.js, built outside dist/ (which the package ships) and outside out/test/ (where
  // `node --test` would run it as a test).
  production
    ? Promise.resolve()
    : esbuild.build({
        ...common,
        entryPoints: { 'test-server': 'test/reliability/fault-injecting-server.ts' },
        outdir: 'out',
      }),
  // End-to-end tests (test/e2e/, `npm run test:e2e`): the suite runs inside an editor's extension host,
  // so it is one self-contained file; the drivers run in node and load playwright-core and
  // @vscode/test-electron from node_modules.
  production
    ? Promise.resolve()
    : esbuild.build({
        ...common,
        entryPoints: { 'e2e/suite/index': 'test/e2e/suite/index.ts' },
        outdir: 'out',
        external: ['vscode'],
      }),
  production
    ? Promise.resolve()
    : esbuild.build({
        ...common,
        entryPoints: {
          'e2e/code-server.e2e': 'test/e2e/code-server.e2e.ts',
          'e2e/electron': 'test/e2e/electron.ts',
        },
        outdir: 'out',
        packages: 'external',
      }),
]);
