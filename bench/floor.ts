// The parse floor: read every YAML file under a folder and parse it with the `yaml` library, as the
// core does (`parseAllDocuments` with the same options), and nothing else. Run as its own process;
// the benchmark times it from spawn to exit. Prints one JSON line with counts (a sanity check).
//
// `--workers N` (issue #18): the same work split over N worker threads — the floor of a reader that
// uses both cores of the benchmark machine. The files are dealt largest first to the worker with the
// fewest bytes so far (a file is never split), each worker reads and parses its own, the main thread
// only lists the folder and waits.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseAllDocuments } from 'yaml';
import { deal } from './deal';

interface Counts {
  files: number;
  documents: number;
  errors: number;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/i.test(entry.name) ? [full] : [];
    });
}

function parseFiles(files: string[]): Counts {
  let documents = 0;
  let errors = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: false })) {
      documents++;
      errors += doc.errors.length;
    }
  }
  return { files: files.length, documents, errors };
}

function inWorkers(files: string[], workers: number): Promise<Counts> {
  const shares = deal(
    files.map((path) => ({ path, bytes: statSync(path).size })),
    workers,
  );
  return Promise.all(
    shares.map(
      (share) =>
        new Promise<Counts>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: share });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  ).then((counts) =>
    counts.reduce((sum, c) => ({
      files: sum.files + c.files,
      documents: sum.documents + c.documents,
      errors: sum.errors + c.errors,
    })),
  );
}

async function main(): Promise<void> {
  const [root, flag, value] = process.argv.slice(2);
  const workers = flag === '--workers' ? Number(value) : 1;
  if (!root || !(workers >= 1)) {
    process.stderr.write('usage: node out/bench/floor.js DIR [--workers N]\n');
    process.exit(2);
  }
  const files = yamlFiles(root);
  const counts = workers === 1 ? parseFiles(files) : await inWorkers(files, workers);
  process.stdout.write(`${JSON.stringify({ ...counts, workers })}\n`);
}

if (isMainThread) void main();
else parentPort?.postMessage(parseFiles(workerData as string[]));
