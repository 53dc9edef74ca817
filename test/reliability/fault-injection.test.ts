import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';

// The fault-injection switch makes checks throw on demand: a test tool, not something a user's
// editor should be able to turn on. It lives in its own entry point (out/test-server.js); the
// shipped server bundle must not contain it.
const SWITCH = 'MESH_LENS_FAULT_INJECT';

const bundle = (...path: string[]) => readFileSync(join(repoRoot, ...path), 'utf8');

describe('fault injection stays out of the shipped server', () => {
  test('dist/server.js has no fault-injection switch', () => {
    const shipped = bundle('dist', 'server.js');
    assert.ok(!shipped.includes(SWITCH), `dist/server.js mentions ${SWITCH}`);
    assert.ok(!shipped.includes('fault injected'), 'dist/server.js can inject faults');
  });

  // Without this twin, a renamed switch would make the test above pass for the wrong reason.
  test('out/test-server.js, the build the tests inject faults with, has it', () => {
    assert.ok(bundle('out', 'test-server.js').includes(SWITCH));
  });
});
