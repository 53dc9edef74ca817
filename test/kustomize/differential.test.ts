import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { renderKustomization } from '../../shared/src/kustomize/render';
import { entryFolders, fixtureFiles, kustomizeWorkspace } from '../helpers/kustomize-workspace';
import { repoRoot } from '../helpers/paths';
import { generatedCases } from './generated-cases';
import { HANDWRITTEN_CASES } from './handwritten-cases';
import { kubectlAvailable, kubectlKustomize } from './kubectl';
import { factsByKey, factsDiff } from './mesh-facts';

// The differential suite: every case is rendered by `kubectl kustomize` (kustomize v5) and by our
// renderer, and the mesh facts of every object must agree. A case whose rendering noted a feature it
// does not follow compares only the objects we rendered (kubectl may render more: generated
// ConfigMaps); a case kubectl refuses must have given us a note.

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'kustomize');
const hasKubectl = kubectlAvailable();

async function compareCase(
  t: test.TestContext,
  root: string,
  files: Record<string, string>,
  /** Every entry point kubectl renders must be rendered whole: no note, every object compared. */
  whole = false,
): Promise<void> {
  if (!hasKubectl) {
    if (process.env.CI === 'true') assert.fail('kubectl is missing');
    t.skip('kubectl is not installed: the differential suite was not run');
    return;
  }
  const entries = entryFolders(files);
  assert.ok(entries.length > 0, 'a case has an entry point');
  const ws = kustomizeWorkspace(files);
  for (const folder of entries) {
    const ours = renderKustomization(folder, ws);
    const theirs = await kubectlKustomize(join(root, folder));
    const where = `${folder || '.'}`;
    if (!theirs.ok) {
      assert.ok(
        ours.notes.length > 0,
        `kubectl refuses ${where} (${theirs.error.trim()}) but our rendering has no note`,
      );
      continue;
    }
    const kubectlObjects = parseAllDocuments(theirs.output).flatMap((doc) => {
      const value = doc.toJS();
      return value ? [value] : [];
    });
    if (whole)
      assert.deepEqual(
        ours.notes.map((note) => `${note.file}: ${note.feature}`),
        [],
        `${where}: notes`,
      );
    const ourObjects = ours.objects.map((object) => object.doc.toJS());
    const diff = factsDiff(factsByKey(ourObjects), factsByKey(kubectlObjects), ours.notes.length > 0);
    if (diff) assert.fail(`${where}: the mesh facts differ from kubectl's\n${diff}`);
  }
}

describe('kustomize differential: handwritten cases', { concurrency: 6 }, () => {
  const cases = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory());
  test('the corpus is there', () => assert.ok(cases.length >= 15));
  for (const name of cases) {
    test(name, (t) => compareCase(t, join(FIXTURES, name), fixtureFiles(join(FIXTURES, name))));
  }
});

/** Writes a case's files under a fresh folder of `temp` and compares it. */
function compareWritten(
  t: test.TestContext,
  temp: string,
  name: string,
  files: Record<string, string>,
  whole = false,
) {
  const root = join(temp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return compareCase(t, root, files, whole);
}

describe('kustomize differential: generators, name references, replacements', { concurrency: 6 }, () => {
  const temp = mkdtempSync(join(tmpdir(), 'mesh-lens-kustomize-'));
  after(() => rmSync(temp, { recursive: true, force: true }));
  for (const [name, files] of Object.entries(HANDWRITTEN_CASES)) {
    test(name, (t) => compareWritten(t, temp, name, files, true));
  }
});

describe('kustomize differential: generated cases', { concurrency: 6 }, () => {
  const temp = mkdtempSync(join(tmpdir(), 'mesh-lens-kustomize-'));
  after(() => rmSync(temp, { recursive: true, force: true }));
  // MESH_LENS_KUSTOMIZE_CASES and MESH_LENS_KUSTOMIZE_SEED explore more of the space by hand.
  const count = Number(process.env.MESH_LENS_KUSTOMIZE_CASES ?? 40);
  const seed = Number(process.env.MESH_LENS_KUSTOMIZE_SEED ?? 20261203);
  for (const [index, files] of generatedCases(count, seed).entries()) {
    test(`case ${index}`, (t) => compareWritten(t, temp, `case-${index}`, files));
  }
});
