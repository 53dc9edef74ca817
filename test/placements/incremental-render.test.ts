import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWorkspace, getModel, runChecks, setFile, type Workspace } from '../../shared/src';
import { renderingsOf } from '../../shared/src/model/build-model';
import { parseFixture } from '../helpers/fixture';

// SPEC §9, "the editor follows placements": an edit in an overlay re-renders only the clusters it
// feeds; an edit in a base re-renders every overlay that reads it. Either way the findings are those
// of a build from scratch.

const fixture = `
  //- base/kustomization.yaml
  resources: [reviews.yaml]
  //- base/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, namespace: bookinfo }
  spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews, namespace: bookinfo }
  spec: { template: { metadata: { labels: { app: reviews } } } }
  //- overlays/east/kustomization.yaml
  resources: [../../base]
  labels: [{ pairs: { solo.io/service-scope: global } }]
  //- overlays/west/kustomization.yaml
  resources: [../../base]
  //- overlays/north/kustomization.yaml
  resources: [../../base]
  labels: [{ pairs: { solo.io/service-scope: global } }]
`;

function workspaceOf(files: { path: string; text: string }[]): Workspace {
  const workspace = createWorkspace();
  for (const file of files) setFile(workspace, file.path, file.text);
  return workspace;
}

/** The findings as plain text, to compare an incremental build with one from scratch. */
function findingsOf(workspace: Workspace): string[] {
  return runChecks(getModel(workspace)).map(
    (finding) =>
      `${finding.code} ${finding.file}:${finding.range.start.line}:${finding.range.start.character} ${finding.message}`,
  );
}

function edited(workspace: Workspace, path: string, text: string) {
  const before = renderingsOf(getModel(workspace));
  setFile(workspace, path, text);
  const after = renderingsOf(getModel(workspace));
  const kept = [...after]
    .filter(([folder, rendering]) => before.get(folder) === rendering)
    .map(([folder]) => folder);
  return kept.sort();
}

describe('incremental rendering', () => {
  test('an edit in one overlay re-renders that overlay only, and finds what a fresh build finds', () => {
    const files = parseFixture(fixture);
    const workspace = workspaceOf(files);
    assert.deepEqual(findingsOf(workspace).filter((line) => line.startsWith('MESH101')).length, 1);
    const west = 'resources: [../../base]\nlabels: [{ pairs: { solo.io/service-scope: global } }]\n';
    assert.deepEqual(edited(workspace, 'overlays/west/kustomization.yaml', west), [
      'overlays/east',
      'overlays/north',
    ]);
    const fresh = workspaceOf(
      files.map((file) =>
        file.path === 'overlays/west/kustomization.yaml' ? { ...file, text: west } : file,
      ),
    );
    assert.deepEqual(findingsOf(workspace), findingsOf(fresh));
    assert.deepEqual(
      findingsOf(workspace).filter((line) => line.startsWith('MESH101')),
      [],
    );
  });

  test('an edit in the base re-renders every overlay', () => {
    const files = parseFixture(fixture);
    const workspace = workspaceOf(files);
    const base = files.find((file) => file.path === 'base/reviews.yaml')?.text ?? '';
    assert.deepEqual(edited(workspace, 'base/reviews.yaml', base.replace('9080', '9081')), []);
  });

  test('a file added renders everything again (what a kustomization finds may change)', () => {
    const workspace = workspaceOf(parseFixture(fixture));
    assert.deepEqual(
      edited(
        workspace,
        'overlays/west/extra.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
      ),
      [],
    );
  });
});
