import type { Diagnostic } from 'vscode-languageserver-protocol/node';

export interface Arrival {
  uri: string;
  diagnostics: Diagnostic[];
  /** performance.now() when the notification was handled. */
  at: number;
}

export type ArrivalListener = (arrival: Arrival) => void;

/**
 * Timestamps every publishDiagnostics a client records in `latest`. The test harness keeps the latest
 * diagnostics per URI in a Map and offers no per-arrival hook, so this wraps that Map's `set`: the
 * harness stays as the tests use it, and waiting for one URI costs O(1) per notification even with
 * tens of thousands of files (the harness's own waitForDiagnostics re-checks every waiter on every
 * notification and gives up after 15 s).
 */
export interface DiagnosticsWatch {
  latest: Map<string, Diagnostic[]>;
  publishes(): number;
  lastArrival(): number | undefined;
  onArrival(listener: ArrivalListener): () => void;
  /** The arrival time of the first publish for `uri` from now on that `accept`s, or a rejection after `timeoutMs`. */
  next(uri: string, accept: (diagnostics: Diagnostic[]) => boolean, timeoutMs: number): Promise<number>;
}

export function watchDiagnostics(latest: Map<string, Diagnostic[]>): DiagnosticsWatch {
  const listeners = new Set<ArrivalListener>();
  const waiters = new Map<string, Set<ArrivalListener>>();
  let count = 0;
  let last: number | undefined;
  const set = latest.set.bind(latest);
  latest.set = (uri: string, diagnostics: Diagnostic[]) => {
    set(uri, diagnostics);
    const arrival = { uri, diagnostics, at: performance.now() };
    count++;
    last = arrival.at;
    for (const listener of listeners) listener(arrival);
    for (const waiter of waiters.get(uri) ?? []) waiter(arrival);
    return latest;
  };
  return {
    latest,
    publishes: () => count,
    lastArrival: () => last,
    onArrival(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    next(uri, accept, timeoutMs) {
      return new Promise((resolve, reject) => {
        let forUri = waiters.get(uri);
        if (!forUri) {
          forUri = new Set();
          waiters.set(uri, forUri);
        }
        const waiter: ArrivalListener = (arrival) => {
          if (!accept(arrival.diagnostics)) return;
          forUri?.delete(waiter);
          clearTimeout(timer);
          resolve(arrival.at);
        };
        const timer = setTimeout(() => {
          forUri?.delete(waiter);
          reject(new Error(`no accepted diagnostics for ${uri} within ${timeoutMs} ms`));
        }, timeoutMs);
        forUri.add(waiter);
      });
    },
  };
}
