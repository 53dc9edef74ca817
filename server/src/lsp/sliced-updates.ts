import type { MeshLens, Snapshot } from '../../../shared/src';

/**
 * How long an update of a file's text runs before the server handles other messages. Parsing
 * takes about 0.4 ms per KB: a buffer under 100 KB is set at once, as before; a 9.5 MB buffer
 * took 4 s in one piece, and every request waited for it.
 */
const SLICE_MS = 50;

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

export function createSlicedUpdates(): SlicedUpdates {
  const running = new Map<string, Generator<void, boolean, void>>();

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

  return {
    setText(uri, host, path, text, onDone) {
      const steps = changedInSteps(host, path, text);
      running.set(uri, steps);
      advance(uri, steps, onDone);
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
