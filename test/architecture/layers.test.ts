import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';

// The layers of docs/architecture.md, lowest first. A module may import from its own layer and the
// layers below it, never above: data flows one way, text → parse → facts → topology → model →
// checks and features → analysis → the façade the adapters use.
const LAYERS = [
  'util', // generic helpers with no mesh knowledge
  'text', // positions, ranges, source files, findings' base types
  'yaml', // one file → documents → resources
  'kustomize', // kustomizations rendered from the workspace's text, with the source of every value
  'facts', // per-document declarations: labels, selectors, ports, host references
  'topology', // clusters, segments, links; which cluster a file belongs to
  'model', // the mesh: service instances, workloads, global services, shards
  'reach', // locality routing over the model
  'fixes', // text edits built from node ranges, and the text half of the fix oracle
  'checks', // one file per diagnostic code
  'features', // hover, lenses, completion, navigation, symbols
  'docs', // the catalogue rendered for users
  'analysis', // the incremental engine, the fix oracle, fix-all
  'facade', // index.ts (what the adapters import) and protocol.ts (what the client and server share)
] as const;

const SHARED = join(repoRoot, 'shared', 'src');
const FORBIDDEN_IN_CORE =
  /^(node:|fs$|path$|os$|child_process$|vscode$|vscode-languageserver|vscode-jsonrpc|vscode-languageclient)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static imports, `export … from`, `import()`). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map(
    (match) => match[1] ?? '',
  );
}

function layerOf(file: string): number {
  const [top = '', ...rest] = relative(SHARED, file).split(sep);
  const layer = rest.length === 0 ? 'facade' : top;
  const index = LAYERS.indexOf(layer as (typeof LAYERS)[number]);
  assert.ok(
    index >= 0,
    `${relative(repoRoot, file)} is in no layer: add its folder to LAYERS and docs/architecture.md`,
  );
  return index;
}

function resolved(file: string, specifier: string): string {
  const base = normalize(join(dirname(file), specifier));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return base;
}

describe('layers', () => {
  test('every import in the core goes to its own layer or one below', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(SHARED)) {
      for (const specifier of specifiers(file).filter((spec) => spec.startsWith('.'))) {
        const target = resolved(file, specifier);
        if (layerOf(target) > layerOf(file))
          upward.push(
            `${relative(SHARED, file)} (${LAYERS[layerOf(file)]}) → ${relative(SHARED, target)} (${LAYERS[layerOf(target)]})`,
          );
      }
    }
    assert.deepEqual(upward, [], 'imports running up the layers');
  });

  test('the core does no I/O and knows no editor or protocol', () => {
    const found = sourceFiles(SHARED).flatMap((file) =>
      specifiers(file)
        .filter((spec) => FORBIDDEN_IN_CORE.test(spec))
        .map((spec) => `${relative(SHARED, file)} imports ${spec}`),
    );
    assert.deepEqual(found, []);
  });

  test('the server and the CLI use the façade only; the client only the protocol', () => {
    const adapters: [string, RegExp][] = [
      ['server/src', /^shared\/src(\/index)?$/],
      ['client/src', /^shared\/src\/protocol$/],
      ['client/webview', /^shared\/src\/protocol$/],
    ];
    const deep: string[] = [];
    for (const [folder, allowed] of adapters) {
      for (const file of sourceFiles(join(repoRoot, folder))) {
        for (const specifier of specifiers(file).filter((spec) => spec.includes('shared/src'))) {
          const target = relative(repoRoot, normalize(join(dirname(file), specifier)))
            .split(sep)
            .join('/');
          if (!allowed.test(target)) deep.push(`${relative(repoRoot, file)} imports ${target}`);
        }
      }
    }
    assert.deepEqual(deep, []);
  });

  test('every folder of the core is a layer', () => {
    const folders = readdirSync(SHARED).filter((name) => statSync(join(SHARED, name)).isDirectory());
    assert.deepEqual(
      folders.filter((folder) => !(LAYERS as readonly string[]).includes(folder)),
      [],
    );
  });
});
