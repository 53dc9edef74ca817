import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type Analysis,
  analyseWorkspace,
  deleteFile,
  type Finding,
  getModel,
  setFile,
  type Workspace,
} from '../../shared/src';
import { findingsAsData, offeredFindingsAsData } from '../helpers/checks';
import { randomWorkspace } from '../helpers/random-workspace';
import { checksOf, workspaceOf } from './harness';
import { exampleFiles, fuzzParameters, mutate, mutationStep } from './inputs';

// The incremental analysis re-runs the checks only on the shards an edit touched and keeps the
// other shards' findings. Whatever the edits, its findings must be exactly a fresh full run's,
// and the files it says changed must include every file whose findings changed.

const THROW = {
  onCheckError: (check: { code: string }, error: unknown) => {
    throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
  },
};

function freshFindings(files: ReadonlyMap<string, string>) {
  return checksOf(getModel(workspaceOf({ files: new Map(files) })));
}

function findingsByFile(findings: readonly Finding[]): Map<string, string> {
  const byFile = new Map<string, string[]>();
  for (const finding of findings)
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), reported(finding)]);
  return new Map([...byFile].map(([file, list]) => [file, list.join('\n')]));
}

// A finding as a client is shown it: `changedFiles` promises no more (fixes are built on request).
function reported({ code, severity, range, message, related }: Finding): string {
  return JSON.stringify([code, severity, range, message, related]);
}

/** Applies `next` over the workspace's files, analyses, and compares with a fresh run. */
function step(
  workspace: Workspace,
  current: Map<string, string>,
  next: Map<string, string>,
  previous: Analysis,
) {
  for (const path of current.keys()) if (!next.has(path)) deleteFile(workspace, path);
  for (const [path, text] of next) setFile(workspace, path, text);
  const { analysis, changedFiles } = analyseWorkspace(workspace, previous, THROW);
  const expected = freshFindings(next);
  assert.deepEqual(
    offeredFindingsAsData(analysis),
    findingsAsData(expected),
    'the incremental findings differ from a fresh run',
  );
  if (changedFiles !== 'all') {
    const before = findingsByFile(previous.findings());
    const after = findingsByFile(analysis.findings());
    for (const file of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(file) !== after.get(file))
        assert.ok(changedFiles.has(file), `${file}'s findings changed but it is not reported as changed`);
    }
  }
  return analysis;
}

test('fuzz: incremental findings equal a fresh run after random text edits', () => {
  const base = fc.oneof(fc.constant(exampleFiles()), randomWorkspace);
  const edits = fc.array(fc.array(mutationStep, { minLength: 1, maxLength: 2 }), {
    minLength: 1,
    maxLength: 4,
  });
  fc.assert(
    fc.property(base, edits, (files, steps) => {
      const workspace = workspaceOf({ files });
      let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
      let current = files;
      for (const mutations of steps) {
        const next = mutate(current, mutations);
        analysis = step(workspace, current, next, analysis);
        current = next;
      }
    }),
    { ...fuzzParameters(25), includeErrorInReport: true },
  );
});

test('fuzz: incremental findings equal a fresh run while one workspace turns into another file by file', () => {
  fc.assert(
    fc.property(randomWorkspace, randomWorkspace, fc.nat(), (from, to, seed) => {
      const workspace = workspaceOf({ files: from });
      let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
      const paths = [...new Set([...from.keys(), ...to.keys()])];
      // A deterministic shuffle, so cluster files change in a mixed order.
      paths.sort((a, b) => ((hash(a) ^ seed) >>> 0) - ((hash(b) ^ seed) >>> 0));
      let current = new Map(from);
      for (const path of paths) {
        const next = new Map(current);
        const text = to.get(path);
        if (text === undefined) next.delete(path);
        else next.set(path, text);
        analysis = step(workspace, current, next, analysis);
        current = next;
      }
    }),
    { ...fuzzParameters(25), includeErrorInReport: true },
  );
});

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++)
    value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return value >>> 0;
}
