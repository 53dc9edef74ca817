import { parseArgs } from 'node:util';
import { type Finding, type Severity, severityRank } from '../../shared/src';
import { type FixMode, runFixes } from './cli/fix-command';
import { formatJson, formatSummary, formatText } from './cli/format-check';
import { formatHostsText, formatReachText, reachJson } from './cli/format-hosts';
import { formatSarif } from './cli/format-sarif';
import { type LoadedWorkspace, loadWorkspace, UsageError } from './cli/load-workspace';
import { painter, progressLine } from './cli/terminal';
import { limitHeapGrowth } from './heap-growth';

declare const MESH_LENS_VERSION: string | undefined;
const VERSION = typeof MESH_LENS_VERSION === 'string' ? MESH_LENS_VERSION : '0.0.0-dev';

const HELP = `mesh-lens ${VERSION} — checks the manifests of a multicluster Istio mesh

Usage:
  mesh-lens check [PATH] [--topology FILE] [--format text|json|sarif] [--severity error|warning|info]
                  [--fix | --fix-dry-run] [--fix-severity LEVEL] [--unsafe-fixes]
  mesh-lens hosts [PATH] [--topology FILE] [--format text|json]
  mesh-lens reach HOSTNAME --from CLUSTER [PATH] [--namespace NS] [--topology FILE] [--format text|json]

Commands:
  check   report diagnostics; exit 1 when any is at or above --severity (default: error)
  hosts   list every global service with its clusters and endpoint counts
  reach   show which endpoints a client in CLUSTER uses for HOSTNAME, and why

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
  severity: { type: 'string' },
  from: { type: 'string' },
  namespace: { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  'fix-severity': { type: 'string' },
  'unsafe-fixes': { type: 'boolean' },
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
  switch (command) {
    case 'check':
      return check(rest, values);
    case 'hosts':
      return hosts(rest, values);
    case 'reach':
      return reach(rest, values);
    case undefined:
      throw new UsageError('missing command (check, hosts or reach); see --help');
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

function singlePath(paths: string[]): string {
  if (paths.length > 1) throw new UsageError(`expected one PATH, got ${paths.length}: ${paths.join(' ')}`);
  return paths[0] ?? '.';
}

async function load(path: string, values: Values): Promise<LoadedWorkspace> {
  const progress = progressLine(process.stderr);
  const loaded = await loadWorkspace(path, values.topology, (count) => {
    if (count % 200 === 0) progress.update(`Reading manifests… ${count} files`);
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

async function check(paths: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json', 'sarif'], 'text');
  const threshold = oneOf<Severity>('severity', values.severity, ['error', 'warning', 'info'], 'error');
  const mode = fixMode(values);
  const started = performance.now();
  const loaded = await load(singlePath(paths), values);
  let { model, fileCount } = loaded.snapshot;
  let findings: Finding[];
  if (mode) {
    // The fix report must not break a JSON or SARIF document on stdout.
    const stream = format === 'text' ? process.stdout : process.stderr;
    const outcome = await runFixes(loaded, mode, painter(stream), {
      minSeverity: oneOf<Severity>(
        'fix-severity',
        values['fix-severity'],
        ['error', 'warning', 'info', 'hint'],
        'warning',
      ),
      suggestions: values['unsafe-fixes'] === true,
    });
    if ('failure' in outcome) {
      process.stderr.write(outcome.failure);
      return 2;
    }
    ({ model, fileCount, findings } = outcome);
    stream.write(outcome.report);
    if (outcome.report && format === 'text') stream.write('\n');
  } else {
    findings = loaded.snapshot.findings();
  }
  if (format === 'json') process.stdout.write(formatJson(findings));
  else if (format === 'sarif') process.stdout.write(formatSarif(findings, VERSION));
  else {
    const paint = painter(process.stdout);
    process.stdout.write(formatText(findings, paint));
    if (findings.length > 0) process.stdout.write('\n');
    process.stdout.write(
      formatSummary({
        findings,
        fileCount,
        resourceCount: model.resourceCount,
        clusterCount: model.topology.clusters.size,
        seconds: (performance.now() - started) / 1000,
      }),
    );
  }
  return findings.some((finding) => severityRank[finding.severity] >= severityRank[threshold]) ? 1 : 0;
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

async function reach(args: string[], values: Values): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json'], 'text');
  const [hostname, ...paths] = args;
  if (!hostname) throw new UsageError('reach needs a HOSTNAME; see --help');
  if (!values.from) throw new UsageError('reach needs --from CLUSTER');
  const { snapshot } = await load(singlePath(paths), values);
  const { model } = snapshot;
  if (!model.topology.clusters.has(values.from)) {
    throw new UsageError(
      `unknown cluster "${values.from}"; clusters: ${[...model.topology.clusters.keys()].join(', ')}`,
    );
  }
  const result = snapshot.reach(hostname, values.from, values.namespace ?? 'default');
  return print(
    format === 'json' ? `${JSON.stringify(reachJson(result), null, 2)}\n` : formatReachText(result),
    0,
  );
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

limitHeapGrowth();
ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `mesh-lens: ${usage ? message : `internal error: ${(error as Error)?.stack ?? message}`}\n`,
    );
    process.exitCode = 2;
  },
);
