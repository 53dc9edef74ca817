import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeWorkspace } from '../../bench/generate';
import { generateShape, type ShapeOptions, shapeMarker } from '../../bench/shapes';
import { MeshLens } from '../../shared/src';
import { runCli } from '../helpers/cli';

// Issue #18: the benchmark's extreme shapes. Each plants a few mistakes and lists the findings they
// give; the benchmark waits for exactly those, so the list must be what the checker reports — nothing
// missing, nothing more (the rest of each workspace is a correct mesh). Small instances only.

const SMALL: ShapeOptions[] = [
  { shape: 'big-namespace', scale: 30 },
  { shape: 'many-routes', scale: 24 },
  { shape: 'many-clusters', scale: 6, services: 3 },
  { shape: 'big-file', scale: 0.3 },
  { shape: 'shared-base', scale: 5, services: 4 },
  { shape: 'crowded-namespace', scale: 120 },
];

type Pair = { file: string; code: string };
const sorted = (pairs: Pair[]) =>
  pairs.map(({ file, code }) => `${code} ${file}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function cliFindings(files: Map<string, string>, marker: object): Pair[] {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-lens-shape-'));
  try {
    writeWorkspace(join(dir, 'ws'), { files }, marker);
    const result = runCli(['check', join(dir, 'ws'), '--format', 'json']);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return JSON.parse(result.stdout) as Pair[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const codeCount = (host: MeshLens, file: string, code: string) =>
  host
    .applyChange({})
    .findings()
    .filter((finding) => finding.file === file && finding.code === code).length;

describe('the generator’s shapes (bench/shapes.ts)', () => {
  for (const options of SMALL) {
    const label = `${options.shape}, scale ${options.scale}`;

    test(`the CLI reports exactly the planted findings (${label})`, () => {
      const workspace = generateShape(options);
      assert.ok(workspace.planted.length >= 2, 'each shape plants mistakes');
      assert.deepEqual(workspace.bigFiles, []);
      assert.deepEqual(workspace.planted, workspace.plantedUnlimited);
      assert.deepEqual(
        sorted(cliFindings(workspace.files, shapeMarker(workspace))),
        sorted(workspace.planted),
      );
    });

    test(`same options, byte-identical files (${label})`, () => {
      const a = generateShape(options);
      const b = generateShape(options);
      assert.deepEqual([...a.files], [...b.files]);
      assert.equal(shapeMarker(a).digest, shapeMarker(b).digest);
    });
  }

  // The benchmark times these edits by waiting for the count each step states: a wrong count would
  // make it wait for ever, so each step is played through the incremental host.
  for (const options of SMALL) {
    const workspace = generateShape(options);
    for (const cycle of workspace.edits) {
      test(`the "${cycle.kind}" edit cycle shows each step's stated effect (${options.shape})`, () => {
        const host = new MeshLens({ topologyPath: 'mesh-topology.yaml' });
        host.applyChange({ set: [...workspace.files] });
        for (const step of cycle.steps) {
          host.applyChange({ set: [[cycle.file, step.text]] });
          assert.equal(codeCount(host, step.watch, step.code), step.count, `${step.code} in ${step.watch}`);
        }
        assert.equal(
          cycle.steps.at(-1)?.text,
          workspace.files.get(cycle.file),
          'the cycle ends where it began',
        );
      });
    }
  }

  test('a file over the default size limit is planted as MESH195, its own findings as read when the limit is raised', () => {
    const workspace = generateShape({ shape: 'big-file', scale: 10.2 });
    assert.deepEqual(workspace.bigFiles, ['clusters/cluster-01/all.yaml']);
    assert.ok(
      workspace.planted.some((p) => p.file === 'clusters/cluster-01/all.yaml' && p.code === 'MESH195'),
    );
    assert.ok(
      !workspace.planted.some((p) => p.file === 'clusters/cluster-01/all.yaml' && p.code === 'MESH110'),
    );
    assert.ok(
      workspace.plantedUnlimited.filter(
        (p) => p.file === 'clusters/cluster-01/all.yaml' && p.code === 'MESH110',
      ).length > 10,
    );
  });
});
