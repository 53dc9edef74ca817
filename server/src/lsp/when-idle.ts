import type { ConnectionOptions } from 'vscode-languageserver/node';

/**
 * Work that waits until the server has handled the messages it has already read: taking an open
 * buffer's text into the workspace, publishing diagnostics. vscode-jsonrpc hands over one message
 * per turn of the event loop (a `setImmediate` each), so work scheduled with a plain `setImmediate`
 * ran between every two messages: 10,000 queued edits were parsed, analysed and published 10,000
 * times, and a hover behind them waited for all of that. Here a task runs only after a whole turn
 * in which no message was handled, so a burst is taken in once, whatever its length.
 */
export interface Idle {
  /** Called for every message the connection hands to its handlers. */
  noteMessage(): void;
  /**
   * Runs `task` once the messages already read are handled; asked again before then, under the same
   * name, it still runs once. Tasks run in the order they were first asked for.
   */
  run(name: string, task: () => void): void;
  /**
   * For a long job that pauses now and then (the scan): resolves once the messages already read
   * are handled and the tasks waiting for that have run, or once messages have kept coming for
   * `maxMs`. vscode-jsonrpc hands over one message per turn, so a job that paused for a single
   * turn let one message through per pause: 500 files opened at start-up waited for the whole scan.
   */
  drain(maxMs: number): Promise<void>;
}

/**
 * A stream of messages that never pauses for a whole turn would keep diagnostics waiting forever:
 * after this long the tasks run anyway, and the messages after them wait for one analysis.
 */
const MAX_WAIT_MS = 1000;

export function createIdle(): Idle {
  let handled = 0;
  const tasks = new Map<string, () => void>();
  let waiting: NodeJS.Immediate | undefined;
  let since = 0;

  const runTasks = () => {
    if (waiting) clearImmediate(waiting);
    waiting = undefined;
    // A task may ask for another (taking a buffer's text asks for a publish): it runs in this go.
    for (const [name, task] of tasks) {
      tasks.delete(name);
      task();
    }
  };

  // The first look always waits one more turn: the message whose handler asked for the task is
  // still being handled, and the next one is queued behind this immediate.
  const waitFor = (seen: number) => {
    waiting = setImmediate(() => {
      if (handled !== seen && performance.now() - since < MAX_WAIT_MS) waitFor(handled);
      else runTasks();
    });
  };

  return {
    noteMessage() {
      handled++;
    },
    run(name, task) {
      if (!tasks.has(name)) tasks.set(name, task);
      if (waiting) return;
      since = performance.now();
      waitFor(-1);
    },
    drain(maxMs) {
      const until = performance.now() + maxMs;
      return new Promise((resolve) => {
        // As `waitFor`: the first look waits one more turn for the messages queued behind it.
        const look = (seen: number) =>
          setImmediate(() => {
            if (performance.now() >= until) resolve();
            else if (handled !== seen) look(handled);
            else {
              runTasks();
              resolve();
            }
          });
        look(-1);
      });
    },
  };
}

/** The connection's options, with every message it dispatches counted by `idle`. */
export function countingMessages(options: ConnectionOptions, idle: Idle): ConnectionOptions {
  const inner = options.messageStrategy;
  return {
    ...options,
    messageStrategy: {
      handleMessage(message, next) {
        idle.noteMessage();
        return inner ? inner.handleMessage(message, next) : next(message);
      },
    },
  };
}
