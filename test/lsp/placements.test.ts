import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeLens, Hover, Location } from 'vscode-languageserver-protocol';
import { startSession } from '../helpers/lsp-client';
import { writeFixture } from '../helpers/paths';

// SPEC §9 in the editor: hover, lenses and navigation follow placements, and an edit in a base or an
// overlay changes the findings of every cluster it feeds.

const workspace = `
  //- base/kustomization.yaml
  resources: [reviews.yaml]
  //- base/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
  spec:
    selector: { app: reviews }
    ports: [{ port: 9080 }]
  //- overlays/east/kustomization.yaml
  namespace: bookinfo
  resources: [../../base]
  labels:
    - pairs: { solo.io/service-scope: global }
  //- overlays/west/kustomization.yaml
  namespace: bookinfo
  resources: [../../base]
  patches:
    - path: export.yaml
  //- overlays/west/export.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    labels: { solo.io/service-scope: global }
  //- overlays/north/kustomization.yaml
  namespace: bookinfo
  resources: [../../base]
`;

describe('language server over stdio: placements', () => {
  test("hover on a base's Service lists every cluster it lands in, with its overlay", async () => {
    const session = await startSession(writeFixture(workspace));
    try {
      await session.open('base/reviews.yaml');
      await session.waitForDiagnostics('base/reviews.yaml', (list) => list.length > 0);
      const hover = (await session.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: session.uri('base/reviews.yaml') },
        position: { line: 3, character: 9 },
      })) as Hover;
      const text = (hover.contents as { value: string }).value;
      assert.match(text, /\*\*Placed in 3 clusters\*\*/);
      assert.match(
        text,
        /\| east \| bookinfo\/reviews \| yes \| 0 \| \[overlays\/east\/kustomization\.yaml\]/,
      );
      assert.match(
        text,
        /\| north \| bookinfo\/reviews \| \*\*no\*\* \| 0 \| \[overlays\/north\/kustomization\.yaml\]/,
      );
      const lenses = (await session.connection.sendRequest('textDocument/codeLens', {
        textDocument: { uri: session.uri('base/reviews.yaml') },
      })) as CodeLens[];
      assert.deepEqual(
        lenses.map((lens) => lens.command?.title),
        ['placed in 3 clusters · exported in east, west · not exported in north · 0 endpoints'],
        'one lens for the document, not one per cluster',
      );
      const overlayLens = (await session.connection.sendRequest('textDocument/codeLens', {
        textDocument: { uri: session.uri('overlays/north/kustomization.yaml') },
      })) as CodeLens[];
      assert.deepEqual(
        overlayLens.map((lens) => lens.command?.title),
        ['1 Service · 0 exported · placed in north'],
      );
    } finally {
      await session.stop();
    }
  });

  test('definition goes from a patch to the base document it patches', async () => {
    const session = await startSession(writeFixture(workspace));
    try {
      await session.open('overlays/west/export.yaml');
      const locations = (await session.connection.sendRequest('textDocument/definition', {
        textDocument: { uri: session.uri('overlays/west/export.yaml') },
        position: { line: 3, character: 9 },
      })) as Location[];
      assert.deepEqual(
        locations.map((location) => [location.uri.replace(/^.*\/(base\/)/, '$1'), location.range.start.line]),
        [['base/reviews.yaml', 3]],
      );
    } finally {
      await session.stop();
    }
  });

  test("an edit in an overlay, then in the base, changes the base's findings", async () => {
    const session = await startSession(writeFixture(workspace));
    try {
      await session.open('base/reviews.yaml');
      const unlabeled = await session.waitForDiagnostics('base/reviews.yaml', (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH101'),
      );
      assert.match(
        String(unlabeled.find((diagnostic) => diagnostic.code === 'MESH101')?.message),
        /not exported in north/,
      );
      // The overlay gets its label: north is exported, the finding goes.
      await session.open('overlays/north/kustomization.yaml');
      await session.change(
        'overlays/north/kustomization.yaml',
        'namespace: bookinfo\nresources: [../../base]\nlabels:\n  - pairs: { solo.io/service-scope: global }\n',
      );
      await session.waitForDiagnostics(
        'base/reviews.yaml',
        (list) => !list.some((diagnostic) => diagnostic.code === 'MESH101'),
      );
      // The base takes an explicit `cluster` scope (patches and labels win over it in east, west and north):
      // still silent; then a typo in the base's own label is reported in the base.
      await session.change(
        'base/reviews.yaml',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels: { solo.io/service-takeover: "yes" }\nspec:\n  selector: { app: reviews }\n  ports: [{ port: 9080 }]\n',
      );
      const takeover = await session.waitForDiagnostics('base/reviews.yaml', (list) =>
        list.some((diagnostic) => diagnostic.code === 'MESH161'),
      );
      assert.ok(takeover.every((diagnostic) => diagnostic.code !== 'MESH101'));
    } finally {
      await session.stop();
    }
  });
});
