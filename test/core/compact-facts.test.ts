import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MeshLens } from '../../shared/src';
import { createSourceFile, lineStarts, offsetAt, positionAt, rangeOf } from '../../shared/src/text/source';
import { StringTable } from '../../shared/src/util/intern';
import { OneEntryMap, SmallMap, settledList, settledMap, TwoEntryMap } from '../../shared/src/util/settled';
import { finish } from '../../shared/src/util/steps';
import { cachedTextsOf, documentsOf } from '../../shared/src/yaml/document-cache';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { plainRange } from '../helpers/fixture';

// The facts are stored compactly (docs/decisions.md, "Memory"): these hold the shortcuts to
// the behaviour of the plain structures they replace.

/**
 * Asserts that a compact map reads as a `Map` of `entries` would, in their order: size, every entry
 * found (keys compared as a `Map` compares them), none of the `absent` keys found, and iteration.
 */
function assertReadsAs(
  map: ReadonlyMap<unknown, unknown>,
  entries: [unknown, unknown][],
  absent: unknown[],
): void {
  assert.equal(map.size, entries.length);
  for (const [key, value] of entries) {
    assert.equal(map.get(key), value);
    assert.equal(map.has(key), true);
  }
  for (const key of absent) {
    assert.equal(map.get(key), undefined);
    assert.equal(map.has(key), false);
  }
  assert.deepEqual([...map], entries);
  assert.deepEqual(
    [...map.keys()],
    entries.map(([key]) => key),
  );
  assert.deepEqual(
    [...map.values()],
    entries.map(([, value]) => value),
  );
  const seen: unknown[] = [];
  map.forEach((value, key, self) => {
    seen.push(key, value, self === map);
  });
  assert.deepEqual(
    seen,
    entries.flatMap(([key, value]) => [key, value, true]),
  );
}

describe('settled facts', () => {
  test('an empty list is shared and refuses to grow; a full one is an equal copy', () => {
    const empty = settledList<number>([]);
    assert.equal(empty, settledList<string>([]));
    assert.throws(() => empty.push(1), TypeError);
    const items = [1, 2, 3];
    const kept = settledList(items);
    assert.notEqual(kept, items);
    assert.deepEqual(kept, items);
  });

  test('an empty map is shared and refuses entries; a small one is a list; a big one is kept as it is', () => {
    const empty = settledMap(new Map<string, number>());
    assert.equal(empty, settledMap(new Map<string, number>()));
    assert.throws(() => (empty as Map<string, number>).set('a', 1), TypeError);
    assert.equal(empty.size, 0);
    const entries: [unknown, string][] = [
      ['b', 'B'],
      ['a', 'A'],
      [Number.NaN, 'not a number'],
    ];
    const small = settledMap(new Map(entries));
    assert.ok(small instanceof SmallMap);
    assertReadsAs(small, entries, ['c', 'B']);
    const big = new Map(Array.from({ length: 9 }, (_, index) => [`k${index}`, index]));
    assert.equal(settledMap(big), big);
  });

  test('a map of two entries is its keys and values, in order, and reads as a Map', () => {
    const entries: [unknown, string][] = [
      ['version', 'v1'],
      [Number.NaN, 'not a number'],
    ];
    const two = settledMap(new Map(entries));
    assert.ok(two instanceof TwoEntryMap);
    assertReadsAs(two, entries, ['v1', 'app']);
  });

  test('a map of one entry is its key and value, and reads as a Map', () => {
    const one = settledMap(new Map([['app', 'cart']]));
    assert.ok(one instanceof OneEntryMap);
    assertReadsAs(one, [['app', 'cart']], ['cart', 'version']);
    const notANumber = settledMap(new Map([[Number.NaN, 'not a number']]));
    assertReadsAs(notANumber, [[Number.NaN, 'not a number']], [0]);
  });

  test('interning returns the first copy of a short string, and leaves long ones alone', () => {
    const strings = new StringTable();
    const first = ['glo', 'bal'].join('');
    const second = ['gl', 'obal'].join('');
    assert.equal(strings.intern(first), first);
    assert.equal(strings.intern(second), first);
    const long = 'x'.repeat(65);
    assert.equal(strings.intern(long), long);
  });
});

