import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkByCode, checks } from '../../shared/src';
import { check } from '../helpers/checks';
import { checkFix, offeredFixesFor } from '../helpers/fixes';

// Every check documents a wrong workspace and the same workspace fixed (docs/diagnostics.md is
// generated from them). The docs promise three things, proven here for each check: the wrong
// example raises the code, the fixed one is silent, and the quick-fix the editor offers turns the
// one into the other, byte for byte.

/** The checks that offer no fix for their example, with the reason SPEC §7 (quick-fix column) gives. */
const withoutFix = new Map([
  ['MESH105', 'SPEC: none; the related locations name both copies, and only the author knows which to keep'],
  ['MESH123', 'SPEC: none; the related locations explain why the cluster cannot reach the service'],
  ['MESH152', 'SPEC: none; the message explains which label wins'],
  ['MESH170', 'SPEC: none; endpoints come from workloads Mesh Lens cannot start'],
  ['MESH190', 'SPEC: none; only the author knows what the broken YAML meant'],
  ['MESH191', 'SPEC: as applicable; the example lacks a cluster and a segment only the author can describe'],
  ['MESH192', 'SPEC: none; what Mesh Lens cannot follow is for the author to change or accept'],
  ['MESH193', 'SPEC: none; only the author knows which manifests the cluster should receive'],
  ['MESH195', 'not in the SPEC catalogue: nothing is wrong, the content is only skipped'],
]);

describe('documented examples', () => {
  test('the checks listed as having no fix exist', () => {
    for (const code of withoutFix.keys()) assert.ok(checkByCode(code), `${code} is no check`);
  });

  for (const entry of checks) {
    const { wrong, fixed } = entry.example;
    const label = `${entry.code} ${entry.name}`;

    test(`${label}: the wrong example raises it, and the fixed example is silent`, () => {
      assert.ok(check(wrong, entry.code).findings.length > 0, 'the wrong example must raise the code');
      assert.deepEqual(check(fixed, entry.code).findings, []);
    });

    const reason = withoutFix.get(entry.code);
    if (reason) {
      test(`${label}: offers no fix for the wrong example (${reason})`, () => {
        assert.deepEqual(offeredFixesFor(wrong, { code: entry.code }).fixes, []);
      });
      continue;
    }

    const { fixes } = offeredFixesFor(wrong, { code: entry.code });
    const preferred = fixes.find((fix) => fix.preferred);
    const fix = preferred ?? fixes[0];
    const which = preferred ? 'the preferred fix' : 'the first offered fix (none is preferred)';
    test(`${label}: ${which} "${fix?.title}" turns the wrong example into the fixed one`, () => {
      assert.ok(fix, 'the wrong example must offer a fix, or the check must be listed without one');
      checkFix(wrong, fixed, { code: entry.code, title: fix.title });
    });
  }
});
