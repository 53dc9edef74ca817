import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMap, Pair, Scalar, type YAMLMap } from 'yaml';
import { createSourceFile } from '../../shared/src/text/source';
import { ObjectMemo } from '../../shared/src/util/object-memo';
import { composeDocuments } from '../../shared/src/yaml/document-cache';
import { type DocumentContext, findPair, getPath } from '../../shared/src/yaml/nodes';

// What is derived from an object is kept on it (util/object-memo.ts), not in a WeakMap: these hold
// that it answers as a WeakMap would, that a copy of a key never answers with its original's value,
// and that nothing of it shows in what yaml reads out of the nodes it is kept on.

function contextOf(text: string): DocumentContext {
  const source = createSourceFile('memo.yaml', text);
  const [doc] = composeDocuments(source) ?? [];
  assert.ok(doc);
  return { source, doc };
}

/** A map of more keys than are searched in place, so that its lookups go through its index. */
const LARGE_MAP = Array.from({ length: 12 }, (_, index) => `k${index}: v${index}`).join('\n');

describe('values kept on their keys', () => {
  test('answers as a WeakMap: get, set, has, delete, each key its own', () => {
    const memo = new ObjectMemo<object, number>();
    const [a, b] = [{}, {}];
    assert.equal(memo.get(a), undefined);
    assert.equal(memo.has(a), false);
    memo.set(a, 1).set(b, 2);
    assert.deepEqual([memo.get(a), memo.get(b), memo.has(a)], [1, 2, true]);
    memo.set(a, 3);
    assert.equal(memo.get(a), 3);
    assert.equal(memo.delete(a), true);
    assert.equal(memo.delete(a), false);
    assert.deepEqual([memo.get(a), memo.has(a), memo.get(b)], [undefined, false, 2]);
    // Two memos keep apart what they hold on one key.
    const other = new ObjectMemo<object, string>();
    other.set(b, 'other');
    assert.deepEqual([memo.get(b), other.get(b)], [2, 'other']);
  });

  test('a copy of a key, spread or cloned by yaml, holds nothing of its original', () => {
    const memo = new ObjectMemo<object, string>();
    const key = { name: 'shard' };
    memo.set(key, 'derived');
    const spread = { ...key };
    assert.equal(memo.get(spread), undefined);
    assert.equal(memo.has(spread), false);
    assert.equal(memo.delete(spread), false);
    assert.equal(memo.get(key), 'derived');
    const { doc } = contextOf('a: 1\n');
    memo.set(doc, 'document');
    assert.equal(memo.get(doc.clone()), undefined);
    assert.equal(memo.get(doc), 'document');
  });

  test('a frozen key is held all the same', () => {
    const memo = new ObjectMemo<readonly number[], string>();
    const frozen = Object.freeze([1, 2]);
    memo.set(frozen, 'frozen');
    assert.deepEqual([memo.get(frozen), memo.has(frozen)], ['frozen', true]);
    assert.equal(memo.delete(frozen), true);
    assert.equal(memo.get(frozen), undefined);
  });

  test("a cloned map's lookups read the clone's own pairs", () => {
    const ctx = contextOf(LARGE_MAP);
    const map = ctx.doc.contents as YAMLMap;
    const valueIn = (target: YAMLMap, key: string) =>
      (findPair(ctx, target, key)?.value as { value?: unknown } | undefined)?.value;
    assert.equal(valueIn(map, 'k11'), 'v11');
    const copy = map.clone() as YAMLMap;
    copy.set('k11', 'changed');
    copy.items.push(new Pair(new Scalar('k12'), new Scalar('added')));
    assert.equal(valueIn(copy, 'k11'), 'changed');
    assert.equal(valueIn(copy, 'k12'), 'added');
    assert.equal(valueIn(map, 'k11'), 'v11');
    assert.equal(findPair(ctx, map, 'k12'), undefined);
  });

  test('what yaml reads out of an indexed document is unchanged', () => {
    const ctx = contextOf(`root:\n  ${LARGE_MAP.replaceAll('\n', '\n  ')}\nalias: &a { x: 1 }\nuse: *a\n`);
    const before = JSON.stringify(ctx.doc.toJS());
    const root = getPath(ctx, ctx.doc.contents, ['root']);
    assert.ok(isMap(root));
    assert.equal(getPath(ctx, root, ['k3'])?.toJSON(), 'v3');
    assert.equal(getPath(ctx, ctx.doc.contents, ['use', 'x'])?.toJSON(), 1);
    assert.equal(JSON.stringify(ctx.doc.toJS()), before);
    assert.equal(ctx.doc.toString(), contextOf(ctx.source.text).doc.toString());
  });
});
