import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argoGlob } from '../../shared/src/topology/argo-glob';

// Argo CD's directory include/exclude globs (gobwas/glob without separators), as its docs use them.

const matches = (pattern: string, paths: string[]) => paths.filter(argoGlob(pattern));

describe("Argo CD's directory globs", () => {
  test('`*` matches any characters, `/` included; the whole path must match', () => {
    assert.deepEqual(matches('*.yaml', ['a.yaml', 'sub/b.yaml', 'a.yml', 'a.yaml.bak']), [
      'a.yaml',
      'sub/b.yaml',
    ]);
    assert.deepEqual(matches('some-directory/*', ['some-directory/a.yaml', 'other/a.yaml']), [
      'some-directory/a.yaml',
    ]);
  });

  test('`{a,b}` alternatives (nested), `?`, classes and their negation, escapes', () => {
    assert.deepEqual(
      matches('{config.json,env-usw2/*}', ['config.json', 'env-usw2/cm.yaml', 'env-use2/cm.yaml']),
      ['config.json', 'env-usw2/cm.yaml'],
    );
    assert.deepEqual(matches('{*.y{a,}ml}', ['a.yaml', 'a.yml', 'a.json']), ['a.yaml', 'a.yml']);
    assert.deepEqual(matches('svc?.yaml', ['svc1.yaml', 'svc12.yaml']), ['svc1.yaml']);
    assert.deepEqual(matches('[a-c]*.yaml', ['b.yaml', 'd.yaml']), ['b.yaml']);
    assert.deepEqual(matches('[!a-c]*.yaml', ['b.yaml', 'd.yaml']), ['d.yaml']);
    assert.deepEqual(matches('\\*.yaml', ['*.yaml', 'a.yaml']), ['*.yaml']);
    assert.deepEqual(
      matches('a.(yaml)+', ['a.(yaml)+', 'a.yaml']),
      ['a.(yaml)+'],
      'regex characters are literal',
    );
  });

  test('a pattern that does not compile matches nothing (Argo CD logs it)', () => {
    assert.deepEqual(matches('{a,b', ['a', 'b', '{a,b']), []);
    assert.deepEqual(matches('[ab', ['a', '[ab']), []);
  });
});
