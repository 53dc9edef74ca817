// Drives the BUILT Mesh Lens server (dist/server.js) through the test harness, as an editor would:
// cold start to complete diagnostics, edit → diagnostics latency, hover / code lens / completion
// latency, peak RSS. Optionally under `node --cpu-prof`.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { type LspSession, startSession } from '../test/helpers/lsp-client';
import { type Arrival, type DiagnosticsWatch, watchDiagnostics } from './diagnostics-watch';
import { type RequestPositions, spread, type TextPosition } from './positions';
import { childPids, memoryOf, sleep, waitForExit } from './processes';
import { type EditCycle, type EditStep, scopeEditCycle } from './shapes';
import { type Latency, latency, round } from './stats';

/** One finding of `mesh-lens check --format json` (SPEC §8). */
export interface CliFinding {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: string;
  code: string;
  related: { file: string; range: CliFinding['range']; message: string }[];
}

/** What "complete" means: exactly these files have diagnostics, with exactly these counts (from the CLI). */
export interface Expected {
  findings: CliFinding[];
  byFile: Map<string, number>;
}

export function expectedFrom(findings: CliFinding[]): Expected {
  const byFile = new Map<string, number>();
  for (const finding of findings) byFile.set(finding.file, (byFile.get(finding.file) ?? 0) + 1);
  return { findings, byFile };
}

const COLD_LIMIT_MS = 600_000;
const EDIT_LIMIT_MS = 120_000;

export interface ColdStart {
  /** Spawn of the server (the harness sends `initialize` at once) → the publish that made diagnostics complete. */
  ms: number;
  publishes: number;
  filesWithDiagnostics: number;
}

/**
 * The files opened at start (`openAtStart`): when each had its first publishDiagnostics. Issue #18's
 * "first diagnostics" target: what the editor shows in those files before the scan is complete (their
 * file-local findings, or an empty list when there are none), against yaml-language-server's own
 * "every opened file has had a publish".
 */
export interface FirstDiagnostics {
  opened: number;
  /** Spawn → every opened file has had a publish; absent when some had none until diagnostics were complete. */
  allMs?: number;
  /** Opened files with a publish before diagnostics were complete. */
  beforeComplete: number;
  /** Opened files whose first publish already held a diagnostic (file-local findings shown early). */
  withDiagnostics: number;
  /**
   * Opened files whose first publish held a diagnostic that the complete diagnostics do not (by code
   * and range): an early answer that was wrong, such as a half-read workspace's cross-file guess. Must be 0.
   */
  notInComplete: number;
}

export interface EditRun {
  /** What was edited (report label): a small file, a file in the big namespace, the topology file, … */
  kind: string;
  file: string;
  /** Edits made: `edits` asked, or fewer whole cycles when the time budget ran out. */
  count: number;
  budgetExhausted: boolean;
  all: Latency;
  /** Latency per watched file: the edited file itself (`local`) or another file (`elsewhere`). */
  local: Latency;
  elsewhere: Latency;
  /** Every sample (ms), in order, so that runs can be pooled. */
  samples: number[];
  /** Hover in another file sent right after each edit (`hoverAfterEdit`): how long requests wait behind an edit. */
  hoverAfter?: Latency;
  hoverAfterSamples?: number[];
}

export interface MeshLensRun {
  cold: ColdStart;
  /** With `openAtStart`: the first publish of each opened file. */
  firstDiagnostics?: FirstDiagnostics;
  /** VmRSS and VmHWM right after diagnostics were complete. */
  rssAfterColdMB: number;
  peakRssAfterColdMB: number;
  /** One per edit cycle made, in order. */
  edits: EditRun[];
  hover?: Latency;
  hoverByTarget?: Record<string, Latency>;
  codeLens?: Latency;
  completionHostname?: Latency;
  completionScopeValue?: Latency;
  /** Every request's latency (ms) by kind, so that runs can be pooled. */
  requestSamples?: Record<string, number[]>;
  /** VmHWM after the edit loop, before the requests: what the edits added to the peak. */
  peakRssAfterEditsMB?: number;
  peakRssMB: number;
  /** Wall-clock offsets from spawn (ms), to cut a CPU profile into phases. */
  phases: {
    coldEndMs: number;
    editsStartMs?: number;
    editsEndMs?: number;
    requestsStartMs?: number;
    requestsEndMs?: number;
  };
}

