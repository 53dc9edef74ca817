// `npm run bench`: generates the ~1k, ~10k and ~50k workspaces into bench/workspaces/ (git-ignored;
// not under a dot-folder, because yaml-language-server's `**/*.yaml` association does not match through
// one), then measures, in one run and on the same files: the parse floor, the CLI, the language server
// over stdio (cold start, edits, hover, code lens, completion, peak RSS), yaml-language-server on the
// same opened files, and a CPU profile of the server at 10k. Writes bench/results/latest.json and the
// generated sections of BENCHMARKS.md. No timed assertions anywhere: these are measurements, not tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../test/helpers/paths';
import { type CpuProfile, type ProfileSummary, summariseProfile } from './cpu-profile';
import { digestOf, generateWorkspace, type Layout, PRESETS, readMarker, writeWorkspace } from './generate';
import { type CliFinding, type Expected, expectedFrom, type MeshLensRun, measureMeshLens } from './mesh-lens';
import { requestPositions, spread } from './positions';
import { timedRun } from './processes';
import { writeReport } from './report';
import { round } from './stats';
import { yamlLanguageServerVersion } from './yaml-ls';
import { measureYamlLs, type YamlLsRun } from './yaml-ls-measure';

export interface SizeRun {
  /** 1-minute load average when the run started: the machine is shared. */
  loadAverage: number;
  floorMs: number;
  cliMs: number;
  server: MeshLensRun;
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

/** The overlays layout's cold start, paired with the plain layout's of the same run. */
export interface OverlaysRun {
  loadAverage: number;
  floorMs: number;
  cliMs: number;
  cold: MeshLensRun['cold'];
  peakRssAfterColdMB: number;
}

export interface Comparison {
  yamlLs: YamlLsRun;
  meshLens: MeshLensRun;
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
  profile?: ProfileResult;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    sizes: { type: 'string', default: '1k,10k,50k' },
    runs: { type: 'string', default: '2' },
    edits: { type: 'string', default: '200' },
    'edit-budget-s': { type: 'string', default: '30' },
    'completion-budget-s': { type: 'string', default: '8' },
    'profile-edits': { type: 'string', default: '32' },
    requests: { type: 'string', default: '200' },
    'compare-files': { type: 'string', default: '500' },
    'profile-size': { type: 'string', default: '10k' },
    'profile-layout': { type: 'string', default: 'plain' },
    'core-sizes': { type: 'string', default: '10k,50k' },
    'no-profile': { type: 'boolean', default: false },
    'no-yaml-ls': { type: 'boolean', default: false },
    'no-compare-all': { type: 'boolean', default: false },
    'no-overlays': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/latest.json' },
    'no-report': { type: 'boolean', default: false },
    'report-file': { type: 'string', default: 'BENCHMARKS.md' },
  },
});

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

async function cliCheck(dir: string): Promise<{ ms: number; findings: CliFinding[] }> {
  const result = await timedRun(process.execPath, [
    join(repoRoot, 'dist', 'cli.js'),
    'check',
    dir,
    '--format',
    'json',
  ]);
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`mesh-lens check failed (${result.code}): ${result.stderr}`);
  return { ms: round(result.ms), findings: JSON.parse(result.stdout) as CliFinding[] };
}

async function floor(dir: string): Promise<number> {
  const result = await timedRun(process.execPath, [join(repoRoot, 'out', 'bench', 'floor.js'), dir]);
  if (result.code !== 0) throw new Error(`floor failed: ${result.stderr}`);
  return round(result.ms);
}

/** The CLI's findings per size, kept from the measured runs for the profile run. */
const expectations = new Map<string, Expected>();

