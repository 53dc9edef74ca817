import { writeFileSync } from 'node:fs';

// A small sequential runner for the extension host (where node:test's reporter cannot run): each case
// has a timeout, every case runs even after a failure, and the results go to the console and, for the
// driver's node:test summary, to the JSON file named by MESH_LENS_E2E_RESULTS.

export interface Case {
  name: string;
  run: () => Promise<void>;
  timeoutMs?: number;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface SuiteReport {
  cases: CaseResult[];
  metrics: Record<string, number>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function runCases(cases: Case[], metrics: Record<string, number>): Promise<void> {
  const results: CaseResult[] = [];
  for (const testCase of cases) {
    const started = Date.now();
    try {
      await withTimeout(testCase.run(), testCase.timeoutMs ?? DEFAULT_TIMEOUT_MS, testCase.name);
      results.push({ name: testCase.name, ok: true, ms: Date.now() - started });
      console.log(`✔ ${testCase.name} (${Date.now() - started} ms)`);
    } catch (error) {
      const message = (error as Error)?.stack ?? String(error);
      results.push({ name: testCase.name, ok: false, ms: Date.now() - started, error: message });
      console.error(`✖ ${testCase.name}\n${message}`);
    }
  }
  const report: SuiteReport = { cases: results, metrics };
  const file = process.env.MESH_LENS_E2E_RESULTS;
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
  const failed = results.filter((result) => !result.ok);
  console.log(`Mesh Lens e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length > 0)
    throw new Error(`${failed.length} e2e case(s) failed: ${failed.map((f) => f.name).join('; ')}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
