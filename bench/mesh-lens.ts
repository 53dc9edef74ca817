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

export interface EditRun {
  file: string;
  sibling: string;
  /** Edits made: `RunOptions.edits`, or fewer whole cycles of four when the time budget ran out. */
  count: number;
  budgetExhausted: boolean;
  all: Latency;
  /** Edits whose effect is in the edited file: an appended Service with an invalid scope (MESH110 on/off). */
  local: Latency;
  /** Scope label `global` ↔ `cluster` in the edited file, measured until the sibling's file in ANOTHER cluster is republished (MESH101 on/off). */
  crossCluster: Latency;
}

export interface MeshLensRun {
  cold: ColdStart;
  /** VmRSS and VmHWM right after diagnostics were complete. */
  rssAfterColdMB: number;
  peakRssAfterColdMB: number;
  edits?: EditRun;
  hover?: Latency;
  hoverByTarget?: Record<string, Latency>;
  codeLens?: Latency;
  completionHostname?: Latency;
  completionScopeValue?: Latency;
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

export interface RunOptions {
  edits: number;
  /** Stop a completion loop after this much time (at least 50 requests). */
  requestBudgetMs?: number;
  /** Stop the edit loop after this much time (at a cycle boundary, at least one cycle). */
  editBudgetMs?: number;
  requests: number;
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
  const session = await startServer(root, options.profileDir);
  const pid = childPids('dist/server.js').find((candidate) => !before.has(candidate));
  if (pid === undefined) throw new Error('cannot find the server process');
  const watch = watchDiagnostics(session.diagnostics);
  try {
    const completion = waitForComplete(session, watch, expected);
    for (const path of options.openAtStart ?? []) await session.open(path);
    const cold = await completion;
    const coldStart: ColdStart = { ...cold, ms: round(cold.at - spawned) };
    const run: MeshLensRun = {
      cold: coldStart,
      rssAfterColdMB: memoryOf(pid).currentMB,
      peakRssAfterColdMB: memoryOf(pid).peakMB,
      peakRssMB: 0,
      phases: { coldEndMs: coldStart.ms },
    };
    if (options.gapMs) await sleep(options.gapMs);
    if (options.edits > 0) {
      run.phases.editsStartMs = round(performance.now() - spawned);
      run.edits = await editLoop(session, watch, files, expected, options.edits, options.editBudgetMs);
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
function startServer(root: string, profileDir: string | undefined): Promise<LspSession> {
  if (!profileDir) return startSession(root);
  const wrapper = join(profileDir, 'node-cpu-prof');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.execPath}" --cpu-prof --cpu-prof-dir="${profileDir}" --cpu-prof-name=server.cpuprofile "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const node = process.execPath;
  process.execPath = wrapper;
  try {
    return startSession(root);
  } finally {
    process.execPath = node;
  }
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

interface EditPlan {
  file: string;
  sibling: string;
  original: string;
  /** The scratch Service appended (invalid scope: MESH110 in this file only). */
  withScratch: string;
  /** The scope label `global` → `cluster`: the service is no longer exported here. */
  unexported: string;
}

/**
 * An exported Service (by its own label) whose same-name sibling in another cluster is not exported,
 * and is the only exported instance: switching its label off removes the sibling's MESH101.
 */
export function editPlan(files: Map<string, string>, expected: Expected): EditPlan {
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
  const original = files.get(chosen.label.file) as string;
  const start = offsetOf(original, chosen.label.range.start);
  const end = offsetOf(original, chosen.label.range.end);
  return {
    file: chosen.label.file,
    sibling: chosen.sibling,
    original,
    withScratch: `${original.endsWith('\n') ? original : `${original}\n`}---
# benchmark edit: a Service with an invalid scope value
apiVersion: v1
kind: Service
metadata:
  name: bench-scratch
  namespace: bench-scratch
  labels:
    solo.io/service-scope: globl
`,
    unexported: `${original.slice(0, start)}cluster${original.slice(end)}`,
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
  expected: Expected,
  edits: number,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<EditRun> {
  const plan = editPlan(files, expected);
  await session.open(plan.file);
  const invalidScopes = countCode('MESH110');
  const unlabeled = countCode('MESH101');
  const base110 = expected.findings.filter((f) => f.file === plan.file && f.code === 'MESH110').length;
  const base101 = expected.findings.filter((f) => f.file === plan.sibling && f.code === 'MESH101').length;
  // A cycle of four edits, each leaving the file in a state the previous one did not.
  const cycle = [
    {
      text: plan.withScratch,
      wait: plan.file,
      accept: (d: Diagnostic[]) => invalidScopes(d) === base110 + 1,
    },
    { text: plan.original, wait: plan.file, accept: (d: Diagnostic[]) => invalidScopes(d) === base110 },
    { text: plan.unexported, wait: plan.sibling, accept: (d: Diagnostic[]) => unlabeled(d) === base101 - 1 },
    { text: plan.original, wait: plan.sibling, accept: (d: Diagnostic[]) => unlabeled(d) === base101 },
  ];
  const local: number[] = [];
  const cross: number[] = [];
  const started = performance.now();
  let index = 0;
  for (; index < edits; index++) {
    const overBudget = performance.now() - started > budgetMs;
    if (overBudget && index % cycle.length === 0 && index > 0) break;
    const step = cycle[index % cycle.length] as (typeof cycle)[number];
    const arrived = watch.next(session.uri(step.wait), step.accept, EDIT_LIMIT_MS);
    const sent = performance.now();
    await session.change(plan.file, step.text);
    const ms = (await arrived) - sent;
    (step.wait === plan.file ? local : cross).push(ms);
  }
  return {
    file: plan.file,
    sibling: plan.sibling,
    count: index,
    budgetExhausted: index < edits,
    all: latency([...local, ...cross]),
    local: latency(local),
    crossCluster: latency(cross),
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
    return latency(samples);
  };
  return {
    hover: latency(Object.values(byTarget).flat()),
    hoverByTarget: Object.fromEntries(
      Object.entries(byTarget).map(([target, samples]) => [target, latency(samples)]),
    ),
    codeLens: latency(lenses),
    completionHostname: await complete(hostnameEnds),
    completionScopeValue: await complete(scopeEnds),
  };
}
