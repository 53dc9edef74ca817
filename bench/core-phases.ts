// In-process timing of the core's phases on one workspace, to attribute the server's time precisely:
// reading the files (the server's reader, and a plain synchronous read for scale), parsing every file (setFile), assembling the model (getModel), each check's run, and the heap
// retained by the parsed files. `node --expose-gc out/bench/core-phases.js DIR [REPEAT]` prints one
// JSON object. The core is only called, never changed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readWorkspaceFiles } from '../server/src/workspace-files';
import { createWorkspace, getModel, runChecks, setFile } from '../shared/src';
import { checks } from '../shared/src/checks/registry';
import { round } from './stats';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/i.test(entry.name) ? [full] : [];
    });
}

const collect = (globalThis as { gc?: () => void }).gc;
function heapMB(): number {
  collect?.();
  collect?.();
  return round(process.memoryUsage().heapUsed / 1024 / 1024, 1);
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: round(performance.now() - started), value };
}

async function main(root: string, repeat: number) {
  const plain = timed(() =>
    yamlFiles(root).map((file) => ({
      path: relative(root, file).split(sep).join('/'),
      text: readFileSync(file, 'utf8'),
    })),
  );
  const texts = plain.value;
  const serverReadStarted = performance.now();
  const read = await readWorkspaceFiles(root, { maxFileBytes: 10 * 1024 * 1024 });
  const serverReadMs = round(performance.now() - serverReadStarted);
  if (read.files.length !== texts.length) throw new Error('the server reader and the plain reader disagree');
  const textMB = round(texts.reduce((sum, file) => sum + file.text.length, 0) / 1024 / 1024, 1);
  const heapBefore = heapMB();
  const workspace = createWorkspace();
  const parse = timed(() => {
    for (const file of texts) setFile(workspace, file.path, file.text);
  });
  const heapAfterParse = heapMB();
  // As after an edit: the per-file facts are cached, the model and the findings are rebuilt whole.
  const models: number[] = [];
  const all: number[] = [];
  const perCheck = new Map<string, number[]>();
  let findings = 0;
  for (let index = 0; index < repeat; index++) {
    workspace.model = undefined;
    const model = timed(() => getModel(workspace));
    models.push(model.ms);
    for (const check of checks) {
      const mesh = model.value;
      const run = timed(() => [...mesh.shards.values()].flatMap((shard) => check.run(shard, mesh)));
      perCheck.set(check.code, [...(perCheck.get(check.code) ?? []), run.ms]);
    }
    const complete = timed(() => runChecks(model.value));
    all.push(complete.ms);
    findings = complete.value.length;
  }
  const heapAfterModel = heapMB();
  const best = (samples: number[]) => Math.min(...samples);
  const checkTimes = [...perCheck.entries()]
    .map(([code, samples]) => ({
      code,
      name: checks.find((check) => check.code === code)?.name ?? '',
      ms: best(samples),
    }))
    .sort((a, b) => b.ms - a.ms);
  const checksSum = round(checkTimes.reduce((sum, check) => sum + check.ms, 0));
  return {
    repeat,
    files: texts.length,
    textMB,
    findings,
    /** readdirSync + readFileSync of every file, and the server's async reader (server/src/workspace-files.ts). */
    plainReadMs: plain.ms,
    serverReadMs,
    parseAllFilesMs: parse.ms,
    modelBuildMs: best(models),
    runChecksMs: best(all),
    /** runChecks beyond the checks' own run(): suppression lookups and sorting. */
    runChecksOverheadMs: round(best(all) - checksSum),
    checks: checkTimes,
    heapMB: { before: heapBefore, afterParse: heapAfterParse, afterModelAndChecks: heapAfterModel },
  };
}

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: node --expose-gc out/bench/core-phases.js DIR [REPEAT]\n');
  process.exit(2);
}
main(root, Number(process.argv[3] ?? 3)).then((result) =>
  process.stdout.write(`${JSON.stringify(result)}\n`),
);
