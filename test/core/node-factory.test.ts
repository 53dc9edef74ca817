import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Document,
  isDocument,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Pair,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import { cloneResolved } from '../../shared/src/kustomize/clone';
import { createSourceFile } from '../../shared/src/text/source';
import { documentNode, mapNode, pairNode, scalarNode, seqNode } from '../../shared/src/yaml/node-factory';

/** `{ name: web, ports: [80, 443] }` made with the factory. */
function madeByFactory(): YAMLMap {
  const ports = seqNode();
  ports.items.push(scalarNode(80), scalarNode(443));
  const map = mapNode();
  map.items.push(pairNode(scalarNode('name'), scalarNode('web')));
  map.items.push(pairNode(scalarNode('ports'), ports));
  return map;
}

describe('node factory', () => {
  test("makes yaml's own nodes: its type checks, classes and methods see them", () => {
    const map = madeByFactory();
    assert.ok(isMap(map) && map instanceof YAMLMap && isNode(map));
    const [name, ports] = map.items;
    assert.ok(isPair(name) && name instanceof Pair);
    assert.ok(isScalar(name?.key) && name.key instanceof Scalar);
    assert.ok(isSeq(ports?.value) && ports.value instanceof YAMLSeq);
    assert.equal(map.get('name'), 'web');
    assert.deepEqual(map.toJSON(), { name: 'web', ports: [80, 443] });
    const doc = new Document();
    doc.contents = map;
    assert.equal(doc.toString(), 'name: web\nports:\n  - 80\n  - 443\n');
    const visited: unknown[] = [];
    visit(doc, { Scalar: (_key, node) => void visited.push(node.value) });
    assert.deepEqual(visited, ['name', 'web', 'ports', 80, 443]);
  });

  test('makes a document holding a node, read and printed as one yaml made', () => {
    const doc = documentNode(madeByFactory());
    assert.ok(isDocument(doc) && doc instanceof Document);
    assert.equal(doc.toString(), 'name: web\nports:\n  - 80\n  - 443\n');
    assert.deepEqual(doc.toJS(), { name: 'web', ports: [80, 443] });
    assert.deepEqual(doc.errors, []);
    const ports = (doc.contents as YAMLMap).get('ports') as YAMLSeq;
    assert.deepEqual(ports.toJS(doc), [80, 443]);
  });

  test('tags nodes through their prototype, not with a property of each (what made them slow to make)', () => {
    for (const node of [scalarNode(1), pairNode(null, null), mapNode(), seqNode(), documentNode(null)])
      assert.deepEqual(Object.getOwnPropertySymbols(node), []);
    assert.deepEqual({ ...scalarNode('a') }, { value: 'a' });
  });

  test('a rendered copy reads and prints as the document it copies', () => {
    const text =
      'kind: Service\nmetadata:\n  name: web\n  labels: { app: web }\nspec:\n  ports:\n    - port: 80\n';
    const doc = parseDocument(text);
    const copy = cloneResolved(
      { source: createSourceFile('a.yaml', text), doc: doc as Document.Parsed },
      doc.contents,
    );
    const out = new Document();
    out.contents = copy;
    assert.deepEqual(out.toJSON(), doc.toJSON());
    assert.equal(out.toString(), doc.toString());
    assert.notEqual(copy, doc.contents);
  });
});
