// Bundles the three entry points (client, server, CLI) and the tests with esbuild.
// `--production` minifies and drops source maps, for packaging.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { MESH_LENS_VERSION: JSON.stringify(version) },
};

function testEntries(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testEntries(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { client: 'client/src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  }),
  esbuild.build({
    ...common,
    entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  }),
  production
    ? Promise.resolve()
    : esbuild.build({
        ...common,
        entryPoints: [...testEntries('test'), 'scripts/generate-docs.ts'],
        outdir: 'out',
        outbase: '.',
        packages: 'external',
      }),
]);
