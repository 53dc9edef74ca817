// `npm run docs`: writes docs/diagnostics.md from the checks (see shared/src/docs/diagnostics-markdown.ts).
import { writeFileSync } from 'node:fs';
import { diagnosticsMarkdown } from '../shared/src/docs/diagnostics-markdown';

writeFileSync('docs/diagnostics.md', diagnosticsMarkdown());
process.stdout.write('wrote docs/diagnostics.md\n');
