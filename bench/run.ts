// `npm run bench`: generates the ~1k, ~10k and ~50k workspaces and the extreme shapes into
// bench/workspaces/ (git-ignored; not under a dot-folder, because yaml-language-server's `**/*.yaml`
// association does not match through one), then measures, in one invocation and on the same files:
// the parse floor on one thread and on two, the CLI, the language server over stdio (cold start, edits
// by shape, hover, code lens, completion, peak RSS), yaml-language-server on the same opened files, a
// burst of edits with hovers in flight, and a CPU profile of the server at 10k. Each workspace is
// measured in rounds (floor, two-thread floor, CLI, server, … one after the other) and every ratio is
// the median of the rounds' ratios. The machine's load is recorded around each measured section.
// Writes bench/results/latest.json and the generated sections of BENCHMARKS.md. No timed assertions
// anywhere: these are measurements, not tests. `npm run bench -- --help` lists the options.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../test/helpers/paths';
import {
  SERVER_NODE_OPTIONS_ENV,
  serverNodeOptionsHere,
  serverProcessArgs,
} from '../test/helpers/server-launch';
import { type CpuProfile, type ProfileSummary, summariseProfile } from './cpu-profile';
import { digestOf, generateWorkspace, type Layout, PRESETS, readMarker, writeWorkspace } from './generate';
import { type Load, withLoad } from './load';
import {
  type BurstRun,
  type CliFinding,
  type CycleRun,
  type Expected,
  expectedFrom,
  type MeshLensRun,
  measureBurst,
  measureMeshLens,
  smallFileCycle,
  topologyCycle,
} from './mesh-lens';
import { requestPositions, spread } from './positions';
import { timedRun } from './processes';
import { writeReport } from './report';
import {
  generateShape,
  type Planted,
  SHAPE_SCALES,
  SHAPES,
  type Shape,
  type ShapeOptions,
  type ShapeWorkspace,
  shapeMarker,
} from './shapes';
import { round } from './stats';
import { yamlLanguageServerVersion } from './yaml-ls';
import { measureYamlLs, type YamlLsRun } from './yaml-ls-measure';

export interface Timed {
  ms: number;
  load: Load;
}

/**
 * One round of a workspace's measurements, made one after the other (floor, two-thread floor, CLI,
 * server, …): the figures a ratio divides come from the same round, and the report takes the median
 * of the rounds' ratios (issue #18).
 */
export interface SizeRun {
  floor: Timed;
  /** The floor with the files dealt to 2 worker threads (bench/floor.ts --workers 2). */
  floor2: Timed;
  cli: Timed;
  server: MeshLensRun;
  serverLoad: Load;
  /**
   * yaml-language-server with every file of the workspace opened in both servers, right after start:
   * both then diagnose the same files (yaml-language-server diagnoses only open documents).
   */
  comparisonAll?: Comparison;
  /**
   * The same with only `comparedFiles` files opened, spread over the workspace (sizes with more files
   * than that): yaml-language-server diagnoses those, Mesh Lens still every file.
   */
  comparison?: Comparison;
  /** The same mesh laid out as Kustomize base + overlays, measured right after (issue #15). */
  overlays?: OverlaysRun;
}

/** The overlays layout's cold start, paired with the plain layout's of the same round. */
export interface OverlaysRun {
  floor: Timed;
  cli: Timed;
  cold: MeshLensRun['cold'];
  peakRssAfterColdMB: number;
  serverLoad: Load;
}

/** yaml-language-server, then Mesh Lens, with the same files opened at start: one pair. */
export interface Comparison {
  yamlLs: YamlLsRun;
  yamlLsLoad: Load;
  meshLens: MeshLensRun;
  meshLensLoad: Load;
}

