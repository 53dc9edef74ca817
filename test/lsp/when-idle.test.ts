import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createIdle, type Idle } from '../../server/src/lsp/when-idle';

// The scan pauses with `Idle.drain` (server/src/lsp/when-idle.ts). vscode-jsonrpc hands over one
// message per turn of the event loop; these tests feed messages the same way.

/** Delivers `count` messages, one per turn; `stop()` ends an endless stream (count Infinity). */
function messageStream(idle: Idle, count: number) {
  let delivered = 0;
  let stopped = false;
  const done = new Promise<void>((resolve) => {
    const next = () => {
      if (stopped || delivered >= count) return resolve();
      idle.noteMessage();
      delivered++;
      setImmediate(next);
    };
    setImmediate(next);
  });
  return {
    delivered: () => delivered,
    done,
    stop: () => {
      stopped = true;
    },
  };
}

describe('Idle.drain: a long job lets the messages read meanwhile through', () => {
  test('resolves once every queued message is handled, after the tasks they asked for', async () => {
    const idle = createIdle();
    const stream = messageStream(idle, 200);
    const order: string[] = [];
    idle.run('texts', () => order.push(`task after ${stream.delivered()} messages`));
    await idle.drain(60_000);
    order.push(`drained after ${stream.delivered()} messages`);
    assert.deepEqual(order, ['task after 200 messages', 'drained after 200 messages']);
  });

  test('a task asked for by a task runs in the same go', async () => {
    const idle = createIdle();
    const order: string[] = [];
    idle.run('texts', () => {
      order.push('texts');
      idle.run('publish', () => order.push('publish'));
    });
    await idle.drain(60_000);
    order.push('drained');
    assert.deepEqual(order, ['texts', 'publish', 'drained']);
  });

  test('messages that never stop: it resolves after its limit, and the job goes on', async () => {
    const idle = createIdle();
    const stream = messageStream(idle, Number.POSITIVE_INFINITY);
    let ran = false;
    idle.run('texts', () => {
      ran = true;
    });
    await idle.drain(30);
    assert.ok(stream.delivered() > 0, 'messages were handled meanwhile');
    stream.stop();
    await stream.done;
    await idle.drain(60_000);
    assert.equal(ran, true, 'and run once the messages pause');
  });
});
