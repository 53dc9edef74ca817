import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { guardFrames } from '../../server/src/lsp/frame-guard';

// Issue #18: the server reads the client's messages no faster than it handles them (one per turn of
// the event loop, as vscode-jsonrpc dispatches them), so that a burst stays in the pipe and a request
// sent during it waits only for what the pipe holds ahead of it.

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('frame guard: pacing', () => {
  test('a chunk of 50 messages comes out one per turn, in order, and is taken only once they are all out', async () => {
    const guard = guardFrames(() => assert.fail('nothing is malformed'));
    const out: string[] = [];
    guard.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    const bodies = Array.from({ length: 50 }, (_, index) =>
      JSON.stringify({ jsonrpc: '2.0', method: 'm', params: index }),
    );
    let taken = false;
    guard.write(Buffer.from(bodies.map(frame).join('')), () => {
      taken = true;
    });
    assert.ok(out.length <= 1, `${out.length} messages passed on at once`);
    const perTurn: number[] = [];
    while (out.length < bodies.length) {
      const before = out.length;
      assert.equal(taken, false, 'the chunk is not taken while its messages wait');
      await turn();
      perTurn.push(out.length - before);
    }
    assert.ok(
      perTurn.length >= bodies.length - 1 && perTurn.every((count) => count <= 1),
      `at most one message per turn: ${perTurn.join(',')}`,
    );
    assert.deepEqual(out, bodies.map(frame));
    await turn();
    assert.equal(taken, true, 'then the chunk is taken, and reading goes on');
  });

  test('a message split over chunks, and broken frames, still come out whole and in order', async () => {
    const dropped: string[] = [];
    const guard = guardFrames((problem) => dropped.push(problem));
    const out: string[] = [];
    guard.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    const first = frame('{"a":1}');
    const second = frame('{"b":2}');
    const text = `${first}Content-Length: x\r\n\r\n${second}`;
    for (let at = 0; at < text.length; at += 5) guard.write(Buffer.from(text.slice(at, at + 5)));
    await new Promise<void>((resolve) => guard.end(resolve));
    assert.deepEqual(out, [first, second]);
    assert.equal(dropped.length, 1);
  });
});
