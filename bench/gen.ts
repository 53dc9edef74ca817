// `npm run gen -- --preset 1k|10k|50k`, `npm run gen -- --clusters N --namespaces M --services K …`, or
// `npm run gen -- --shape <shape> …`: writes a deterministic mesh workspace (bench/generate.ts,
// bench/shapes.ts) and prints what it wrote.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  digestOf,
  type GenOptions,
  generateWorkspace,
  LAYOUTS,
  type Layout,
  markerOf,
  PRESETS,
  writeWorkspace,
} from './generate';
import { generateShape, SHAPE_SCALES, SHAPES, type Shape, type ShapeOptions, shapeMarker } from './shapes';

const USAGE = `Usage: npm run gen -- (--preset ${Object.keys(PRESETS).join('|')} | --clusters N --namespaces M --services K) [--seed S] [--layout ${LAYOUTS.join('|')}] [--out DIR]
       npm run gen -- --shape SHAPE [size flags below] [--out DIR]

The mesh of the presets (random mistakes at low rates, counted by code):
  --preset P       ${Object.entries(PRESETS)
    .map(([name, o]) => `${name}: ${o.clusters} × ${o.namespaces} × ${o.services}`)
    .join(', ')} (clusters × namespaces × services)
  --clusters N     clusters (folders clusters/<name>/), at most 99
  --namespaces M   namespaces in the shared pool; each cluster has most of them
  --services K     services per namespace; each cluster runs most of them
  --seed S         PRNG seed (default 1); same options → byte-identical files
  --layout L       plain (default): one folder per cluster, clusters/<name>/; overlays: the same mesh
                   as Kustomize bases (base/<namespace>/<service>/) and one overlay per cluster
                   (overlays/<name>/), each cluster receiving the same objects

One extreme shape (bench/shapes.ts; no randomness, a few planted mistakes whose findings are listed):
  --shape big-namespace --services N   2 clusters × 1 namespace × N Services (benchmark: ${SHAPE_SCALES['big-namespace'].full})
  --shape many-routes --routes N       N client Services, each routing to one hostname (benchmark: ${SHAPE_SCALES['many-routes'].full})
  --shape many-clusters --clusters N [--services S]
                                       N clusters × 2 namespaces × S Services (benchmark: ${SHAPE_SCALES['many-clusters'].full} × 2 × ${SHAPE_SCALES['many-clusters'].services})
  --shape big-file --file-mb N         one cluster's manifests in a single file of about N MB, beside a
                                       small cluster (benchmark: ${SHAPE_SCALES['big-file'].full}; over 10 MB the file is skipped by default)
  --shape shared-base --overlays N [--services S]
                                       one Kustomize base of S Services included by N cluster overlays
                                       (benchmark: ${SHAPE_SCALES['shared-base'].full} overlays × ${SHAPE_SCALES['shared-base'].services} Services)
  --shape crowded-namespace --files N  N files naming no namespace, so all in \`default\` (benchmark: ${SHAPE_SCALES['crowded-namespace'].full})

  --out DIR        output folder (default bench/workspaces/gen-<preset, N-M-K or shape-N>[-overlays], git-ignored);
                   an earlier generator output there is replaced
  --help           this text
`;

const SCALE_FLAG: Record<Shape, string> = {
  'big-namespace': 'services',
  'many-routes': 'routes',
  'many-clusters': 'clusters',
  'big-file': 'file-mb',
  'shared-base': 'overlays',
  'crowded-namespace': 'files',
};

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string' },
      shape: { type: 'string' },
      clusters: { type: 'string' },
      namespaces: { type: 'string' },
      services: { type: 'string' },
      routes: { type: 'string' },
      'file-mb': { type: 'string' },
      overlays: { type: 'string' },
      files: { type: 'string' },
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
  if (values.shape !== undefined) return writeShape(values);
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
  writeWorkspace(out, workspace, markerOf(workspace));
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

function writeShape(values: Record<string, string | boolean | undefined>): number {
  const shape = values.shape as Shape;
  if (!SHAPES.includes(shape)) throw new Error(`unknown shape "${shape}"\n${USAGE}`);
  const flag = SCALE_FLAG[shape];
  const given = values[flag] as string | undefined;
  const scale = given === undefined ? SHAPE_SCALES[shape].full : Number(given);
  if (!(scale > 0)) throw new Error(`--${flag} must be a positive number (got "${given}")`);
  const services =
    flag !== 'services' && values.services !== undefined
      ? Number(values.services)
      : SHAPE_SCALES[shape].services;
  const options: ShapeOptions = { shape, scale, ...(services === undefined ? {} : { services }) };
  const workspace = generateShape(options);
  const out = resolve((values.out as string | undefined) ?? `bench/workspaces/gen-${shape}-${scale}`);
  writeWorkspace(out, workspace, shapeMarker(workspace));
  const planted = Object.entries(
    workspace.planted.reduce<Record<string, number>>((counts, { code }) => {
      counts[code] = (counts[code] ?? 0) + 1;
      return counts;
    }, {}),
  )
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, count]) => `  ${code}: ${count}`)
    .join('\n');
  const bytes = [...workspace.files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  process.stdout.write(
    `${out}\n${workspace.resources} resources in ${workspace.files.size} files, ${(bytes / 1048576).toFixed(1)} MB (${shape}, --${flag} ${scale}${services === undefined ? '' : `, ${services} services`})\n` +
      `digest ${digestOf(workspace.files)}\nfindings planted (mesh-lens check must report exactly these):\n${planted}\n` +
      (workspace.bigFiles.length > 0
        ? `over the 10 MB default limit (MESH195 unless meshLens.maxFileSizeMB is raised): ${workspace.bigFiles.join(', ')}\n`
        : ''),
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
