// The parse floor: read every YAML file under a folder and parse it with the `yaml` library, as the
// core does (`parseAllDocuments` with the same options), and nothing else. Run as its own process;
// the benchmark times it from spawn to exit. Prints one JSON line with counts (a sanity check).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/i.test(entry.name) ? [full] : [];
    });
}

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: node out/bench/floor.js DIR\n');
  process.exit(2);
}
let documents = 0;
let errors = 0;
const files = yamlFiles(root);
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: false })) {
    documents++;
    errors += doc.errors.length;
  }
}
process.stdout.write(`${JSON.stringify({ files: files.length, documents, errors })}\n`);
