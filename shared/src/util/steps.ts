/**
 * Work that can pause: a generator that yields between pieces and returns its result. The core
 * stays synchronous and pure; an adapter that must stay responsive (the language server, given a
 * 10 MB buffer) runs the pieces a few at a time, everything else runs them to the end at once.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now and returns the result. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
