import type { MeshLens, Snapshot } from '../../../shared/src';
import type { ParseWorker } from '../parse-workers';

/**
 * How long an update of a file's text runs before the server handles other messages. Parsing
 * takes about 0.4 ms per KB: a buffer under 100 KB is set at once, as before; a 9.5 MB buffer
 * took 4 s in one piece, and every request waited for it.
 */
const SLICE_MS = 50;

/**
 * From this size, an open buffer's text is parsed by the parse worker when there is one: slices end
 * between YAML documents, so one large document still held every request for as long as it took to
 * parse. The host thread then only rebuilds the facts (about a tenth of the parse).
 */
const WORKER_TEXT_CHARS = 256 * 1024;

/**
 * Sets open buffers' texts in slices: between slices, requests are answered from the workspace as
 * it was. Each document has at most one update running; a newer text replaces it.
 */
export interface SlicedUpdates {
  /** Sets the text of `uri` (at `path` in `host`); calls `onDone` once the host has it. */
  setText(uri: string, host: MeshLens, path: string, text: string, onDone: (changed: boolean) => void): void;
  /** Drops the unfinished update of `uri`, if any: its text came from elsewhere since. */
  cancel(uri: string): void;
}

export function createSlicedUpdates(worker?: ParseWorker): SlicedUpdates {
  /** Each document's update: its steps, or the token of its text being read by the worker. */
  const running = new Map<string, Generator<void, boolean, void> | symbol>();

  function advance(
    uri: string,
    steps: Generator<void, boolean, void>,
    onDone: (changed: boolean) => void,
  ): void {
    if (running.get(uri) !== steps) return;
    const deadline = performance.now() + SLICE_MS;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        running.delete(uri);
        onDone(step.value);
        return;
      }
      if (performance.now() > deadline) break;
    }
    // setImmediate, not a timer: the messages already read are handled first, then the next slice.
    setImmediate(() => advance(uri, steps, onDone));
  }

  function inSlices(
    uri: string,
    host: MeshLens,
    path: string,
    text: string,
    onDone: (changed: boolean) => void,
  ) {
    const steps = changedInSteps(host, path, text);
    running.set(uri, steps);
    advance(uri, steps, onDone);
  }

  function inWorker(
    parser: ParseWorker,
    uri: string,
    host: MeshLens,
    path: string,
    text: string,
    onDone: (changed: boolean) => void,
  ) {
    const token = Symbol(uri);
    running.set(uri, token);
    void parser
      .read([{ path, text }], host.valueDomains())
      .factsOf(path)
      .then((facts) => {
        if (running.get(uri) !== token) return; // a newer text, or one from elsewhere, replaced it
        // The worker failed on it: parsed here, in slices, as without a worker.
        if (!facts) return inSlices(uri, host, path, text, onDone);
        running.delete(uri);
        const before = host.snapshot();
        onDone(host.applyChange({ set: [[path, text, facts]] }) !== before);
      });
  }

  return {
    setText(uri, host, path, text, onDone) {
      if (worker && text.length >= WORKER_TEXT_CHARS) inWorker(worker, uri, host, path, text, onDone);
      else inSlices(uri, host, path, text, onDone);
    },
    cancel(uri) {
      running.delete(uri);
    },
  };
}

/** The host's stepped update, answering whether it changed anything (a new snapshot). */
function* changedInSteps(host: MeshLens, path: string, text: string): Generator<void, boolean, void> {
  const before: Snapshot = host.snapshot();
  return (yield* host.setTextInSteps(path, text)) !== before;
}
