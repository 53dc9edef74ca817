import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CancellationTokenSource,
  type Hover,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver-protocol';
import { finish } from '../../shared/src/util/steps';
import { exampleHost } from '../helpers/example-host';
import { exampleWorkspace, gitopsExample, kustomizeExample, writeFixture } from '../helpers/paths';
import { type RecordingSession, startRecordingSession } from './recording-session';

// Issue #18, items 2 and 5, through the built server over stdio: a burst of edits is analysed once
// it is over, not once per edit; requests during a burst are answered from the newest text; a
// request the client cancels is answered RequestCancelled; and an open document's file-local
// findings come before the scan's end, its cross-file findings only after it.

const service = (name: string, scope: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels:\n    solo.io/service-scope: ${scope}\nspec:\n  selector: { app: cart }\n`;

const CART = 'clusters/east/cart.yaml';
const workspace = `
  //- ${CART}
  ${service('cart', 'global').replaceAll('\n', '\n  ')}
  //- clusters/west/cart.yaml
  ${service('cart', 'global').replaceAll('\n', '\n  ')}
`;

/** Opens `path` with `text` once the first scan is done, and waits for its first publish. */
async function openAfterScan(session: RecordingSession, path: string, text: string): Promise<void> {
  session.answerConfiguration();
  await session.until(
    () => session.events.some((event) => event.kind === 'status' && !event.scanning),
    'the end of the first scan',
  );
  await session.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: session.uri(path), languageId: 'yaml', version: 1, text },
  });
}

const change = (session: RecordingSession, path: string, version: number, text: string) =>
  session.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: session.uri(path), version },
    contentChanges: [{ text }],
  });

describe('language server over stdio: responsiveness', () => {
  test('a burst of 2,000 edits is analysed when it is over, not once per edit', async () => {
    const session = await startRecordingSession(writeFixture(workspace));
    try {
      // Every edit changes what the file's diagnostics say (an invalid scope, named in the message),
      // so every analysis between two edits would publish; the last edit makes the scope valid.
      await openAfterScan(session, CART, service('cart', 'globl-0'));
      await session.until(() => session.publishesOf(CART).length > 0, 'the first publish');
      const before = session.publishesOf(CART).length;
      const edits = 2000;
      for (let version = 2; version <= edits; version++)
        void change(session, CART, version, service('cart', `globl-${version}`));
      await change(session, CART, edits + 1, service('cart', 'global'));
      await session.until(
        () => session.publishesOf(CART).at(-1)?.version === edits + 1,
        'the diagnostics of the last version',
      );
      const last = session.publishesOf(CART).at(-1);
      assert.deepEqual(
        last?.diagnostics.map((diagnostic) => diagnostic.code),
        ['MESH170'],
        'only what the last text has: a valid scope, and no workload selects cart',
      );
      const during = session.publishesOf(CART).length - before;
      // One analysis once the burst is read; a few more if the pipe ran dry in between (the server
      // had then caught up). One per edit would be 2,000.
      assert.ok(during < edits / 20, `${during} publishes for ${edits} edits`);
    } finally {
      await session.stop();
    }
  });

  test('hovers sent between the edits of a burst are answered, each about the text before it', async () => {
    const session = await startRecordingSession(writeFixture(workspace));
    try {
      await openAfterScan(session, CART, service('cart', 'global'));
      // Each edit renames the Service; a hover on its name after every tenth edit must name the
      // Service as that edit left it, although no publish happened in between.
      const hovers: Promise<{ expected: string; hover: Hover | null }>[] = [];
      for (let version = 2; version <= 500; version++) {
        const name = `cart-${version}`;
        void change(session, CART, version, service(name, 'global'));
        if (version % 10 === 0) {
          const hover = session.connection.sendRequest('textDocument/hover', {
            textDocument: { uri: session.uri(CART) },
            position: { line: 3, character: 9 },
          }) as Promise<Hover | null>;
          hovers.push(hover.then((answer) => ({ expected: name, hover: answer })));
        }
      }
      const answers = await Promise.all(hovers);
      assert.equal(answers.length, 50);
      for (const { expected, hover } of answers) {
        const markdown = (hover?.contents as { value?: string } | undefined)?.value ?? '';
        assert.match(markdown, new RegExp(`\\b${expected}\\b`), `the hover after ${expected}`);
        assert.doesNotMatch(
          markdown.replaceAll(new RegExp(`\\b${expected}\\b`, 'g'), ''),
          /\bcart-\d+\b/,
          `the hover after ${expected} names no other version`,
        );
      }
    } finally {
      await session.stop();
    }
  });

  test('a request cancelled before it is answered gets RequestCancelled', async () => {
    const session = await startRecordingSession(writeFixture(workspace));
    try {
      // The scan, which every request waits for, starts only once the configuration is answered:
      // the cancellation is read before it, so the request cannot have been answered yet.
      const cancellation = new CancellationTokenSource();
      const answer = session.connection
        .sendRequest('workspace/symbol', { query: 'cart' }, cancellation.token)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      cancellation.cancel();
      session.answerConfiguration();
      const error = await answer;
      assert.ok(error instanceof ResponseError, `answered instead: ${String(error)}`);
      assert.equal(error.code, LSPErrorCodes.RequestCancelled);
      const symbols = await session.connection.sendRequest('workspace/symbol', { query: 'cart' });
      assert.ok(Array.isArray(symbols) && symbols.length > 0, 'a request after it is answered as usual');
    } finally {
      await session.stop();
    }
  });

  test("an open document's syntax error is published before the scan ends, cross-file findings only after it", async () => {
    // Enough manifests that the scan takes a while; the opened file has a syntax error (file-local)
    // and a Service its west sibling exports and it does not (MESH101, cross-file).
    const files = Array.from(
      { length: 1500 },
      (_, index) => `//- clusters/c${index % 3}/svc-${index}.yaml\n${service(`svc-${index}`, 'cluster')}`,
    );
    const unlabeled = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n';
    const opened = `${unlabeled}---\nkind: [\n`;
    const root = writeFixture(`${files.join('\n')}\n${workspace}`);
    const session = await startRecordingSession(root);
    try {
      // Opened before the scan starts (it waits for the configuration answer below).
      await session.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: session.uri(CART), languageId: 'yaml', version: 1, text: opened },
      });
      session.answerConfiguration();
      await session.until(
        () => session.publishesOf(CART).some((event) => codes(event).includes('MESH101')),
        'the cross-file finding',
      );
      const scanEnd = session.events.findIndex((event) => event.kind === 'progress' && event.value === 'end');
      assert.ok(scanEnd >= 0, 'the scan reported its end');
      const first = session.events.findIndex((event) => event.kind === 'publish');
      assert.ok(first >= 0 && first < scanEnd, 'a publish came before the end of the scan');
      const early = session.events.slice(0, scanEnd).filter((event) => event.kind === 'publish');
      assert.deepEqual(
        early.map((event) => [event.uri, codes(event)]),
        [[session.uri(CART), ['MESH190']]],
        'before the scan ends: the opened document, its syntax error only',
      );
      assert.deepEqual(
        codes(session.publishesOf(CART).at(-1)),
        ['MESH101', 'MESH190'],
        'after it: the full set',
      );
    } finally {
      await session.stop();
    }
  });

  test('every document opened at start-up gets its file-local findings before the scan ends, even none, and no cross-file finding until it ends', async () => {
    // A: a syntax error (file-local) and an unlabeled Service whose west sibling is exported
    // (MESH101, cross-file); B: only the cross-file finding; C: nothing to find.
    const files = Array.from(
      { length: 1500 },
      (_, index) => `//- clusters/c${index % 3}/svc-${index}.yaml\n${service(`svc-${index}`, 'cluster')}`,
    );
    const unlabeled = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n`;
    const A = CART;
    const B = 'clusters/east/orders.yaml';
    const C = 'clusters/west/cart.yaml';
    const opened = new Map([
      [A, `${unlabeled('cart')}---\nkind: [\n`],
      [B, unlabeled('orders')],
      [C, service('cart', 'global')],
    ]);
    const root = writeFixture(
      `${files.join('\n')}\n${workspace}\n//- ${B}\n${unlabeled('orders')}\n//- clusters/west/orders.yaml\n${service('orders', 'global')}`,
    );
    const session = await startRecordingSession(root);
    try {
      // Opened before the scan starts (it waits for the configuration answer below).
      for (const [path, text] of opened)
        await session.connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri: session.uri(path), languageId: 'yaml', version: 1, text },
        });
      session.answerConfiguration();
      await session.until(
        () =>
          session.publishesOf(A).some((event) => codes(event).includes('MESH101')) &&
          session.publishesOf(B).some((event) => codes(event).includes('MESH101')),
        'the cross-file findings',
      );
      const scanEnd = session.events.findIndex((event) => event.kind === 'progress' && event.value === 'end');
      assert.ok(scanEnd >= 0, 'the scan reported its end');
      const early = session.events.slice(0, scanEnd).filter((event) => event.kind === 'publish');
      assert.deepEqual(
        early.map((event) => [event.uri, codes(event)]).sort(),
        [
          [session.uri(A), ['MESH190']],
          [session.uri(B), []],
          [session.uri(C), []],
        ].sort(),
        'before the scan ends: each opened document once, with its file-local findings only',
      );
      assert.deepEqual(codes(session.publishesOf(A).at(-1)), ['MESH101', 'MESH190'], 'A after the scan');
      assert.deepEqual(codes(session.publishesOf(B).at(-1)), ['MESH101'], 'B after the scan');
      assert.deepEqual(codes(session.publishesOf(C).at(-1)), [], 'C after the scan');
    } finally {
      await session.stop();
    }
  });
});