export interface SizeResult {
  size: string;
  options: (typeof PRESETS)[string];
  resources: number;
  files: number;
  digest: string;
  findings: number;
  filesWithFindings: number;
  /** The files opened in both servers for the partial comparison (`comparison`); 0 when not run. */
  comparedFiles: number;
  /** The overlays layout of the same preset (`npm run gen -- --layout overlays`), when measured. */
  overlays?: {
    resources: number;
    files: number;
    digest: string;
    findings: number;
    filesWithFindings: number;
  };
  runs: SizeRun[];
}

/** One round on a shape's workspace: floors, CLI, then the server (cold start and the shape's edits). */
export interface ShapeRun {
  floor: Timed;
  floor2: Timed;
  cli: Timed;
  server: MeshLensRun;
  serverLoad: Load;
}

export interface ShapeResult {
  shape: Shape;
  options: ShapeOptions;
  /** What `options.scale` counts. */
  unit: string;
  resources: number;
  files: number;
  megabytes: number;
  digest: string;
  /** Findings planted (with the default file size limit), and whether the CLI reported exactly those. */
  planted: number;
  cliFindings: number;
  cliMatchesPlanted: boolean;
  /** Files over the default 10 MB limit: the CLI skips them (MESH195); the server is run with the limit raised. */
  bigFiles: string[];
  serverSettings?: Record<string, unknown>;
  runs: ShapeRun[];
}

export interface BurstResult extends BurstRun {
  size: string;
  load: Load;
}

/** bench/core-phases.ts: the core's phases timed in-process (model and checks: best of `repeat`). */
export interface CorePhases {
  size: string;
  repeat: number;
  files: number;
  textMB: number;
  findings: number;
  plainReadMs: number;
  serverReadMs: number;
  parseAllFilesMs: number;
  modelBuildMs: number;
  runChecksMs: number;
  runChecksOverheadMs: number;
  checks: { code: string; name: string; ms: number }[];
  heapMB: { before: number; afterParse: number; afterModelAndChecks: number };
}

export interface ProfileResult {
  size: string;
  layout?: Layout;
  core: CorePhases[];
  coldStartMs: number;
  edits: number;
  requests: number;
  cold: ProfileSummary;
  editLoop: ProfileSummary;
  requestLoop: ProfileSummary;
}

export interface BenchResults {
  date: string;
  machine: Record<string, string>;
  settings: Record<string, string | number>;
  sizes: SizeResult[];
  shapes: ShapeResult[];
  burst?: BurstResult;
  profile?: ProfileResult;
}