function sameFindings(a: CliFinding[], b: CliFinding[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

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
    log(`${size} run ${index + 1}/${runs}: parse floor`);
    const loadAverage = round(loadavg()[0] ?? 0);
    const floorMs = await floor(dir);
    log(`${size} run ${index + 1}/${runs}: mesh-lens check (floor ${floorMs.toFixed(0)} ms)`);
    const cli = await cliCheck(dir);
    if (expected && !sameFindings(expected.findings, cli.findings))
      throw new Error('the CLI findings changed between runs');
    expected ??= expectedFrom(cli.findings);
    result.findings = expected.findings.length;
    result.filesWithFindings = expected.byFile.size;
    log(`${size} run ${index + 1}/${runs}: language server (check ${cli.ms.toFixed(0)} ms)`);
    const server = await measureMeshLens(dir, workspace.files, expected, positions, {
      edits: Number(values.edits),
      editBudgetMs: Number(values['edit-budget-s']) * 1000,
      requests: Number(values.requests),
      requestBudgetMs: Number(values['completion-budget-s']) * 1000,
    });
    log(
      `${size} run ${index + 1}/${runs}: cold ${server.cold.ms.toFixed(0)} ms, ${server.edits?.count} edits p95 ${server.edits?.all.p95} ms, peak ${server.peakRssMB} MB`,
    );
    const run: SizeRun = { loadAverage, floorMs, cliMs: cli.ms, server };
    if (overlays) {
      // Right after the plain layout's cold start, so that both see the machine alike (issue #15).
      log(`${size} run ${index + 1}/${runs}: overlays layout, parse floor, check and cold start`);
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
      log(
        `${size} run ${index + 1}/${runs}: overlays cold ${measured.run.cold.ms.toFixed(0)} ms (plain ${server.cold.ms.toFixed(0)} ms)`,
      );
    }
    if (!values['no-yaml-ls']) {
      const compare = async (opened: string[], what: string): Promise<Comparison> => {
        log(`${size} run ${index + 1}/${runs}: yaml-language-server, ${what} opened (${opened.length})`);
        const yamlLs = await measureYamlLs(dir, opened, 2000);
        log(
          `${size} run ${index + 1}/${runs}: Mesh Lens, the same files opened (yaml-ls settled ${yamlLs.settledMs.toFixed(0)} ms)`,
        );
        const meshLens = await measureMeshLens(dir, workspace.files, expected as Expected, positions, {
          edits: 0,
          requests: 0,
          openAtStart: opened,
        });
        return { yamlLs, meshLens };
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
  const loadAverage = round(loadavg()[0] ?? 0);
  const floorMs = await floor(dir);
  const cli = await cliCheck(dir);
  if (previous && !sameFindings(previous.findings, cli.findings))
    throw new Error('the CLI findings on the overlays layout changed between runs');
  const expected = previous ?? expectedFrom(cli.findings);
  const server = await measureMeshLens(dir, workspace.files, expected, requestPositions(new Map()), {
    edits: 0,
    requests: 0,
  });
  return {
    run: {
      loadAverage,
      floorMs,
      cliMs: cli.ms,
      cold: server.cold,
      peakRssAfterColdMB: server.peakRssAfterColdMB,
    },
    expected,
  };
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
  for (const coreSize of (values['core-sizes'] as string).split(',').filter(Boolean)) {
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
    edits,
    requests,
    profileDir,
    gapMs,
  });
  const file = join(profileDir, 'server.cpuprofile');
  const data = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const margin = gapMs / 2;
  return {
    size,
    layout,
    core,
    coldStartMs: run.cold.ms,
    edits: run.edits?.count ?? 0,
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
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      runsPerSize: Number(values.runs),
      edits: Number(values.edits),
      editBudgetSeconds: Number(values['edit-budget-s']),
      completionBudgetSeconds: Number(values['completion-budget-s']),
      requestsPerKind: Number(values.requests),
      comparedFilesAbove1k: Number(values['compare-files']),
      yamlLanguageServer: `${yamlLanguageServerVersion()} (npm devDependency, run on ${process.version})`,
    },
    sizes: [],
  };
  for (const size of (values.sizes as string).split(',').filter(Boolean)) {
    results.sizes.push(await measureSize(size, Number(values.runs)));
  }
  if (!values['no-profile'])
    results.profile = await profile(values['profile-size'] as string, values['profile-layout'] as Layout);
  results.machine.loadAverageAtEnd = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  results.settings.benchSeconds = round((performance.now() - started) / 1000, 1);
  const out = join(repoRoot, values.out as string);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  if (!values['no-report']) {
    const report = join(repoRoot, values['report-file'] as string);
    writeReport(report, results);
    log(`updated ${report}`);
  }
  log(`done in ${results.settings.benchSeconds} s`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
