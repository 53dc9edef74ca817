import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMap, Pair, Scalar, type YAMLMap } from 'yaml';
import { createSourceFile } from '../../shared/src/text/source';
import { composeDocuments } from '../../shared/src/yaml/document-cache';
import { memoOn } from '../../shared/src/yaml/node-memo';
import { type DocumentContext, findPair, getPath } from '../../shared/src/yaml/nodes';

// Indexes derived from a document are kept on the document or node they index (yaml/node-memo.ts):
// these hold that each object has its own, that a copy never answers with its original's, and that
// nothing of it shows in what yaml reads out of the nodes.

const SLOT = Symbol('test slot');

function contextOf(text: string): DocumentContext {
  const source = createSourceFile('memo.yaml', text);
  const [doc] = composeDocuments(source) ?? [];
  assert.ok(doc);
  return { source, doc };
}

/** A map of more keys than are searched in place, so that its lookups go through its index. */
const LARGE_MAP = Array.from({ length: 12 }, (_, index) => `k${index}: v${index}`).join('\n');

describe('memos kept on nodes', () => {
  test('computed once per object, and once more for a yaml clone of it', () => {
    const { doc } = contextOf('a: 1\n');
    let computed = 0;
    const value = () => ++computed;
    assert.equal(memoOn(doc, SLOT, value), 1);
    assert.equal(memoOn(doc, SLOT, value), 1);
    const copy = doc.clone();
    assert.equal(memoOn(copy, SLOT, value), 2);
    assert.equal(memoOn(doc, SLOT, value), 1);
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
