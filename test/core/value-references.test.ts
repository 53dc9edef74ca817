import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractDeclarations } from '../../shared/src/facts/extract-declarations';
import { meshHostnamesIn } from '../../shared/src/facts/hostname-tokens';
import { codeLenses } from '../../shared/src/features/code-lens';
import { hoverAt } from '../../shared/src/features/hover';
import { definitionAt } from '../../shared/src/features/navigation';
import { createSourceFile, offsetAt, type Range } from '../../shared/src/text/source';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { asJson, cursorOf, modelFrom, plainRange, workspaceFrom } from '../helpers/fixture';

// The hostnames of string values (SPEC §9) are located inside their strings: whatever the scalar's
// style, the range covers the hostname's own characters, or the value is left alone when its
// source does not spell the hostname out (an escape inside it, a line break through it).

interface Found {
  host: string;
  where?: string;
  written: string;
  range: Range;
}

function valueHosts(text: string): Found[] {
  const parsed = parseFile('app.yaml', text);
  const source = createSourceFile('app.yaml', text);
  return extractDeclarations(parsed)
    .hostReferences.filter((reference) => reference.role === 'value')
    .map((reference) => ({
      host: reference.host.value,
      where: reference.where,
      written: text.slice(
        offsetAt(source, reference.host.range.start),
        offsetAt(source, reference.host.range.end),
      ),
      range: asJson(reference.host.range),
    }));
}

const configMap = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: shop }\ndata:\n${data}`;

describe('hostnames in string values: ranges', () => {
  test('plain, double-quoted and single-quoted values', () => {
    const found = valueHosts(
      configMap(
        [
          '  plain: http://cart.shop.mesh.internal:8080/x',
          '  double: "grpc://cart.shop.mesh.internal:9090"',
          "  single: 'it''s cart.shop.mesh.internal'",
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      found.map(({ written, range, where }) => ({
        written,
        line: range.start.line,
        from: range.start.character,
        where,
      })),
      [
        { written: 'cart.shop.mesh.internal', line: 4, from: 16, where: 'in data entry plain' },
        { written: 'cart.shop.mesh.internal', line: 5, from: 18, where: 'in data entry double' },
        { written: 'cart.shop.mesh.internal', line: 6, from: 17, where: 'in data entry single' },
      ],
    );
  });

  test('a block literal, a hostname twice in one value, and a CRLF file', () => {
    const text = configMap(
      [
        '  app.properties: |-',
        '    a=1',
        '    primary=cart.shop.mesh.internal backup=cart.shop.mesh.internal',
        '',
      ].join('\n'),
    ).replaceAll('\n', '\r\n');
    const found = valueHosts(text);
    assert.deepEqual(
      found.map(({ written, range }) => ({ written, range })),
      [
        {
          written: 'cart.shop.mesh.internal',
          range: { start: { line: 6, character: 12 }, end: { line: 6, character: 35 } },
        },
        {
          written: 'cart.shop.mesh.internal',
          range: { start: { line: 6, character: 43 }, end: { line: 6, character: 66 } },
        },
      ],
    );
  });

  test('folded and multi-line plain scalars, read through their folding', () => {
    const found = valueHosts(
      configMap(
        [
          '  folded: >',
          '    first line',
          '      cart.shop.mesh.internal (more indented)',
          '    last cart.shop.internal.mesh',
          '  plain: one',
          '    two cart.shop.mesh.local',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      found.map(({ host, written, range }) => ({
        host,
        written,
        line: range.start.line,
        from: range.start.character,
      })),
      [
        { host: 'cart.shop.mesh.internal', written: 'cart.shop.mesh.internal', line: 6, from: 6 },
        { host: 'cart.shop.internal.mesh', written: 'cart.shop.internal.mesh', line: 7, from: 9 },
        { host: 'cart.shop.mesh.local', written: 'cart.shop.mesh.local', line: 9, from: 8 },
      ],
    );
  });

  test('escapes before a hostname shift nothing; a hostname spelt with an escape or across lines is left alone', () => {
    const found = valueHosts(
      configMap(
        [
          '  tabbed: "\\t\\x41\\u00e9 cart.shop.mesh.internal"',
          '  escaped: "cart\\x2eshop.mesh.internal"',
          '  continued: "cart.shop.mesh.\\',
          '    internal"',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      found.map(({ written, range }) => ({ written, line: range.start.line, from: range.start.character })),
      [{ written: 'cart.shop.mesh.internal', line: 4, from: 24 }],
    );
  });

  test('the words of a hostname: boundaries, a final dot, and what is not global-looking', () => {
    assert.deepEqual(
      meshHostnamesIn(
        'a.b.mesh.internal. see x.cart.shop.mesh.internal_y, user@cart.shop.mesh.internal:80, *.shop.mesh.internal, cart.mesh.svc.cluster.local, docs.example.com/mesh',
      ),
      [
        { host: 'a.b.mesh.internal', index: 0 },
        { host: 'cart.shop.mesh.internal', index: 57 },
      ],
    );
  });
});

describe('hostnames in string values: editor features', () => {
  const workspace = `
    //- mesh-topology.yaml
    clusters:
      east: { paths: ["clusters/east/**"] }
    //- clusters/east/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }
    //- clusters/east/web.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web, namespace: shop }
    spec:
      template:
        spec:
          containers:
            - name: web
              env:
                - { name: CART_URL, value: "http://cart.sh$0op.mesh.internal:8080/" }
                - { name: METADATA, value: "http://metadata.google.internal/" }
  `;

  test('hover on a hostname in an env value shows the global service', () => {
    const model = modelFrom(workspace);
    const { files } = workspaceFrom(workspace);
    const hover = hoverAt(model, 'clusters/east/web.yaml', cursorOf(files), () => '');
    assert.match(
      hover?.markdown ?? '',
      /^\*\*cart\.shop\.mesh\.internal\*\* → global service `cart\.shop\.mesh\.internal`/,
    );
    assert.deepEqual(plainRange(hover?.range ?? assert.fail('no hover')), {
      start: { line: 9, character: 47 },
      end: { line: 9, character: 70 },
    });
  });

  test('go to definition from a hostname in an env value reaches the Service', () => {
    const model = modelFrom(workspace);
    const { files } = workspaceFrom(workspace);
    assert.deepEqual(
      definitionAt(model, 'clusters/east/web.yaml', cursorOf(files)).map((location) => location.file),
      ['clusters/east/cart.yaml'],
    );
  });

  test('an external name found by its words is no target, and values get no reach lens', () => {
    const model = modelFrom(workspace);
    assert.equal(
      hoverAt(model, 'clusters/east/web.yaml', { line: 10, character: 52 }, () => ''),
      undefined,
    );
    assert.deepEqual(codeLenses(model, 'clusters/east/web.yaml'), []);
  });
});
