import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Hover } from 'vscode-languageserver-protocol';
import { startSession } from '../helpers/lsp-client';
import { writeFixture } from '../helpers/paths';

const exported = (name: string) =>
  `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop, labels: { solo.io/service-scope: global } } }`;
const plain = (name: string) =>
  `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop } }`;

test('each folder of a multi-root workspace is its own mesh', async () => {
  const first = writeFixture(`
    //- clusters/east/cart.yaml
    ${exported('cart')}
    //- clusters/west/cart.yaml
    ${plain('cart')}
  `);
  const second = writeFixture(`
    //- clusters/west/cart.yaml
    ${plain('cart')}
    //- clusters/north/other.yaml
    { apiVersion: v1, kind: Service, metadata: { name: other, namespace: shop, labels: { solo.io/service-scope: globl } } }
  `);
  const session = await startSession(first, { moreFolders: [second] });
  try {
    const [warning] = await session.waitForDiagnostics('clusters/west/cart.yaml', (list) => list.length > 0);
    assert.equal(warning?.code, 'MESH101');
    // The second folder is analysed on its own: its invalid scope is reported there, and its cart
    // has no exported sibling (the first folder's export does not count), so it gets no diagnostics.
    const otherUri = pathToFileURL(join(second, 'clusters/west/cart.yaml')).toString();
    const typoUri = pathToFileURL(join(second, 'clusters/north/other.yaml')).toString();
    for (let attempt = 0; attempt < 200 && !session.diagnostics.has(typoUri); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      session.diagnostics.get(typoUri)?.map((diagnostic) => diagnostic.code),
      ['MESH110'],
    );
    assert.deepEqual(session.diagnostics.get(otherUri) ?? [], []);
  } finally {
    await session.stop();
  }
});

test('a change to the topology file on disk re-reads the topology', async () => {
  const routeLine =
    '{ apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: { name: v, namespace: shop }, spec: { hosts: [cart], http: [{ route: [{ destination: { host: cart.shop.mesh.internal } }] }] } }';
  const root = writeFixture(`
    //- mesh-topology.yaml
    clusters:
      east: { paths: ["east/**"] }
      west: { paths: ["west/**"] }
    //- east/cart.yaml
    { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { selector: { app: cart } } }
    ---
    { apiVersion: apps/v1, kind: Deployment, metadata: { name: cart, namespace: shop }, spec: { template: { metadata: { labels: { app: cart } } } } }
    //- west/route.yaml
    ${routeLine}
  `);
  const session = await startSession(root);
  try {
    await session.open('west/route.yaml');
    const before = (await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: session.uri('west/route.yaml') },
      position: { line: 0, character: routeLine.indexOf('host: cart') + 8 },
    })) as Hover;
    assert.match(
      (before.contents as { value: string }).value,
      /From \*\*west\*\*: → 1 endpoint in east \(PreferNetwork\)/,
    );
    writeFileSync(
      join(root, 'mesh-topology.yaml'),
      'clusters:\n  east: { paths: ["east/**"] }\n  west: { paths: ["west/**"] }\nlinks:\n  - { from: east, to: west }\n',
    );
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: session.uri('mesh-topology.yaml'), type: 2 }],
    });
    const diagnostics = await session.waitForDiagnostics('west/route.yaml', (list) =>
      list.some((diagnostic) => diagnostic.code === 'MESH123'),
    );
    assert.match(
      String(diagnostics.find((diagnostic) => diagnostic.code === 'MESH123')?.message ?? ''),
      /no link from west to east/,
    );
  } finally {
    await session.stop();
  }
});

test('a long scan reports how far its parse got, and the workspace is complete at its end', async () => {
  // Enough manifests that parsing takes several of the scan's 200 ms slices on any machine (1.5 s here).
  const files = Array.from(
    { length: 6000 },
    (_, index) => `//- clusters/c${index % 3}/svc-${index}.yaml\n${plain(`svc-${index}`)}`,
  );
  const root = writeFixture(
    `${files.join('\n')}\n//- clusters/c0/typo.yaml\n{ apiVersion: v1, kind: Service, metadata: { name: typo, namespace: shop, labels: { solo.io/service-scope: globl } } }`,
  );
  const session = await startSession(root);
  try {
    const [typo] = await session.waitForDiagnostics('clusters/c0/typo.yaml', (list) => list.length > 0);
    assert.equal(typo?.code, 'MESH110');
    const analysing = session.progress.filter((entry) =>
      /^report: Analysing manifests… \d+ of 6001 files$/.test(entry),
    );
    assert.ok(analysing.length > 0, `no parse progress in ${JSON.stringify(session.progress)}`);
    assert.equal(session.progress.at(-1)?.split(':')[0], 'end');
  } finally {
    await session.stop();
  }
});
