import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checks, docsUrl } from '../../shared/src';
import { diagnosticsMarkdown } from '../../shared/src/docs/diagnostics-markdown';
import { repoRoot } from '../helpers/paths';

test('docs/diagnostics.md is generated from the current checks (run `npm run docs` after changing one)', () => {
  const committed = readFileSync(join(repoRoot, 'docs', 'diagnostics.md'), 'utf8');
  assert.equal(committed, diagnosticsMarkdown());
});

test('every code has a section whose anchor is the one its findings link to', () => {
  const markdown = diagnosticsMarkdown();
  for (const check of checks) {
    assert.ok(markdown.includes(`\n## ${check.code} ${check.name}\n`), `no section for ${check.code}`);
    assert.ok(docsUrl(check).endsWith(`#${check.code.toLowerCase()}-${check.name}`));
  }
});