const OPTIONS = {
  sizes: { type: 'string', default: '1k,10k,50k' },
  shapes: { type: 'string', default: SHAPES.join(',') },
  'small-shapes': { type: 'boolean', default: false },
  'big-namespace': { type: 'string' },
  'many-routes': { type: 'string' },
  'many-clusters': { type: 'string' },
  'big-file-mb': { type: 'string' },
  'shared-base-overlays': { type: 'string' },
  'crowded-namespace-files': { type: 'string' },
  runs: { type: 'string', default: '3' },
  'shape-runs': { type: 'string' },
  edits: { type: 'string', default: '200' },
  'topology-edits': { type: 'string', default: '20' },
  'edit-budget-s': { type: 'string', default: '30' },
  requests: { type: 'string', default: '200' },
  'completion-budget-s': { type: 'string', default: '8' },
  'compare-files': { type: 'string', default: '500' },
  'burst-size': { type: 'string', default: '10k' },
  'burst-edits': { type: 'string', default: '10000' },
  'burst-hover-ms': { type: 'string', default: '20' },
  'burst-timeout-s': { type: 'string', default: '600' },
  'profile-size': { type: 'string', default: '10k' },
  'profile-layout': { type: 'string', default: 'plain' },
  'profile-edits': { type: 'string', default: '32' },
  'core-sizes': { type: 'string', default: '10k,50k' },
  'no-profile': { type: 'boolean', default: false },
  'no-yaml-ls': { type: 'boolean', default: false },
  'no-compare-all': { type: 'boolean', default: false },
  'no-overlays': { type: 'boolean', default: false },
  'node-defaults': { type: 'boolean', default: false },
  out: { type: 'string', default: 'bench/results/latest.json' },
  'no-report': { type: 'boolean', default: false },
  'report-file': { type: 'string', default: 'BENCHMARKS.md' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `Usage: npm run bench -- [options]

Measures the language server, the CLI and the parse floors on generated workspaces (bench/workspaces/,
git-ignored), writes every run's raw figures to --out and the generated blocks of --report-file.
Each workspace is measured in rounds; a round runs its measurements one after the other (parse floor,
two-thread floor, CLI, server, …), every ratio is taken within a round and the report gives the median
of the rounds' ratios, and the medians of the times. Latency percentiles pool the samples of every round.

What to measure (any subset):
  --sizes LIST           presets of the growth table, 1k,10k,50k (default); "none" for none
  --shapes LIST          extreme shapes: ${SHAPES.join(',')} (default: all); "none" for none
  --small-shapes         each shape at its small scale (development: ${SHAPES.map((shape) => `${shape} ${SHAPE_SCALES[shape].small}`).join(', ')})
  --big-namespace LIST   Services in the one namespace, e.g. 2000,4000,8000 (default ${SHAPE_SCALES['big-namespace'].full})
  --many-routes LIST     routes to one hostname (default ${SHAPE_SCALES['many-routes'].full})
  --many-clusters LIST   clusters (default ${SHAPE_SCALES['many-clusters'].full}; ${SHAPE_SCALES['many-clusters'].services} Services in each of 2 namespaces)
  --big-file-mb LIST     MB of the single big file (default ${SHAPE_SCALES['big-file'].full}; over 10 MB the server runs with meshLens.maxFileSizeMB raised)
  --shared-base-overlays LIST
                         overlays including the one base (default ${SHAPE_SCALES['shared-base'].full}; ${SHAPE_SCALES['shared-base'].services} Services in the base)
  --crowded-namespace-files LIST
                         files naming no namespace, all in \`default\` (default ${SHAPE_SCALES['crowded-namespace'].full})
  --burst-size SIZE      the preset the edit burst runs on (default 10k); "none" to skip
  --no-overlays          skip the base + overlays layout of each preset (issue #15)
  --no-yaml-ls           skip the yaml-language-server comparisons
  --no-compare-all       skip the comparison with every file opened (keep the 500-file one)
  --no-profile           skip the CPU profile and the in-process core phases

How much:
  --runs N               rounds per preset (default 3; odd, so that the median is a run's)
  --shape-runs N         rounds per shape (default: --runs)
  --edits N              edits per edit cycle and round (default 200), in whole cycles of the cycle's steps
  --topology-edits N     edits of the topology file per round (default 20)
  --edit-budget-s S      stop an edit cycle after S seconds, at a cycle boundary (default 30)
  --requests N           hovers, code lenses and completions of each kind per round (default 200)
  --completion-budget-s S  stop hostname completion after S seconds, at least 50 (default 8)
  --compare-files N      files opened in the partial yaml-language-server comparison (default 500)
  --burst-edits N        didChange notifications in the burst (default 10000)
  --burst-hover-ms MS    a hover every MS ms during the burst (default 20)
  --burst-timeout-s S    give up waiting for the burst's final diagnostics after S seconds (default 600)
  --node-defaults        start the server and the parse floors with node's default options, not the
                         ones the extension starts the server with (to measure what they change)
  --profile-size SIZE    preset profiled under --cpu-prof (default 10k)
  --profile-layout L     plain (default) or overlays
  --profile-edits N      edits during the profile (default 32)
  --core-sizes LIST      presets timed in-process by bench/core-phases.ts (default 10k,50k)

Output:
  --out FILE             raw results, JSON (default bench/results/latest.json)
  --report-file FILE     Markdown file whose generated blocks are rewritten (default BENCHMARKS.md)
  --no-report            do not write the report
  --help                 this text

Examples:
  npm run bench                                      the full run
  npm run bench -- --sizes 1k --shapes none --runs 1 --no-profile --burst-size none
  npm run bench -- --sizes none --shapes big-namespace --big-namespace 2000,4000,8000
`;

const { values } = parseArgs({ args: process.argv.slice(2), options: OPTIONS });
// Read by test/helpers/server-launch.ts in this process, which starts the server and the floors.
if (values['node-defaults']) process.env[SERVER_NODE_OPTIONS_ENV] = '';
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const listOf = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item && item !== 'none');
const workspacesDir = join(repoRoot, 'bench', 'workspaces');
const profilesDir = join(repoRoot, '.bench', 'profiles');
const log = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function machine(): Record<string, string> {
  const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' }).trim();
  // Read-only git: which code was measured (other work may be in progress in shared/ and server/).
  const git = (args: string[]) => {
    try {
      return run('git', args);
    } catch {
      return '?';
    }
  };
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedInCore:
      git(['status', '--porcelain', '--', 'shared', 'server']).split('\n').filter(Boolean).join(', ') ||
      'none',
    nproc: run('nproc', []),
    serverNodeOptions: serverNodeOptionsHere().join(' ') || '(none)',
    memory: run('free', ['-h']),
    node: process.version,
    cpu: cpus()[0]?.model ?? /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?',
    kernel: run('uname', ['-sr']),
    loadAverageAtStart: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
  };
}

