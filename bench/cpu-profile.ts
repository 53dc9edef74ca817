// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time and the
// most inclusive time, each named by function and original source file (through the bundle's source
// map, when there is one).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `name (file:line)`, with the original file when a source map says it. */
  function: string;
  selfMs: number;
  selfShare: number;
  totalMs: number;
  totalShare: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers, and the part of it the thread was busy (not idle). */
  profiledMs: number;
  busyMs: number;
  topSelf: FunctionTime[];
  topTotal: FunctionTime[];
  /** Inclusive time per project source file (shared/, server/): time with any of its functions on the stack. */
  bySourceFile: { file: string; totalMs: number; totalShare: number }[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Per generated line: segments [generatedColumn, sourceIndex, originalLine] (source map v3, VLQ). */
function decodeMappings(mappings: string): [number, number, number][][] {
  const lines: [number, number, number][][] = [];
  let source = 0;
  let originalLine = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1] ?? 0;
        originalLine += values[2] ?? 0;
        segments.push([column, source, originalLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

interface SourceMap {
  sources: string[];
  lines: [number, number, number][][];
}

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapFor(url: string): SourceMap | undefined {
  if (sourceMaps.has(url)) return sourceMaps.get(url);
  let map: SourceMap | undefined;
  try {
    const path = `${fileURLToPath(url)}.map`;
    if (existsSync(path)) {
      const raw = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[]; mappings: string };
      map = { sources: raw.sources, lines: decodeMappings(raw.mappings) };
    }
  } catch {
    map = undefined;
  }
  sourceMaps.set(url, map);
  return map;
}

function describe(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const map = frame.url.startsWith('file:') ? sourceMapFor(frame.url) : undefined;
  const segments = map?.lines[frame.lineNumber];
  if (map && segments && segments.length > 0) {
    let best = segments[0] as [number, number, number];
    for (const segment of segments) if (segment[0] <= frame.columnNumber) best = segment;
    const source = (map.sources[best[1]] ?? '?').replace(/^(\.\.\/)+/, '');
    return `${name} (${source}:${best[2] + 1})`;
  }
  const file = frame.url.replace(/^file:\/\/.*\/node_modules\//, '').replace(/^file:\/\//, '');
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** Milliseconds from the profile's start; samples outside are left out. */
export interface ProfileWindow {
  fromMs: number;
  toMs: number;
}

export function summariseProfile(profile: CpuProfile, top = 15, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const byFile = new Map<string, number>();
  const labels = new Map<number, string>();
  const label = (id: number) => {
    let text = labels.get(id);
    if (text === undefined) {
      text = describe((byId.get(id) as ProfileNode).callFrame);
      labels.set(id, text);
    }
    return text;
  };
  let busy = 0;
  let clock = 0;
  profile.samples.forEach((id, index) => {
    clock += profile.timeDeltas[index] ?? 0;
    if (window && (clock < window.fromMs * 1000 || clock > window.toMs * 1000)) return;
    const micros = profile.timeDeltas[index + 1] ?? 0;
    const name = label(id);
    if (name === '(idle)') return;
    busy += micros;
    self.set(name, (self.get(name) ?? 0) + micros);
    const seen = new Set<string>();
    const files = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = label(node);
      const file = /\(((?:shared|server)\/src\/[^:]+):\d+\)$/.exec(frame)?.[1];
      if (file) files.add(file);
      if (seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + micros);
    }
    for (const file of files) byFile.set(file, (byFile.get(file) ?? 0) + micros);
  });
  const rows = (source: Map<string, number>) =>
    [...source.entries()]
      .filter(([name]) => name !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name]) => ({
        function: name,
        selfMs: round((self.get(name) ?? 0) / 1000),
        selfShare: round((self.get(name) ?? 0) / busy),
        totalMs: round((total.get(name) ?? 0) / 1000),
        totalShare: round((total.get(name) ?? 0) / busy),
      }));
  return {
    profiledMs: round(
      window
        ? Math.min(window.toMs, (profile.endTime - profile.startTime) / 1000) - window.fromMs
        : (profile.endTime - profile.startTime) / 1000,
    ),
    busyMs: round(busy / 1000),
    topSelf: rows(self),
    topTotal: rows(total),
    bySourceFile: [...byFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([file, micros]) => ({ file, totalMs: round(micros / 1000), totalShare: round(micros / busy) })),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function formatSummary(summary: ProfileSummary): string {
  const table = (title: string, rows: FunctionTime[]) =>
    [
      `${title}`,
      '  self ms   self %  total ms  total %  function',
      ...rows.map(
        (row) =>
          `  ${row.selfMs.toFixed(0).padStart(7)}  ${(row.selfShare * 100).toFixed(1).padStart(6)}  ${row.totalMs.toFixed(0).padStart(8)}  ${(row.totalShare * 100).toFixed(1).padStart(7)}  ${row.function}`,
      ),
    ].join('\n');
  return [
    `profiled ${summary.profiledMs.toFixed(0)} ms, busy ${summary.busyMs.toFixed(0)} ms`,
    table('top self time', summary.topSelf),
    table('top inclusive time', summary.topTotal),
    'inclusive time by project source file',
    ...summary.bySourceFile.map(
      (row) =>
        `  ${row.totalMs.toFixed(0).padStart(8)}  ${(row.totalShare * 100).toFixed(1).padStart(5)}%  ${row.file}`,
    ),
  ].join('\n');
}