export interface CycleRun {
  cycle: EditCycle;
  /** Edits to make (cycling through the steps). */
  edits: number;
  /** Stop after this much time (at a cycle boundary, at least one cycle). */
  budgetMs?: number;
  /** Send a hover here right after each edit and time it. */
  hoverAfterEdit?: TextPosition;
}

export interface RunOptions {
  /** Edit cycles, made one after the other once diagnostics are complete. */
  edits?: CycleRun[];
  /** Stop a completion loop after this much time (at least 50 requests). */
  requestBudgetMs?: number;
  requests: number;
  /** The `meshLens` settings the client answers with (e.g. a raised `maxFileSizeMB`). */
  settings?: Record<string, unknown>;
  /** Files opened right after `initialized`, as an editor restoring its tabs. */
  openAtStart?: string[];
  /** Write a CPU profile of the server into this folder (and pause `gapMs` between phases). */
  profileDir?: string;
  gapMs?: number;
}

export async function measureMeshLens(
  root: string,
  files: Map<string, string>,
  expected: Expected,
  positions: RequestPositions,
  options: RunOptions,
): Promise<MeshLensRun> {
  const before = new Set(childPids('dist/server.js'));
  const spawned = performance.now();
  const session = await startServer(root, options.profileDir, options.settings);
  const pid = childPids('dist/server.js').find((candidate) => !before.has(candidate));
  if (pid === undefined) throw new Error('cannot find the server process');
  const watch = watchDiagnostics(session.diagnostics);
  try {
    const completion = waitForComplete(session, watch, expected);
    const opened = options.openAtStart ?? [];
    const firsts = watchFirstPublishes(
      watch,
      opened.map((path) => session.uri(path)),
    );
    for (const path of opened) await session.open(path);
    const cold = await completion;
    const coldStart: ColdStart = { ...cold, ms: round(cold.at - spawned) };
    const run: MeshLensRun = {
      cold: coldStart,
      ...(opened.length > 0 ? { firstDiagnostics: firsts.result(spawned, watch.latest) } : {}),
      rssAfterColdMB: memoryOf(pid).currentMB,
      peakRssAfterColdMB: memoryOf(pid).peakMB,
      edits: [],
      peakRssMB: 0,
      phases: { coldEndMs: coldStart.ms },
    };
    if (options.gapMs) await sleep(options.gapMs);
    const cycles = (options.edits ?? []).filter((cycle) => cycle.edits > 0);
    if (cycles.length > 0) {
      run.phases.editsStartMs = round(performance.now() - spawned);
      for (const cycle of cycles) run.edits.push(await editLoop(session, watch, files, cycle));
      run.phases.editsEndMs = round(performance.now() - spawned);
      run.peakRssAfterEditsMB = memoryOf(pid).peakMB;
      if (options.gapMs) await sleep(options.gapMs);
    }
    if (options.requests > 0) {
      run.phases.requestsStartMs = round(performance.now() - spawned);
      Object.assign(
        run,
        await requestLoops(session, positions, files, options.requests, options.requestBudgetMs ?? Infinity),
      );
      run.phases.requestsEndMs = round(performance.now() - spawned);
      if (options.gapMs) await sleep(options.gapMs);
    }
    run.peakRssMB = memoryOf(pid).peakMB;
    return run;
  } finally {
    if (options.profileDir) {
      // The profile is written when the server exits by itself: let it, rather than kill it.
      await session.connection.sendRequest('shutdown').catch(() => undefined);
      await session.connection.sendNotification('exit').catch(() => undefined);
      // Without a clean exit there is no profile; the caller then fails reading it.
      if (!(await waitForExit(pid, 60_000))) process.kill(pid);
      session.connection.dispose();
    } else {
      await session.stop();
    }
  }
}

/**
 * Starts the server through the harness. For a profile, the harness (which spawns
 * `process.execPath dist/server.js --stdio`) is pointed at a wrapper that runs `node --cpu-prof`:
 * Node 20 refuses --cpu-prof in NODE_OPTIONS. The harness spawns before its first await, so
 * execPath is restored before anything else runs.
 */