describe('ranges without kept line indexes', () => {
  test('a range reads as plain positions and serialises as a plain range', () => {
    const parsed = parseFile('a.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n');
    const range = parsed.resources[0]?.name?.range;
    assert.deepEqual(range?.start, { line: 3, character: 8 });
    assert.deepEqual(range?.end, { line: 3, character: 12 });
    assert.deepEqual(JSON.parse(JSON.stringify(range)), plainRange(range));
  });

  test('ranges past a packed position (a line over 4095 characters, half a million lines) read right', () => {
    const long = 'x'.repeat(5000);
    const parsed = parseFile(
      'a.yaml',
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  labels: {a: ${long}, b: c}\n`,
    );
    const labels = parsed.resources[0]?.labels;
    assert.deepEqual(labels?.get('a')?.range.start, { line: 4, character: 14 });
    assert.deepEqual(labels?.get('a')?.range.end, { line: 4, character: 5014 });
    assert.deepEqual(labels?.get('b')?.keyRange?.start, { line: 4, character: 5016 });
    assert.deepEqual(labels?.get('b')?.range.end, { line: 4, character: 5020 });
    assert.deepEqual(rangeOf(600_000, 2, 600_001, 4095).end, { line: 600_001, character: 4095 });
    assert.deepEqual(rangeOf(524_287, 4095, 524_287, 4095).start, { line: 524_287, character: 4095 });
    assert.deepEqual(JSON.parse(JSON.stringify(rangeOf(1, 4096, 2, 0))), {
      start: { line: 1, character: 4096 },
      end: { line: 2, character: 0 },
    });
  });

  test('positions stay right for a file whose line index left the cache long ago', () => {
    const sources = Array.from({ length: 200 }, (_, index) =>
      createSourceFile(`f${index}.yaml`, `${'# pad\n'.repeat(index % 7)}a: ${index}\r\nb: x\rc: y\n`),
    );
    for (const source of sources) lineStarts(source);
    for (const [index, source] of sources.entries()) {
      const lines = index % 7;
      const offset = source.text.indexOf('c: y');
      assert.deepEqual(positionAt(source, offset), { line: lines + 2, character: 0 }, source.path);
      assert.equal(offsetAt(source, { line: lines + 2, character: 0 }), offset);
      // Between a CR and its LF is no position: it reads as the end of the line.
      const crlf = source.text.indexOf('\r\n');
      assert.deepEqual(positionAt(source, crlf + 1), positionAt(source, crlf));
    }
  });
});

describe('cached documents', () => {
  test("a file's new text lets its old text's documents go; other files keep theirs", () => {
    const other = parseFile('other.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n');
    const first = parseFile('edited.yaml', 'kind: Service\nmetadata:\n  name: a\n');
    documentsOf(first.source);
    assert.equal(cachedTextsOf('edited.yaml'), 1);
    const second = parseFile('edited.yaml', 'kind: Service\nmetadata:\n  name: b\n');
    assert.equal(cachedTextsOf('edited.yaml'), 1);
    assert.equal(cachedTextsOf('other.yaml'), 1);
    // The old text is parsed again when something asks for it, and answers as before.
    assert.equal(documentsOf(first.source)[0]?.getIn(['metadata', 'name']), 'a');
    assert.equal(documentsOf(second.source)[0]?.getIn(['metadata', 'name']), 'b');
    assert.equal(cachedTextsOf('edited.yaml'), 1);
    assert.equal(other.resources[0]?.name?.value, 'other');
  });

  test('a file read whole lets its documents go once its facts are read; an edited buffer keeps them', () => {
    const host = new MeshLens();
    const text = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n`;
    host.applyChange({ set: [['scanned.yaml', text('scanned')]] });
    assert.equal(cachedTextsOf('scanned.yaml'), 0);
    finish(host.setTextInSteps('typed.yaml', text('typed')));
    assert.equal(cachedTextsOf('typed.yaml'), 1);
    // The documents let go are parsed again for whoever reads them, and answer as before.
    const [resource] = host.snapshot().model.files.get('scanned.yaml')?.parsed.resources ?? [];
    assert.equal(resource?.node.get('kind'), 'Service');
    assert.equal(cachedTextsOf('scanned.yaml'), 1);
  });

  test('a workspace with kustomizations keeps the documents of files read whole: its renderings read them', () => {
    const host = new MeshLens();
    host.applyChange({
      set: [
        ['base/kustomization.yaml', 'resources:\n  - service.yaml\n'],
        ['base/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: kept\n'],
      ],
    });
    assert.equal(cachedTextsOf('base/service.yaml'), 1);
  });
});
