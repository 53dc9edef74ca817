import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checks } from '../../shared/src';

describe('diagnostic catalogue', () => {
  test('codes and names are unique and well-formed', () => {
    const codes = checks.map((entry) => entry.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const entry of checks) {
      assert.match(entry.code, /^MESH\d{3}$/);
      assert.match(entry.name, /^[a-z]+(-[a-z0-9]+)*$/);
      assert.ok(entry.description.length > 80, `${entry.code} needs a real description`);
    }
  });
});