function startServer(
  root: string,
  profileDir: string | undefined,
  settings: Record<string, unknown> | undefined,
): Promise<LspSession> {
  const options = settings ? { settings } : {};
  if (!profileDir) return startSession(root, options);
  const wrapper = join(profileDir, 'node-cpu-prof');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.execPath}" --cpu-prof --cpu-prof-dir="${profileDir}" "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const node = process.execPath;
  process.execPath = wrapper;
  try {
    return startSession(root, options);
  } finally {
    process.execPath = node;
  }
}

/**
 * Records the first publish of each of `uris` from now on. `result`, called once diagnostics are
 * complete, compares each first publish with the file's complete diagnostics.
 */
function watchFirstPublishes(watch: DiagnosticsWatch, uris: string[]) {
  const waiting = new Set(uris);
  const first = new Map<string, Arrival>();
  let allAt: number | undefined;
  const stop = watch.onArrival((arrival) => {
    if (!waiting.delete(arrival.uri)) return;
    first.set(arrival.uri, arrival);
    if (waiting.size === 0) {
      allAt = arrival.at;
      stop();
    }
  });
  return {
    result(spawned: number, complete: Map<string, Diagnostic[]>): FirstDiagnostics {
      stop();
      const key = (diagnostic: Diagnostic) =>
        `${diagnostic.code} ${diagnostic.range.start.line}:${diagnostic.range.start.character}-${diagnostic.range.end.line}:${diagnostic.range.end.character}`;
      let notInComplete = 0;
      for (const [uri, arrival] of first) {
        const final = new Set((complete.get(uri) ?? []).map(key));
        if (arrival.diagnostics.some((diagnostic) => !final.has(key(diagnostic)))) notInComplete++;
      }
      return {
        opened: uris.length,
        ...(allAt === undefined ? {} : { allMs: round(allAt - spawned) }),
        beforeComplete: first.size,
        withDiagnostics: [...first.values()].filter((arrival) => arrival.diagnostics.length > 0).length,
        notInComplete,
      };
    },
  };
}

/** Resolves when the published diagnostics match the CLI's: the same files, the same number each. */
function waitForComplete(
  session: LspSession,
  watch: DiagnosticsWatch,
  expected: Expected,
): Promise<{ at: number; publishes: number; filesWithDiagnostics: number }> {
  const want = new Map([...expected.byFile].map(([file, count]) => [session.uri(file), count]));
  const matching = new Set<string>();
  const unexpected = new Set<string>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `diagnostics not complete after ${COLD_LIMIT_MS} ms: ${matching.size}/${want.size} files match, ${unexpected.size} unexpected`,
        ),
      );
    }, COLD_LIMIT_MS);
    const stop = watch.onArrival((arrival: Arrival) => {
      const count = want.get(arrival.uri);
      if (count === undefined) {
        if (arrival.diagnostics.length > 0) unexpected.add(arrival.uri);
        else unexpected.delete(arrival.uri);
      } else if (arrival.diagnostics.length === count) matching.add(arrival.uri);
      else matching.delete(arrival.uri);
      if (matching.size === want.size && unexpected.size === 0) {
        stop();
        clearTimeout(timer);
        resolve({ at: arrival.at, publishes: watch.publishes(), filesWithDiagnostics: matching.size });
      }
    });
  });
}

/** How many findings with `code` the expected findings put in `file`. */
export function expectedCount(expected: Expected, file: string, code: string): number {
  return expected.findings.filter((finding) => finding.file === file && finding.code === code).length;
}

/**
 * The preset workspaces' small-file edit cycle: the file holding an exported Service (by its own label)
 * whose same-name sibling in another cluster is not exported, and is the only exported instance. Found
 * from the CLI's findings (a MESH101 whose one related location is a `global` label in another file).
 */
