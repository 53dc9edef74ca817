import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { type GenOptions, generateWorkspace, type Layout } from '../../bench/generate';
import { loadWorkspace } from '../../server/src/cli/load-workspace';
import { ParseWorker } from '../../server/src/parse-workers';
import type { Finding } from '../../shared/src';
import { runCli } from '../helpers/cli';
import { startSession } from '../helpers/lsp-client';
import { repoRoot } from '../helpers/paths';

// A scan deals a large workspace to a parse worker (server/src/parse-workers.ts), which reads it from
// the end while the host thread reads from the start, taking over the batches the worker has not
// begun. Whatever the worker read, the findings are those of a host that parsed every file itself.

// About 800 KB of YAML: workspaces under 512 KB are read in one thread (a worker would not pay for itself).
const SIZE: GenOptions = { clusters: 6, namespaces: 12, services: 16, seed: 3 };

function generated(layout: Layout): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-worker-'));
  for (const [path, text] of generateWorkspace(SIZE, layout).files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const described = (findings: Finding[]) =>
  JSON.parse(JSON.stringify(findings.map(({ fixes: _fixes, ...finding }) => finding)));

/** A worker script that starts and never answers a message. */
function silentWorkerScript(): string {
  const script = join(mkdtempSync(join(tmpdir(), 'mesh-lens-silent-')), 'silent.js');
  writeFileSync(script, 'setInterval(() => {}, 1000);\n');
  return script;
}

/** The built CLI's bundle, which also runs as its parse worker. */
const WORKER_SCRIPT = join(repoRoot, 'dist', 'cli.js');

async function findingsWith(root: string, worker?: ParseWorker) {
  const loaded = await loadWorkspace([root], { parseWorker: worker });
  return described(loaded.snapshot.findings());
}

describe('parse worker', () => {
  const plain = generated('plain');

  test('a workspace read in a worker has the findings of one read in one thread', async () => {
    // The host waits for every batch: each file's facts come from the worker.
    const worker = new ParseWorker(WORKER_SCRIPT, undefined, false);
    try {
      const withWorker = await findingsWith(plain, worker);
      assert.ok(worker.filesRead > 300, `the worker read ${worker.filesRead} files`);
      assert.equal(worker.filesTaken, 0);
      assert.ok(withWorker.length > 50);
      assert.deepEqual(withWorker, await findingsWith(plain));
    } finally {
      worker.close();
    }
  });

  test('read by both threads, each file once, the findings are those of one thread', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT);
    try {
      const withWorker = await findingsWith(plain, worker);
      const dealt = (await loadWorkspace([plain])).host.paths().length - 1; // not the topology file
      assert.equal(worker.filesRead + worker.filesTaken, dealt);
      assert.deepEqual(withWorker, await findingsWith(plain));
    } finally {
      worker.close();
    }
  });

  test('a worker that never answers is not waited for: the host thread takes every batch over', async () => {
    const script = silentWorkerScript();
    const worker = new ParseWorker(script);
    try {
      const withWorker = await findingsWith(plain, worker);
      assert.equal(worker.filesRead, 0);
      assert.ok(worker.filesTaken > 300, `the host took over ${worker.filesTaken} files`);
      assert.deepEqual(withWorker, await findingsWith(plain));
    } finally {
      worker.close();
    }
  });

  test('a few batches at a time are sent: the worker is kept busy, and one that never answers is sent no more', async () => {
    const few = new ParseWorker(WORKER_SCRIPT, undefined, true, 2);
    try {
      const withWorker = await findingsWith(plain, few);
      assert.ok(few.filesRead > 64, `the worker read ${few.filesRead} files, two batches at a time`);
      assert.ok(few.batchesSent > 2);
      assert.deepEqual(withWorker, await findingsWith(plain));
    } finally {
      few.close();
    }
    const script = silentWorkerScript();
    const silent = new ParseWorker(script, undefined, true, 2);
    try {
      const withSilent = await findingsWith(plain, silent);
      assert.equal(silent.batchesSent, 2);
      assert.ok(silent.filesTaken > 300, `the host took over ${silent.filesTaken} files`);
      assert.deepEqual(withSilent, await findingsWith(plain));
    } finally {
      silent.close();
    }
  });

  test('files a kustomization may read stay with the host thread, and the findings are the same', async () => {
    const overlays = generated('overlays');
    const worker = new ParseWorker(WORKER_SCRIPT);
    try {
      const withWorker = await findingsWith(overlays, worker);
      assert.equal(worker.filesRead, 0);
      assert.deepEqual(withWorker, await findingsWith(overlays));
    } finally {
      worker.close();
    }
  });

  test('a worker that dies leaves its files to the host thread', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'mesh-lens-dead-')), 'dead.js');
    writeFileSync(script, 'process.exit(3);\n');
    const worker = new ParseWorker(script);
    const withWorker = await findingsWith(plain, worker);
    assert.equal(worker.filesRead, 0);
    assert.deepEqual(withWorker, await findingsWith(plain));
  });

  test('an idle worker is stopped, and the next files start another with the same answers', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT, 50);
    try {
      const first = await findingsWith(plain, worker);
      assert.equal(worker.threadsStarted, 1);
      await waitUntil(() => !worker.running);
      const readBefore = worker.filesRead;
      const second = await findingsWith(plain, worker);
      assert.equal(worker.threadsStarted, 2);
      assert.ok(worker.filesRead > readBefore, 'the second thread read files');
      assert.deepEqual(second, first);
    } finally {
      worker.close();
    }
  });

  test('a worker told that nothing more is coming stops at its last answer, not after the idle wait', async () => {
    // An idle wait far longer than the test: only `stopWhenAnswered` can stop it in time.
    // The host waits for every answer here (no taking over): the worker has them all to give.
    const worker = new ParseWorker(WORKER_SCRIPT, 60_000, false);
    try {
      const files = [...generateWorkspace(SIZE, 'plain').files].slice(0, 200);
      const dealt = worker.read(
        files.map(([path, text]) => ({ path, text })),
        [],
      );
      worker.stopWhenAnswered();
      assert.equal(worker.running, true, 'it still has files to answer');
      const facts = await Promise.all(files.map(([path]) => dealt.factsOf(path)));
      assert.ok(
        facts.every((read) => read !== undefined),
        'every file was answered',
      );
      await waitUntil(() => !worker.running);
      worker.read([{ path: 'late.yaml', text: 'kind: Service\n' }], []);
      assert.equal(worker.running, true, 'later files start another thread');
      worker.stopWhenAnswered();
      await waitUntil(() => !worker.running);
      assert.equal(worker.threadsStarted, 2);
    } finally {
      worker.close();
    }
  });

  test('a worker starts once the text read could be dealt to it, not before, and stops if dealt nothing', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT, 50);
    try {
      worker.noteRead('a.yaml', 100 * 1024);
      assert.equal(worker.running, false);
      worker.noteRead('b.yaml', 500 * 1024);
      assert.equal(worker.running, true);
      worker.read([], []);
      await waitUntil(() => !worker.running);
      assert.equal(worker.threadsStarted, 1);
    } finally {
      worker.close();
    }
  });

  test('once a kustomization was read, the worker waits for files dealt to it', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT);
    try {
      worker.noteRead('base/kustomization.yaml', 100);
      worker.noteRead('base/services.yaml', 600 * 1024);
      assert.equal(worker.running, false);
      const overlays = generated('overlays');
      assert.deepEqual(await findingsWith(overlays, worker), await findingsWith(overlays));
      assert.equal(worker.threadsStarted, 0);
    } finally {
      worker.close();
    }
  });

  test('a closed worker leaves every later file to the host thread', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT);
    worker.close();
    assert.deepEqual(await findingsWith(plain, worker), await findingsWith(plain));
    assert.equal(worker.threadsStarted, 0);
  });

  test('a large workspace starts its worker while its files are still being read', async () => {
    const worker = new ParseWorker(WORKER_SCRIPT);
    const startedAt: boolean[] = [];
    try {
      await loadWorkspace([plain], { parseWorker: worker, onProgress: () => startedAt.push(worker.running) });
      assert.ok(startedAt.length > 100);
      assert.equal(startedAt[0], false);
      assert.equal(startedAt[startedAt.length - 1], true);
    } finally {
      worker.close();
    }
  });

  test('MESH_LENS_PARSE_WORKER=0 keeps a scan to one thread', () => {
    assert.equal(ParseWorker.worthStarting({ MESH_LENS_PARSE_WORKER: '0' }), false);
  });

  test('the language server publishes what the CLI reports', async () => {
    const cli = runCli(['check', plain, '--format', 'json']);
    const reported = JSON.parse(cli.stdout) as { file: string }[];
    const expected = new Map<string, number>();
    for (const { file } of reported) expected.set(file, (expected.get(file) ?? 0) + 1);
    assert.ok(expected.size > 50);
    const session = await startSession(plain);
    try {
      for (const [file, count] of expected)
        await session.waitForDiagnostics(file, (list) => list.length === count);
    } finally {
      await session.stop();
    }
  });
});