function codes(event: { diagnostics: { code?: string | number }[] } | undefined): (string | number)[] {
  return (event?.diagnostics ?? []).map((diagnostic) => diagnostic.code ?? '').sort();
}

// Fix-all in the server runs pass by pass (`Snapshot.fixAllInSteps`), so that a cancellation or an
// edit can stop it between passes: run to the end, it must give what `fixAll` gives.
describe('fix-all pass by pass', () => {
  for (const root of [exampleWorkspace, kustomizeExample, gitopsExample]) {
    for (const options of [{}, { suggestions: true, minSeverity: 'info' as const }]) {
      test(`equals fix-all on ${root.split('/').at(-1)} with ${JSON.stringify(options)}`, () => {
        const whole = exampleHost(root).snapshot().fixAll(options);
        const stepped = finish(exampleHost(root).snapshot().fixAllInSteps(options));
        assert.ok(whole.files.length > 0 || root !== exampleWorkspace, 'the example has something to fix');
        assert.deepEqual(stepped.files, whole.files);
        assert.deepEqual(stepped.notApplied, whole.notApplied);
        assert.equal(stepped.passes, whole.passes);
        assert.deepEqual(
          stepped.remaining.map(({ code, file, range, message }) => [code, file, range, message]),
          whole.remaining.map(({ code, file, range, message }) => [code, file, range, message]),
        );
      });
    }
  }

  test('a link taken out of the topology file and put back: MESH123 comes and goes, no other file is published again', async () => {
    const topology = (links: string) =>
      `clusters:\n  east: { paths: ["clusters/east/**"] }\n  west: { paths: ["clusters/west/**"] }\nlinks:\n${links}`;
    const linked = topology('  - { from: east, to: west }\n  - { from: west, to: east }\n');
    const route = 'clusters/east/route.yaml';
    const invalid = 'clusters/east/invalid.yaml';
    const root = writeFixture(`
      //- mesh-topology.yaml
      ${linked.replaceAll('\n', '\n      ')}
      //- clusters/west/cart.yaml
      ${service('cart', 'global').replaceAll('\n', '\n      ')}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: cart, namespace: shop }
      spec:
        selector: { matchLabels: { app: cart } }
        template: { metadata: { labels: { app: cart } } }
      //- ${route}
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: to-cart, namespace: shop }
      spec:
        hosts: [cart.shop.mesh.internal]
        http: [{ route: [{ destination: { host: cart.shop.mesh.internal } }] }]
      //- ${invalid}
      ${service('web', 'globl').replaceAll('\n', '\n      ')}
    `);
    const session = await startRecordingSession(root);
    try {
      await openAfterScan(session, 'mesh-topology.yaml', linked);
      await session.until(() => session.publishesOf(invalid).length > 0, 'the first diagnostics');
      const codes = (path: string) =>
        session
          .publishesOf(path)
          .at(-1)
          ?.diagnostics.map((d) => d.code) ?? [];
      assert.ok(codes(invalid).includes('MESH110'));
      assert.ok(!codes(route).includes('MESH123'), 'east reaches west');
      const invalidPublishes = session.publishesOf(invalid).length;
      await change(session, 'mesh-topology.yaml', 2, topology('  - { from: west, to: east }\n'));
      await session.until(() => codes(route).includes('MESH123'), 'MESH123 once east no longer reaches west');
      await change(session, 'mesh-topology.yaml', 3, linked);
      await session.until(() => !codes(route).includes('MESH123'), 'MESH123 gone with the link back');
      assert.equal(
        session.publishesOf(invalid).length,
        invalidPublishes,
        'a file whose findings the link did not change is not published again',
      );
    } finally {
      await session.stop();
    }
  });
});