export function smallFileCycle(files: Map<string, string>, expected: Expected): EditCycle {
  const candidates = expected.findings
    .filter(
      (finding) =>
        finding.code === 'MESH101' &&
        finding.related.length === 1 &&
        finding.related[0]?.message.endsWith('(Service label)') &&
        finding.related[0].file !== finding.file,
    )
    .map((finding) => ({ sibling: finding.file, label: finding.related[0] as CliFinding['related'][number] }))
    .filter(({ label }) => {
      const text = files.get(label.file);
      return text !== undefined && sliceRange(text, label.range) === 'global';
    })
    .sort((a, b) => (a.label.file < b.label.file ? -1 : a.label.file > b.label.file ? 1 : 0));
  const chosen = candidates[0];
  if (!chosen) throw new Error('no exported Service with an unexported sibling to edit');
  const file = chosen.label.file;
  const original = files.get(file) as string;
  const start = offsetOf(original, chosen.label.range.start);
  const end = offsetOf(original, chosen.label.range.end);
  // The scratch Service goes into the edited Service's own namespace: the shard an edit there touches.
  const namespace = /^ {2}namespace: (\S+)$/m.exec(original)?.[1] ?? 'bench-scratch';
  return scopeEditCycle(
    'small file',
    file,
    original,
    namespace,
    `${original.slice(0, start)}cluster${original.slice(end)}`,
    { file: chosen.sibling, code: 'MESH101', count: expectedCount(expected, chosen.sibling, 'MESH101') },
    expectedCount(expected, file, 'MESH110'),
  );
}

/**
 * The topology file of a preset workspace: a link to a cluster that does not exist appended to its
 * `links:` (MESH191 in the topology file), and taken out again. A link may change every cluster's
 * reach: each of these edits re-runs the checks that read links on every namespace (the model is kept).
 */
export function topologyCycle(files: Map<string, string>, expected: Expected): EditCycle {
  const file = 'mesh-topology.yaml';
  const original = files.get(file);
  if (
    original === undefined ||
    !/^links:\n(?: {2}- .*\n)+$/m.test(original.slice(original.lastIndexOf('links:')))
  )
    throw new Error('the topology file does not end with its links');
  const base = expectedCount(expected, file, 'MESH191');
  return {
    kind: 'topology file',
    file,
    steps: [
      {
        text: `${original}  - { between: [cluster-01, cluster-nope] }   # benchmark edit: no such cluster\n`,
        watch: file,
        code: 'MESH191',
        count: base + 1,
      },
      { text: original, watch: file, code: 'MESH191', count: base },
    ],
  };
}

function offsetOf(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + position.character;
}

function sliceRange(text: string, range: CliFinding['range']): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

const countCode = (code: string) => (diagnostics: Diagnostic[]) =>
  diagnostics.filter((diagnostic) => diagnostic.code === code).length;

async function editLoop(
  session: LspSession,
  watch: DiagnosticsWatch,
  files: Map<string, string>,
  run: CycleRun,
): Promise<EditRun> {
  const { cycle } = run;
  await session.open(cycle.file, files.get(cycle.file));
  const local: number[] = [];
  const elsewhere: number[] = [];
  const all: number[] = [];
  const hovers: Promise<number>[] = [];
  const budgetMs = run.budgetMs ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  let index = 0;
  for (; index < run.edits; index++) {
    const overBudget = performance.now() - started > budgetMs;
    if (overBudget && index % cycle.steps.length === 0 && index > 0) break;
    const step = cycle.steps[index % cycle.steps.length] as EditStep;
    const count = countCode(step.code);
    const arrived = watch.next(session.uri(step.watch), (d) => count(d) === step.count, EDIT_LIMIT_MS);
    const sent = performance.now();
    await session.change(cycle.file, step.text);
    if (run.hoverAfterEdit) {
      const position = run.hoverAfterEdit;
      hovers.push(
        timeRequest(() => session.connection.sendRequest('textDocument/hover', at(session, position))),
      );
    }
    const ms = (await arrived) - sent;
    all.push(ms);
    (step.watch === cycle.file ? local : elsewhere).push(ms);
  }
  const hoverSamples = await Promise.all(hovers);
  return {
    kind: cycle.kind,
    file: cycle.file,
    count: index,
    budgetExhausted: index < run.edits,
    all: latency(all),
    local: latency(local),
    elsewhere: latency(elsewhere),
    samples: all.map((value) => round(value)),
    ...(run.hoverAfterEdit
      ? { hoverAfter: latency(hoverSamples), hoverAfterSamples: hoverSamples.map((value) => round(value)) }
      : {}),
  };
}

