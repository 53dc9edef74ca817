import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { text as readStream } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import {
  type Finding,
  formatPlacements,
  meshGraphSummary,
  meshGraphToDot,
  meshGraphToMermaid,
  type Severity,
  type Snapshot,
  severityRank,
} from '../../shared/src';
import { type FixMode, runFixes } from './cli/fix-command';
import { formatJson, formatSummary, formatText } from './cli/format-check';
import { formatGithub, formatGitlab, formatJunit } from './cli/format-ci';
import { formatHostsText, formatReachText, reachJson } from './cli/format-hosts';
import { formatSarif } from './cli/format-sarif';
import { type LoadedWorkspace, loadWorkspace, UsageError } from './cli/load-workspace';
import { renderSvg } from './cli/render-svg';
import { painter, progressLine } from './cli/terminal';
import { limitHeapGrowth } from './heap-growth';
import { ParseWorker, runAsParseWorker } from './parse-workers';

declare const MESH_LENS_VERSION: string | undefined;
const VERSION = typeof MESH_LENS_VERSION === 'string' ? MESH_LENS_VERSION : '0.0.0-dev';

const HELP = `mesh-lens ${VERSION} — checks the manifests of a multicluster Istio mesh

Usage:
  mesh-lens check [PATH|GLOB|-]... [--topology FILE] [--format FORMAT] [--severity error|warning|info]
                  [--quiet] [--max-warnings N] [-o FILE] [--exclude GLOB]... [--stdin-filename PATH]
                  [--fix | --fix-dry-run] [--fix-severity LEVEL] [--unsafe-fixes] [--allow-render]
  mesh-lens hosts [PATH] [--topology FILE] [--format text|json]
  mesh-lens topology [PATH] [--topology FILE] [--format text|json]
  mesh-lens reach HOSTNAME --from CLUSTER [PATH] [--namespace NS] [--topology FILE] [--format text|json]
  mesh-lens graph [PATH] [--service HOSTNAME [--from CLUSTER]] [--topology FILE]
                  [--format mermaid|dot|svg] [-o FILE]

Commands:
  check   report diagnostics; exit 1 when any is at or above --severity (default: error)
  hosts   list every global service with its clusters and endpoint counts
  topology  list the clusters, the entry points that place manifests in each (topology paths,
          kustomizations, Argo CD and Flux objects, clusters/<name>/ folders) and what each places
  reach   show which endpoints a client in CLUSTER uses for HOSTNAME, and why; exit 1 when none
  graph   draw the mesh: clusters by segment, region and zone, their networks and peering links
          (one-way links dashed), each global service's instances and endpoints; instances left
          out of their service and clusters that reach none of its endpoints stand out.
          --service draws that global service only; --from adds the path its traffic takes from
          CLUSTER, with the explanation as a caption. --format mermaid (default), dot, or svg
          (rendered by Graphviz, built in); -o writes to FILE.

Rendering (every command):
  --allow-render   run the topology file's \`render:\` commands (e.g. helm template) in the workspace
                   root and analyse their output in their clusters; without it nothing is executed

The workspace: from the first PATH (default: the current folder), the nearest folder above holding
mesh-topology.yaml, else the repository root (the nearest folder with .git), else PATH itself. The
whole workspace is analysed; check reports the findings of the files under the PATHs only. GLOBs
are matched against the workspace's files; - reads one file from standard input, placed in the
workspace by --stdin-filename (default: stdin.yaml) and replacing that file's text. Files that a
.gitignore or an --exclude GLOB (relative to the workspace root) leave out are not read.

Reporting (check only):
  --format         text (default), json, sarif, github (workflow annotations),
                   gitlab (Code Quality report), junit (JUnit XML)
  --quiet          report errors only
  --max-warnings N also exit 1 when more than N warnings are reported
  -o, --output-file FILE  write the report to FILE instead of standard output (also for graph)

Fixing (check only):
  --fix          apply every preferred quick-fix in place, then report what remains
  --fix-dry-run  print the unified diff --fix would apply, then what would remain; writes nothing
  --fix-severity fix findings at or above this level: error, warning (default), info or hint
  --unsafe-fixes also apply suggestions: rewrites that change more than the finding (new files,
                 resources replaced), which the editor offers but --fix alone never applies
  Every fix is tried first: one that would break the YAML, change anything outside its edits,
  leave its finding or raise a new one is not applied, and the report says why.
  With --format json or sarif, the fix report goes to stderr so stdout stays one document.
  The exit code follows what remains after the fixes.

PATH defaults to the current directory. Exit codes: 0 ok, 1 findings at or above the threshold,
2 usage or I/O error. Options: --help, --version.
`;

