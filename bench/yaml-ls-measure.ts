// Time to diagnostics of yaml-language-server for a set of opened files.

import { memoryOf, sleep } from './processes';
import { round } from './stats';
import { startYamlLanguageServer } from './yaml-ls';

export interface YamlLsRun {
  /** Spawn → every opened file has had at least one publishDiagnostics. */
  allPublishedMs: number;
  /** Spawn → the last publish before `quietMs` without any (the server had settled). */
  settledMs: number;
  publishes: number;
  peakRssMB: number;
  /** Distinct diagnostic messages (first 150 characters) and how often they were published, last state. */
  messages: Record<string, number>;
}

const LIMIT_MS = 600_000;

export async function measureYamlLs(root: string, opened: string[], quietMs: number): Promise<YamlLsRun> {
  const spawned = performance.now();
  const session = await startYamlLanguageServer(root);
  try {
    const pending = new Set(opened.map((path) => session.uri(path)));
    let allPublished = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`yaml-language-server: ${pending.size} files without diagnostics`)),
        LIMIT_MS,
      );
      const stop = session.watch.onArrival((arrival) => {
        pending.delete(arrival.uri);
        if (pending.size === 0) {
          allPublished = arrival.at;
          stop();
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (const path of opened) await session.open(path);
    await done;
    while (performance.now() - (session.watch.lastArrival() ?? 0) < quietMs) await sleep(100);
    const messages: Record<string, number> = {};
    for (const diagnostics of session.watch.latest.values()) {
      for (const diagnostic of diagnostics) {
        const text = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
        const key = text.slice(0, 150);
        messages[key] = (messages[key] ?? 0) + 1;
      }
    }
    return {
      allPublishedMs: round(allPublished - spawned),
      settledMs: round((session.watch.lastArrival() ?? allPublished) - spawned),
      publishes: session.watch.publishes(),
      peakRssMB: memoryOf(session.pid).peakMB,
      messages,
    };
  } finally {
    await session.stop();
  }
}
