// `npm run gen -- --clusters N --namespaces M --services K [--seed S] --out DIR` or `--preset 1k|10k|50k`:
// writes a deterministic mesh workspace (bench/generate.ts) and prints what it wrote.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  digestOf,
  type GenOptions,
  generateWorkspace,
  LAYOUTS,
  type Layout,
  PRESETS,
  writeWorkspace,
} from './generate';

const USAGE = `Usage: npm run gen -- (--preset ${Object.keys(PRESETS).join('|')} | --clusters N --namespaces M --services K) [--seed S] [--layout ${LAYOUTS.join('|')}] [--out DIR]
  --clusters N     clusters (folders clusters/<name>/), at most 99
  --namespaces M   namespaces in the shared pool; each cluster has most of them
  --services K     services per namespace; each cluster runs most of them
  --seed S         PRNG seed (default 1); same options → byte-identical files
  --layout L       plain (default): one folder per cluster, clusters/<name>/; overlays: the same mesh
                   as Kustomize bases (base/<namespace>/<service>/) and one overlay per cluster
                   (overlays/<name>/), each cluster receiving the same objects
  --out DIR        output folder (default bench/workspaces/gen-<preset or N-M-K>[-overlays], git-ignored); an earlier generator output there is replaced
`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string' },
      clusters: { type: 'string' },
      namespaces: { type: 'string' },
      services: { type: 'string' },
      seed: { type: 'string' },
      layout: { type: 'string', default: 'plain' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const preset = values.preset ? PRESETS[values.preset] : undefined;
  if (values.preset && !preset) throw new Error(`unknown preset "${values.preset}"\n${USAGE}`);
  const number = (flag: string, value: string | undefined, fallback: number | undefined): number => {
    if (value === undefined) {
      if (fallback === undefined) throw new Error(`--${flag} is required without --preset\n${USAGE}`);
      return fallback;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`--${flag} must be an integer (got "${value}")`);
    return parsed;
  };
  const options: GenOptions = {
    clusters: number('clusters', values.clusters, preset?.clusters),
    namespaces: number('namespaces', values.namespaces, preset?.namespaces),
    services: number('services', values.services, preset?.services),
    seed: number('seed', values.seed, preset?.seed ?? 1),
  };
  const layout = values.layout as Layout;
  if (!LAYOUTS.includes(layout)) throw new Error(`unknown layout "${values.layout}"\n${USAGE}`);
  const name = values.preset ?? `${options.clusters}-${options.namespaces}-${options.services}`;
  const suffix = layout === 'plain' ? '' : `-${layout}`;
  const out = resolve(values.out ?? `bench/workspaces/gen-${name}${suffix}`);
  const workspace = generateWorkspace(options, layout);
  writeWorkspace(out, workspace);
  const mistakes = Object.entries(workspace.mistakes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, count]) => `  ${code}: ${count}`)
    .join('\n');
  process.stdout.write(
    `${out}\n${workspace.resources} resources in ${workspace.files.size} files ` +
      `(${options.clusters} clusters, ${options.namespaces} namespaces, ${options.services} services per namespace, seed ${options.seed}, ${layout} layout)\n` +
      `digest ${digestOf(workspace.files)}\nmistakes sprinkled in:\n${mistakes}\n`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