async function timeRequest(send: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const result = await send();
  if (result === undefined) throw new Error('request failed');
  return performance.now() - started;
}

const at = (session: LspSession, position: TextPosition) => ({
  textDocument: { uri: session.uri(position.file) },
  position: { line: position.line, character: position.character },
});

/** Golden-ratio order: every prefix of the result is spread over the whole list. */
function scatter<T>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, key: (index * 0.6180339887) % 1 }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

async function requestLoops(
  session: LspSession,
  positions: RequestPositions,
  files: Map<string, string>,
  count: number,
  budgetMs: number,
): Promise<Partial<MeshLensRun>> {
  const hoverTargets = {
    hostname: spread(positions.hostnames, Math.round(count * 0.5)),
    service: spread(positions.serviceNames, Math.round(count * 0.3)),
    meshKey: spread(positions.scopeKeys, count - Math.round(count * 0.5) - Math.round(count * 0.3)),
  };
  const lensFiles = spread(positions.lensFiles, count);
  const hostnameEnds = spread(positions.hostnameEnds, count);
  const scopeEnds = spread(positions.scopeValueEnds, Math.round(count / 4));
  // An editor has a file open before it asks about it; opening with the disk text changes nothing.
  const toOpen = new Set([
    ...Object.values(hoverTargets).flatMap((list) => list.map((position) => position.file)),
    ...lensFiles,
    ...hostnameEnds.map((position) => position.file),
    ...scopeEnds.map((position) => position.file),
  ]);
  for (const file of toOpen) await session.open(file, files.get(file));

  const byTarget: Record<string, number[]> = { hostname: [], service: [], meshKey: [] };
  const interleaved = Object.entries(hoverTargets)
    .flatMap(([target, list]) => list.map((position, index) => ({ target, position, index })))
    .sort((a, b) => a.index - b.index);
  for (const { target, position } of interleaved) {
    const ms = await timeRequest(() =>
      session.connection.sendRequest('textDocument/hover', at(session, position)),
    );
    byTarget[target]?.push(ms);
  }
  const lenses: number[] = [];
  for (const file of lensFiles) {
    lenses.push(
      await timeRequest(() =>
        session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: session.uri(file) } }),
      ),
    );
  }
  // Hostname completion is the slow one on large workspaces: it stops after `budgetMs` (but not
  // before 50 requests); the positions are in low-discrepancy order, so any prefix spans the workspace.
  const complete = async (list: TextPosition[]) => {
    const samples: number[] = [];
    const started = performance.now();
    for (const position of scatter(list)) {
      if (samples.length >= 50 && performance.now() - started > budgetMs) break;
      samples.push(
        await timeRequest(() =>
          session.connection.sendRequest('textDocument/completion', at(session, position)),
        ),
      );
    }
    return samples;
  };
  const completionHostname = await complete(hostnameEnds);
  const completionScopeValue = await complete(scopeEnds);
  const round2 = (list: number[]) => list.map((value) => round(value));
  return {
    requestSamples: {
      hover: round2(Object.values(byTarget).flat()),
      codeLens: round2(lenses),
      completionHostname: round2(completionHostname),
      completionScopeValue: round2(completionScopeValue),
    },
    hover: latency(Object.values(byTarget).flat()),
    hoverByTarget: Object.fromEntries(
      Object.entries(byTarget).map(([target, samples]) => [target, latency(samples)]),
    ),
    codeLens: latency(lenses),
    completionHostname: latency(completionHostname),
    completionScopeValue: latency(completionScopeValue),
  };
}

