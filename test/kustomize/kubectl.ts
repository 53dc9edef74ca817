import { execFile, spawnSync } from 'node:child_process';

/** Whether `kubectl` (with its built-in kustomize) can be run here. */
export function kubectlAvailable(): boolean {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

export type KubectlResult = { ok: true; output: string } | { ok: false; error: string };

/** `kubectl kustomize DIR`: its output, or its error. */
export function kubectlKustomize(dir: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['kustomize', dir],
      { encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve(error ? { ok: false, error: stderr || error.message } : { ok: true, output: stdout });
      },
    );
  });
}

/** Runs `task` over `items` with at most `limit` running at once, results in the items' order. */
export async function pooled<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