/** Writes the preset's workspace unless the folder already holds exactly these files. */
function prepare(size: string, layout: Layout = 'plain') {
  const options = PRESETS[size];
  if (!options) throw new Error(`unknown size ${size}; known: ${Object.keys(PRESETS).join(', ')}`);
  const workspace = generateWorkspace(options, layout);
  const dir = join(workspacesDir, layout === 'plain' ? `ws-${size}` : `ws-${size}-${layout}`);
  const digest = digestOf(workspace.files);
  if (readMarker(dir)?.digest !== digest) {
    log(`writing ${dir} (${workspace.resources} resources, ${workspace.files.size} files)`);
    writeWorkspace(dir, workspace);
  }
  return { options, workspace, dir, digest };
}

function prepareShape(options: ShapeOptions): { workspace: ShapeWorkspace; dir: string; digest: string } {
  const workspace = generateShape(options);
  const dir = join(workspacesDir, `shape-${options.shape}-${options.scale}`);
  const digest = digestOf(workspace.files);
  if (readMarker(dir)?.digest !== digest) {
    log(`writing ${dir} (${workspace.resources} resources, ${workspace.files.size} files)`);
    writeWorkspace(dir, workspace, shapeMarker(workspace));
  }
  return { workspace, dir, digest };
}

/** A round's first measurements, in this order: the one- and two-thread parse floors, then `mesh-lens check`. */
async function floorsAndCheck(dir: string, step: (what: string) => void) {
  step('parse floor, one thread');
  const floor1 = await floor(dir);
  step(`parse floor, two worker threads (one thread ${floor1.ms.toFixed(0)} ms)`);
  const floor2 = await floor(dir, 2);
  step(`mesh-lens check (two threads ${floor2.ms.toFixed(0)} ms)`);
  return { floor1, floor2, cli: await cliCheck(dir) };
}

async function cliCheck(dir: string): Promise<{ timed: Timed; findings: CliFinding[] }> {
  const { value: result, load } = await withLoad(() =>
    timedRun(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'check', dir, '--format', 'json']),
  );
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`mesh-lens check failed (${result.code}): ${result.stderr}`);
  return { timed: { ms: round(result.ms), load }, findings: JSON.parse(result.stdout) as CliFinding[] };
}

async function floor(dir: string, workers = 1): Promise<Timed> {
  // Run with the server's node options, as the server is: the ratios then compare our code, not how
  // node was started (the two ran alike with and without them, docs/decisions.md).
  const args = serverProcessArgs(
    join(repoRoot, 'out', 'bench', 'floor.js'),
    dir,
    ...(workers > 1 ? ['--workers', String(workers)] : []),
  );
  const { value: result, load } = await withLoad(() => timedRun(process.execPath, args));
  if (result.code !== 0) throw new Error(`floor failed: ${result.stderr}`);
  return { ms: round(result.ms), load };
}