export interface BurstRun {
  file: string;
  edits: number;
  /** First edit sent → last edit sent (the client writes as fast as the pipe takes them). */
  sendMs: number;
  /** Last edit sent → the publish that shows the last edit's text (its unique scope value). */
  lastEditToFinalMs: number;
  /** False when the final diagnostics did not come within `timeoutMs` (then `lastEditToFinalMs` is that limit). */
  settled: boolean;
  /** Publishes for the edited file between the first edit and the final diagnostics. */
  publishes: number;
  peakRssBeforeMB: number;
  peakRssMB: number;
  /** Hovers sent every `hoverEveryMs` from the first edit to the final diagnostics, concurrently. */
  hoversSent: number;
  hoversUnanswered: number;
  hover: Latency;
  hoverSamples: number[];
}

export interface BurstOptions {
  edits: number;
  hoverEveryMs: number;
  timeoutMs: number;
}

/**
 * A burst of `edits` full-text `didChange`s of the small-file edit's file, sent without waiting for
 * anything, each appending a Service whose invalid scope value is unique to the edit (`burst-<i>`), so
 * the last edit's diagnostics are told apart from any earlier one's: MESH110's message quotes the value.
 * Meanwhile hovers on Services spread over the workspace go out on a timer, each timed on its own.
 */
export async function measureBurst(
  root: string,
  files: Map<string, string>,
  expected: Expected,
  positions: RequestPositions,
  options: BurstOptions,
): Promise<BurstRun> {
  const before = new Set(childPids('dist/server.js'));
  const session = await startSession(root);
  const pid = childPids('dist/server.js').find((candidate) => !before.has(candidate));
  if (pid === undefined) throw new Error('cannot find the server process');
  const watch = watchDiagnostics(session.diagnostics);
  try {
    await waitForComplete(session, watch, expected);
    const cycle = smallFileCycle(files, expected);
    const original = files.get(cycle.file) as string;
    const namespace = /^ {2}namespace: (\S+)$/m.exec(original)?.[1] ?? 'bench-scratch';
    const textOf = (index: number) =>
      `${original.endsWith('\n') ? original : `${original}\n`}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bench-burst\n  namespace: ${namespace}\n  labels:\n    solo.io/service-scope: burst-${index}\n`;
    const targets = spread(positions.serviceNames, 200);
    for (const file of new Set(targets.map((position) => position.file)))
      await session.open(file, files.get(file));
    await session.open(cycle.file, original);
    const peakRssBeforeMB = memoryOf(pid).peakMB;
    const uri = session.uri(cycle.file);
    let publishes = 0;
    const stopCounting = watch.onArrival((arrival) => {
      if (arrival.uri === uri) publishes++;
    });
    const last = `\`burst-${options.edits - 1}\``;
    const final = watch.next(
      uri,
      (diagnostics) => diagnostics.some((diagnostic) => String(diagnostic.message).includes(last)),
      options.timeoutMs,
    );
    const hovers: Promise<number>[] = [];
    const answered: number[] = [];
    let next = 0;
    const timer = setInterval(() => {
      const position = targets[next++ % targets.length] as TextPosition;
      const hover = timeRequest(() =>
        session.connection.sendRequest('textDocument/hover', at(session, position)),
      );
      hovers.push(hover.then((ms) => answered.push(ms)));
    }, options.hoverEveryMs);
    const started = performance.now();
    for (let index = 0; index < options.edits; index++) await session.change(cycle.file, textOf(index));
    const lastSent = performance.now();
    let settled = true;
    const finalAt = await final.catch(() => {
      settled = false;
      return performance.now();
    });
    clearInterval(timer);
    stopCounting();
    // Hovers still unanswered a minute after the final diagnostics are left out (and counted). The
    // timer is cleared once they are all in: left running, it kept the benchmark's process alive.
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(hovers),
      new Promise((resolve) => {
        giveUp = setTimeout(resolve, 60_000);
      }),
    ]);
    clearTimeout(giveUp);
    const hoverSamples = [...answered];
    return {
      file: cycle.file,
      edits: options.edits,
      sendMs: round(lastSent - started),
      lastEditToFinalMs: round(finalAt - lastSent),
      settled,
      publishes,
      peakRssBeforeMB,
      peakRssMB: memoryOf(pid).peakMB,
      hoversSent: hovers.length,
      hoversUnanswered: hovers.length - hoverSamples.length,
      hover: latency(hoverSamples),
      hoverSamples: hoverSamples.map((value) => round(value)),
    };
  } finally {
    await session.stop();
  }
}