const OPTIONS = {
  topology: { type: 'string' },
  format: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'max-warnings': { type: 'string' },
  'output-file': { type: 'string', short: 'o' },
  exclude: { type: 'string', multiple: true },
  'stdin-filename': { type: 'string' },
  severity: { type: 'string' },
  from: { type: 'string' },
  service: { type: 'string' },
  namespace: { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  'fix-severity': { type: 'string' },
  'unsafe-fixes': { type: 'boolean' },
  'allow-render': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) return print(HELP, 0);
  if (values.version) return print(`${VERSION}\n`, 0);
  const [command, ...rest] = positionals;
  if (command !== 'check' && (values.fix || values['fix-dry-run'])) {
    throw new UsageError('--fix and --fix-dry-run apply to check only');
  }
  if (!values.fix && !values['fix-dry-run'] && (values['fix-severity'] || values['unsafe-fixes'])) {
    throw new UsageError('--fix-severity and --unsafe-fixes go with --fix or --fix-dry-run');
  }
  const checkOnly = ['quiet', 'max-warnings', 'exclude', 'stdin-filename'] as const;
  const misplaced = checkOnly.find((flag) => values[flag] !== undefined);
  if (command !== 'check' && misplaced) throw new UsageError(`--${misplaced} applies to check only`);
  if (command !== 'check' && command !== 'graph' && values['output-file'] !== undefined)
    throw new UsageError('--output-file applies to check and graph only');
  if (command !== 'graph' && values.service !== undefined)
    throw new UsageError('--service applies to graph only');
  switch (command) {
    case 'check':
      return check(rest, values);
    case 'hosts':
      return hosts(rest, values);
    case 'topology':
      return topology(rest, values);
    case 'reach':
      return reach(rest, values);
    case 'graph':
      return graph(rest, values);
    case undefined:
      throw new UsageError('missing command (check, hosts, topology, reach or graph); see --help');
    default:
      throw new UsageError(`unknown command "${command}"; see --help`);
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function print(text: string, code: number): number {
  process.stdout.write(text);
  return code;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function singlePath(paths: string[]): string[] {
  if (paths.length > 1) throw new UsageError(`expected one PATH, got ${paths.length}: ${paths.join(' ')}`);
  return paths;
}

async function load(paths: string[], values: Values): Promise<LoadedWorkspace> {
  // Its thread starts only if the workspace is large enough to deal it files.
  const parseWorker = ParseWorker.worthStarting() ? new ParseWorker(__filename) : undefined;
  try {
    return await loadWith(paths, values, parseWorker);
  } finally {
    parseWorker?.close();
  }
}

async function loadWith(paths: string[], values: Values, parseWorker: ParseWorker | undefined) {
  const progress = progressLine(process.stderr);
  const stdinCount = paths.filter((path) => path === '-').length;
  if (stdinCount > 1) throw new UsageError('- (standard input) may be given once');
  if (stdinCount === 0 && values['stdin-filename'])
    throw new UsageError('--stdin-filename goes with the path -');
  const loaded = await loadWorkspace(paths, {
    parseWorker,
    allowRender: values['allow-render'],
    topology: values.topology,
    exclude: values.exclude,
    stdin:
      stdinCount > 0
        ? { text: await readStream(process.stdin), filename: values['stdin-filename'] ?? 'stdin.yaml' }
        : undefined,
    onProgress: (count) => {
      if (count % 200 === 0) progress.update(`Reading manifests… ${count} files`);
    },
  });
  progress.clear();
  return loaded;
}

function fixMode(values: Values): FixMode | undefined {
  if (values.fix && values['fix-dry-run'])
    throw new UsageError('use either --fix or --fix-dry-run, not both');
  if (values.fix) return 'fix';
  return values['fix-dry-run'] ? 'dry-run' : undefined;
}

function maxWarnings(value: string | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings must be a whole number (got "${value}")`);
  return Number(value);
}

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;

async function check(paths: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, FORMATS, 'text');
  const threshold = oneOf<Severity>('severity', values.severity, ['error', 'warning', 'info'], 'error');
  const warningLimit = maxWarnings(values['max-warnings']);
  const mode = fixMode(values);
  if (mode === 'fix' && paths.includes('-')) throw new UsageError('--fix cannot write standard input back');
  const started = performance.now();
  const loaded = await load(paths, values);
  const { selected } = loaded;
  let { model, fileCount } = loaded.snapshot;
  let findings: Finding[];
  // The report goes to stdout unless --output-file; the fix report must not break a document there.
  const out = values['output-file'];
  const stream = format === 'text' && !out ? process.stdout : process.stderr;
  if (mode) {
    const outcome = await runFixes(loaded, mode, painter(stream), {
      minSeverity: oneOf<Severity>(
        'fix-severity',
        values['fix-severity'],
        ['error', 'warning', 'info', 'hint'],
        'warning',
      ),
      suggestions: values['unsafe-fixes'] === true,
      files: selected,
    });
    if ('failure' in outcome) {
      process.stderr.write(outcome.failure);
      return 2;
    }
    ({ model, fileCount, findings } = outcome);
    if (selected) findings = findings.filter((finding) => selected.has(finding.file));
    stream.write(outcome.report);
    if (outcome.report && stream === process.stdout) stream.write('\n');
  } else {
    findings = selected
      ? [...loaded.snapshot.findingsOf(selected).values()].flat()
      : loaded.snapshot.findings();
  }
  if (selected) fileCount = selected.size;
  if (values.quiet) findings = findings.filter((finding) => finding.severity === 'error');
  const failsAt = (severity: Severity) => severityRank[severity] >= severityRank[threshold];
  const report = formatReport(format, findings, {
    root: loaded.root,
    files: selected ? [...selected].sort() : [...model.files.keys()].sort(),
    failsAt,
    paint: out ? (_style, text) => text : painter(process.stdout),
    summary: () =>
      formatSummary({
        findings,
        fileCount,
        resourceCount: model.resourceCount,
        clusterCount: model.topology.clusters.size,
        seconds: (performance.now() - started) / 1000,
      }),
  });
  if (out) writeReport(out, report);
  else process.stdout.write(report);
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  return findings.some((finding) => failsAt(finding.severity)) || warnings > warningLimit ? 1 : 0;
}

interface ReportContext {
  root: string;
  files: string[];
  failsAt: (severity: Severity) => boolean;
  paint: ReturnType<typeof painter>;
  summary: () => string;
}

function formatReport(format: (typeof FORMATS)[number], findings: Finding[], context: ReportContext): string {
  // CI reads a file's path against the checkout, where the job runs: the workspace root may be below it.
  const showPath = (file: string) => relative('.', resolve(context.root, file)).split(sep).join('/');
  switch (format) {
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif(findings, VERSION);
    case 'github':
      return formatGithub(findings, showPath);
    case 'gitlab':
      return formatGitlab(findings, showPath);
    case 'junit':
      return formatJunit(findings, context.files, context.failsAt, showPath);
    case 'text': {
      const listed = formatText(findings, context.paint);
      return `${listed}${listed ? '\n' : ''}${context.summary()}`;
    }
  }
}

function writeReport(file: string, report: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, report);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

async function hosts(paths: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json'], 'text');
  const { snapshot } = await load(singlePath(paths), values);
  const rows = snapshot.globalServices();
  if (format === 'text') return print(formatHostsText(rows), 0);
  // The JSON contract of SPEC §8 has no ranges: they are for the editor's view.
  const json = rows.map(({ clusters, ...row }) => ({
    ...row,
    clusters: clusters.map(({ range: _range, ...cluster }) => cluster),
  }));
  return print(`${JSON.stringify(json, null, 2)}\n`, 0);
}

async function topology(paths: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json'], 'text');
  const { snapshot } = await load(singlePath(paths), values);
  const clusters = snapshot.placements();
  if (format === 'text') return print(formatPlacements(clusters), 0);
  return print(`${JSON.stringify(clusters, (key, value) => (key === 'range' ? undefined : value), 2)}\n`, 0);
}

async function reach(args: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json'], 'text');
  const [hostname, ...paths] = args;
  if (!hostname) throw new UsageError('reach needs a HOSTNAME; see --help');
  if (!values.from) throw new UsageError('reach needs --from CLUSTER');
  const { snapshot } = await load(singlePath(paths), values);
  assertCluster(snapshot, values.from);
  const result = snapshot.reach(hostname, values.from, values.namespace ?? 'default');
  print(format === 'json' ? `${JSON.stringify(reachJson(result), null, 2)}\n` : formatReachText(result), 0);
  // A script asks "does this client reach anything?" by the exit code, as grep answers by its own.
  return result.chosen.length > 0 ? 0 : 1;
}

function assertCluster(snapshot: Snapshot, cluster: string): void {
  const clusters = [...snapshot.model.topology.clusters.keys()];
  if (!clusters.includes(cluster))
    throw new UsageError(`unknown cluster "${cluster}"; clusters: ${clusters.join(', ')}`);
}

async function graph(paths: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['mermaid', 'dot', 'svg'], 'mermaid');
  const { service, from } = values;
  if (from !== undefined && service === undefined)
    throw new UsageError('--from goes with --service: the path of one service from one cluster');
  const { snapshot } = await load(singlePath(paths), values);
  if (service !== undefined) {
    const hostnames = snapshot.globalServices().map((row) => row.hostname);
    if (!hostnames.includes(service))
      throw new UsageError(
        `unknown global service "${service}"; global services: ${hostnames.join(', ') || 'none'}`,
      );
  }
  if (from !== undefined) assertCluster(snapshot, from);
  const content = snapshot.meshGraph({ service, from });
  const dot = format === 'mermaid' ? '' : meshGraphToDot(content);
  const picture =
    format === 'mermaid'
      ? meshGraphToMermaid(content)
      : format === 'dot'
        ? dot
        : await renderSvg(dot, meshGraphSummary(content));
  const out = values['output-file'];
  if (out) writeReport(out, picture);
  else process.stdout.write(picture);
  return 0;
}

/** parseArgs' own messages span sentences and quote the flag; one line naming it reads better in a log. */
function usageMessage(error: { code?: string; message: string }): string {
  const flag = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}; see --help`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return `${flag} ${/missing/.test(error.message) ? 'needs a value' : 'takes no value'}; see --help`;
  return `${error.message.split('\n')[0]}; see --help`;
}

/**
 * A reader that stops early (`mesh-lens check | head -1`) closes the pipe: like other Unix tools the
 * CLI then goes quietly, but only once its work is done, so a `--fix` run is never cut in the middle.
 */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// This bundle also runs as the parse worker the CLI starts (parse-workers.ts): then it does only that.
if (!runAsParseWorker()) {
  limitHeapGrowth();
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const parseError = (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
      const message = error instanceof Error ? error.message : String(error);
      const shown =
        error instanceof UsageError
          ? message
          : parseError
            ? usageMessage(error as Error & { code: string })
            : `internal error: ${(error as Error)?.stack ?? message}`;
      process.stderr.write(`mesh-lens: ${shown}\n`);
      process.exitCode = 2;
    },
  );
}
