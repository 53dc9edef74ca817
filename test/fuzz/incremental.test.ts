import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deleteFile, setFile } from '../../shared/src';
import { randomWorkspace } from '../helpers/random-workspace';
import { analyse, type FuzzInput, workspaceOf } from './harness';
import { exampleFiles, fuzzParameters, mutate, mutationStep } from './inputs';

// The Workspace caches each file's parse by its text and rebuilds the model only on change. After
// any sequence of edits, a workspace that lived through them must answer exactly as a fresh one.

const SAMPLED = { hoverEverywhere: false, fixes: false };
const base = fc.oneof(fc.constant(exampleFiles()), randomWorkspace);
const edits = fc.array(fc.tuple(fc.array(mutationStep, { minLength: 1, maxLength: 3 }), fc.boolean()), {
  minLength: 1,
  maxLength: 3,
});

test('fuzz: a workspace edited step by step answers as a fresh one', () => {
  fc.assert(
    fc.property(base, edits, (files, steps) => {
      const workspace = workspaceOf({ files });
      analyse({ files }, SAMPLED, workspace);
      let current: FuzzInput = { files };
      for (const [mutations, dropFirst] of steps) {
        const next = mutate(current.files, mutations);
        if (dropFirst) next.delete([...next.keys()][0] ?? '');
        for (const path of current.files.keys()) if (!next.has(path)) deleteFile(workspace, path);
        for (const [path, text] of next) setFile(workspace, path, text);
        current = { files: next };
        const edited = analyse(current, SAMPLED, workspace);
        assert.deepEqual(edited, analyse(current, SAMPLED), 'the edited workspace disagrees');
      }
    }),
    { ...fuzzParameters(12), includeErrorInReport: true },
  );
});