/** The CLI's findings per size, kept from the measured runs for the profile and the burst. */
const expectations = new Map<string, Expected>();

function sameFindings(a: CliFinding[], b: CliFinding[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const editBudgetMs = () => Number(values['edit-budget-s']) * 1000;

async function measureSize(size: string, runs: number): Promise<SizeResult> {
  const { options, workspace, dir, digest } = prepare(size);
  const positions = requestPositions(workspace.files);
  const paths = [...workspace.files.keys()];
  const partial = Number(values['compare-files']);
  const compared = paths.length > partial ? spread(paths, partial) : [];
  const result: SizeResult = {
    size,
    options,
    resources: workspace.resources,
    files: workspace.files.size,
    digest,
    findings: 0,
    filesWithFindings: 0,
    comparedFiles: compared.length,
    runs: [],
  };
  let expected: Expected | undefined;
  const overlays = values['no-overlays'] ? undefined : prepare(size, 'overlays');
  let overlaysExpected: Expected | undefined;
  for (let index = 0; index < runs; index++) {
    const step = (what: string) => log(`${size} round ${index + 1}/${runs}: ${what}`);
    const { floor1, floor2, cli } = await floorsAndCheck(dir, step);
    if (expected && !sameFindings(expected.findings, cli.findings))
      throw new Error('the CLI findings changed between runs');
    expected ??= expectedFrom(cli.findings);
    result.findings = expected.findings.length;
    result.filesWithFindings = expected.byFile.size;
    step(`language server (check ${cli.timed.ms.toFixed(0)} ms)`);
    const cycles: CycleRun[] = [
      {
        cycle: smallFileCycle(workspace.files, expected),
        edits: Number(values.edits),
        budgetMs: editBudgetMs(),
      },
      {
        cycle: topologyCycle(workspace.files, expected),
        edits: Number(values['topology-edits']),
        budgetMs: editBudgetMs(),
      },
    ];
    const known = expected;
    const { value: server, load: serverLoad } = await withLoad(() =>
      measureMeshLens(dir, workspace.files, known, positions, {
        edits: cycles,
        requests: Number(values.requests),
        requestBudgetMs: Number(values['completion-budget-s']) * 1000,
      }),
    );
    step(
      `cold ${server.cold.ms.toFixed(0)} ms; ${server.edits.map((edit) => `${edit.kind}: ${edit.count} edits p95 ${edit.all.p95} ms`).join('; ')}; peak ${server.peakRssMB} MB`,
    );
    const run: SizeRun = { floor: floor1, floor2, cli: cli.timed, server, serverLoad };
    if (overlays) {
      // Right after the plain layout's cold start, so that both see the machine alike (issue #15).
      step('overlays layout: parse floor, check and cold start');
      const measured = await measureOverlays(overlays, overlaysExpected);
      overlaysExpected = measured.expected;
      run.overlays = measured.run;
      result.overlays = {
        resources: overlays.workspace.resources,
        files: overlays.workspace.files.size,
        digest: overlays.digest,
        findings: measured.expected.findings.length,
        filesWithFindings: measured.expected.byFile.size,
      };
      step(`overlays cold ${measured.run.cold.ms.toFixed(0)} ms (plain ${server.cold.ms.toFixed(0)} ms)`);
    }
    if (!values['no-yaml-ls']) {
      const compare = async (opened: string[], what: string): Promise<Comparison> => {
        step(`yaml-language-server, ${what} opened (${opened.length})`);
        const yaml = await withLoad(() => measureYamlLs(dir, opened, 2000));
        step(`Mesh Lens, the same files opened (yaml-ls settled ${yaml.value.settledMs.toFixed(0)} ms)`);
        const mesh = await withLoad(() =>
          measureMeshLens(dir, workspace.files, known, positions, { requests: 0, openAtStart: opened }),
        );
        const first = mesh.value.firstDiagnostics;
        step(
          `yaml-ls every opened file published ${yaml.value.allPublishedMs.toFixed(0)} ms; Mesh Lens ${first?.allMs === undefined ? `${first?.beforeComplete ?? 0} of ${opened.length} opened files published before complete` : `every opened file published ${first.allMs.toFixed(0)} ms`}, complete ${mesh.value.cold.ms.toFixed(0)} ms`,
        );
        return { yamlLs: yaml.value, yamlLsLoad: yaml.load, meshLens: mesh.value, meshLensLoad: mesh.load };
      };
      if (!values['no-compare-all']) run.comparisonAll = await compare(paths, 'every file');
      if (compared.length > 0) run.comparison = await compare(compared, 'files spread over the workspace');
    }
    result.runs.push(run);
  }
  if (expected) expectations.set(size, expected);
  return result;
}

/**
 * The overlays layout's parse floor, CLI and cold start to complete diagnostics (the CLI's findings
 * on that layout define "complete"); no edits or requests: issue #15 is about the cold start.
 */
async function measureOverlays(
  prepared: ReturnType<typeof prepare>,
  previous: Expected | undefined,
): Promise<{ run: OverlaysRun; expected: Expected }> {
  const { dir, workspace } = prepared;
  const floorMs = await floor(dir);
  const cli = await cliCheck(dir);
  if (previous && !sameFindings(previous.findings, cli.findings))
    throw new Error('the CLI findings on the overlays layout changed between runs');
  const expected = previous ?? expectedFrom(cli.findings);
  const { value: server, load } = await withLoad(() =>
    measureMeshLens(dir, workspace.files, expected, requestPositions(new Map()), { requests: 0 }),
  );
  return {
    run: {
      floor: floorMs,
      cli: cli.timed,
      cold: server.cold,
      peakRssAfterColdMB: server.peakRssAfterColdMB,
      serverLoad: load,
    },
    expected,
  };
}

/** "Complete" for a shape: the findings it planted, as (file, code) pairs. */
function expectedFromPlanted(planted: Planted[]): Expected {
  return expectedFrom(
    planted.map(({ file, code }) => ({
      file,
      code,
      severity: '',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      related: [],
    })),
  );
}

const pairsOf = (list: { file: string; code: string }[]) =>
  list
    .map(({ file, code }) => `${code} ${file}`)
    .sort()
    .join('\n');

async function measureShape(options: ShapeOptions, runs: number): Promise<ShapeResult> {
  const { workspace, dir, digest } = prepareShape(options);
  const label = `${options.shape} ${options.scale}`;
  const megabytes =
    [...workspace.files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1048576;
  // A file over the default limit is read only when the server is told a higher one (the CLI cannot be).
  const settings =
    workspace.bigFiles.length > 0 ? { maxFileSizeMB: Math.ceil(options.scale) + 10 } : undefined;
  const expected = expectedFromPlanted(settings ? workspace.plantedUnlimited : workspace.planted);
  const result: ShapeResult = {
    shape: options.shape,
    options,
    unit: SHAPE_SCALES[options.shape].unit,
    resources: workspace.resources,
    files: workspace.files.size,
    megabytes: round(megabytes, 1),
    digest,
    planted: workspace.planted.length,
    cliFindings: 0,
    cliMatchesPlanted: false,
    bigFiles: workspace.bigFiles,
    ...(settings ? { serverSettings: settings } : {}),
    runs: [],
  };
  const hoverAt = workspace.hoverAt;
  const cycles: CycleRun[] = workspace.edits.map((cycle) => ({
    cycle,
    edits: Number(values.edits),
    budgetMs: editBudgetMs(),
    // Where a file is big, how long a request waits behind its edit (issue #18: big buffers block).
    ...(options.shape === 'big-file' && hoverAt ? { hoverAfterEdit: hoverAt } : {}),
  }));
  for (let index = 0; index < runs; index++) {
    const step = (what: string) => log(`${label} round ${index + 1}/${runs}: ${what}`);
    const { floor1, floor2, cli } = await floorsAndCheck(dir, step);
    result.cliFindings = cli.findings.length;
    result.cliMatchesPlanted = pairsOf(cli.findings) === pairsOf(workspace.planted);
    if (!result.cliMatchesPlanted)
      log(
        `${label}: the CLI's findings differ from the planted ones (${cli.findings.length} vs ${workspace.planted.length})`,
      );
    step(`language server (check ${cli.timed.ms.toFixed(0)} ms)`);
    const { value: server, load: serverLoad } = await withLoad(() =>
      measureMeshLens(dir, workspace.files, expected, requestPositions(new Map()), {
        edits: cycles,
        requests: 0,
        ...(settings ? { settings } : {}),
      }),
    );
    step(
      `cold ${server.cold.ms.toFixed(0)} ms${server.edits.map((edit) => `; ${edit.kind}: ${edit.count} edits p95 ${edit.all.p95} ms`).join('')}; peak ${server.peakRssMB} MB`,
    );
    result.runs.push({ floor: floor1, floor2, cli: cli.timed, server, serverLoad });
  }
  return result;
}

/** The shapes to measure, each at every scale asked for. */
function shapeOptions(): ShapeOptions[] {
  const flags: Record<Shape, string | undefined> = {
    'big-namespace': values['big-namespace'],
    'many-routes': values['many-routes'],
    'many-clusters': values['many-clusters'],
    'big-file': values['big-file-mb'],
    'shared-base': values['shared-base-overlays'],
    'crowded-namespace': values['crowded-namespace-files'],
  };
  return listOf(values.shapes).flatMap((name) => {
    const shape = name as Shape;
    if (!SHAPES.includes(shape)) throw new Error(`unknown shape ${name}; known: ${SHAPES.join(', ')}`);
    const scales = SHAPE_SCALES[shape];
    const asked = listOf(flags[shape]).map(Number);
    const list = asked.length > 0 ? asked : [values['small-shapes'] ? scales.small : scales.full];
    return list.map((scale) => ({ shape, scale, ...(scales.services ? { services: scales.services } : {}) }));
  });
}

async function burst(size: string): Promise<BurstResult> {
  const { workspace, dir } = prepare(size);
  const expected = expectations.get(size) ?? expectedFrom((await cliCheck(dir)).findings);
  log(`burst at ${size}: ${values['burst-edits']} edits, a hover every ${values['burst-hover-ms']} ms`);
  const { value, load } = await withLoad(() =>
    measureBurst(dir, workspace.files, expected, requestPositions(workspace.files), {
      edits: Number(values['burst-edits']),
      hoverEveryMs: Number(values['burst-hover-ms']),
      timeoutMs: Number(values['burst-timeout-s']) * 1000,
    }),
  );
  log(
    `burst: sent in ${value.sendMs.toFixed(0)} ms, final diagnostics ${value.lastEditToFinalMs.toFixed(0)} ms after the last edit${value.settled ? '' : ' (timed out)'}, hover p95 ${value.hover.p95} ms, peak ${value.peakRssMB} MB`,
  );
  return { size, load, ...value };
}

/**
 * The server's main-thread profile among those `--cpu-prof` wrote (one per thread, named
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`): the parse worker writes its own, and under
 * one fixed name the last thread to exit (the worker or the main thread) overwrote the other's.
 */
function mainThreadProfile(dir: string): string {
  const main = readdirSync(dir).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (!main) throw new Error(`no main-thread CPU profile in ${dir}`);
  return main;
}

async function profile(size: string, layout: Layout): Promise<ProfileResult> {
  const { workspace, dir } = prepare(size, layout);
  const plain = layout === 'plain';
  const expected =
    (plain ? expectations.get(size) : undefined) ?? expectedFrom((await cliCheck(dir)).findings);
  const profileDir = join(profilesDir, size);
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const gapMs = 2000;
  // The edit and request loops know the plain layout's files; the overlays layout is profiled cold.
  const edits = plain ? Number(values['profile-edits']) : 0;
  const requests = plain ? Number(values.requests) : 0;
  const core: CorePhases[] = [];
  for (const coreSize of listOf(values['core-sizes'])) {
    log(`core phases in-process at ${coreSize}`);
    const repeat = coreSize === '50k' ? 2 : 3;
    const phases = await timedRun(process.execPath, [
      '--expose-gc',
      join(repoRoot, 'out', 'bench', 'core-phases.js'),
      prepare(coreSize, layout).dir,
      String(repeat),
    ]);
    if (phases.code !== 0) throw new Error(`core-phases failed: ${phases.stderr}`);
    core.push({ size: coreSize, ...(JSON.parse(phases.stdout) as Omit<CorePhases, 'size'>) });
  }
  log(`profile ${size}: cold start, ${edits} edits, ${requests} requests of each kind under --cpu-prof`);
  const run = await measureMeshLens(dir, workspace.files, expected, requestPositions(workspace.files), {
    edits: edits > 0 ? [{ cycle: smallFileCycle(workspace.files, expected), edits }] : [],
    requests,
    profileDir,
    gapMs,
  });
  const file = join(profileDir, mainThreadProfile(profileDir));
  const data = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const margin = gapMs / 2;
  return {
    size,
    layout,
    core,
    coldStartMs: run.cold.ms,
    edits: run.edits[0]?.count ?? 0,
    requests,
    cold: summariseProfile(data, 20, { fromMs: 0, toMs: run.phases.coldEndMs + margin }),
    editLoop: summariseProfile(data, 20, {
      fromMs: (run.phases.editsStartMs ?? 0) - margin,
      toMs: (run.phases.editsEndMs ?? 0) + margin,
    }),
    requestLoop: summariseProfile(data, 20, {
      fromMs: (run.phases.requestsStartMs ?? 0) - margin,
      toMs: (run.phases.requestsEndMs ?? 0) + margin,
    }),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const runs = Number(values.runs);
  const shapeRuns = Number(values['shape-runs'] ?? runs);
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      out: values.out as string,
      runsPerSize: runs,
      runsPerShape: shapeRuns,
      edits: Number(values.edits),
      topologyEdits: Number(values['topology-edits']),
      editBudgetSeconds: Number(values['edit-budget-s']),
      completionBudgetSeconds: Number(values['completion-budget-s']),
      requestsPerKind: Number(values.requests),
      comparedFilesAbove1k: Number(values['compare-files']),
      burstEdits: Number(values['burst-edits']),
      burstHoverEveryMs: Number(values['burst-hover-ms']),
      yamlLanguageServer: `${yamlLanguageServerVersion()} (npm devDependency, run on ${process.version})`,
    },
    sizes: [],
    shapes: [],
  };
  for (const size of listOf(values.sizes)) results.sizes.push(await measureSize(size, runs));
  for (const options of shapeOptions()) results.shapes.push(await measureShape(options, shapeRuns));
  const burstSize = listOf(values['burst-size'])[0];
  if (burstSize) results.burst = await burst(burstSize);
  if (!values['no-profile'])
    results.profile = await profile(values['profile-size'] as string, values['profile-layout'] as Layout);
  results.machine.loadAverageAtEnd = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  results.settings.benchSeconds = round((performance.now() - started) / 1000, 1);
  // Relative to the repository (the defaults); an absolute path as given (`--out /tmp/x.json` was written under the repository).
  const out = resolve(repoRoot, values.out as string);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  if (!values['no-report']) {
    const report = resolve(repoRoot, values['report-file'] as string);
    writeReport(report, results);
    log(`updated ${report}`);
  }
  log(`done in ${results.settings.benchSeconds} s`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
