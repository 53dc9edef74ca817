import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWorkspace, getModel, type MeshModel, reachFrom, runChecks, setFile } from '../../shared/src';
import { fixAll } from '../../shared/src/analysis/fix-all';
import { hoverAt } from '../../shared/src/features/hover';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { analyse, assertInside, linesOf } from '../fuzz/harness';

// Inputs built to hurt: alias and merge-key bombs, nesting ten thousand levels deep, maps of tens of
// thousands of keys, thousands of documents in one file, Helm templates, odd line breaks, a
// topology that names clusters that do not exist. Each must finish in bounded time and memory,
// throw nothing, and say what it did with the input. docs/reliability.md lists the behaviours.

const SERVICE_HEAD = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n';

/** Runs `work`, asserting it takes less than `ms` and grows the heap by less than `mb`. */
function bounded<T>(what: string, ms: number, mb: number, work: () => T): T {
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = work();
  const took = performance.now() - started;
  const grew = (process.memoryUsage().heapUsed - heap) / 1024 / 1024;
  assert.ok(took < ms, `${what} took ${Math.round(took)} ms (limit ${ms})`);
  assert.ok(grew < mb, `${what} grew the heap by ${Math.round(grew)} MB (limit ${mb})`);
  return result;
}

function check(files: Record<string, string>): { model: MeshModel; codes: string[] } {
  const workspace = createWorkspace();
  for (const [path, text] of Object.entries(files)) setFile(workspace, path, text);
  const model = getModel(workspace);
  const findings = runChecks(model, {
    onCheckError: (failed, error) => assert.fail(`${failed.code} threw: ${error}`),
  });
  return { model, codes: findings.map((finding) => finding.code) };
}

/** Nine levels of nine aliases: 9^9 (387 million) strings if anything expanded it. */
function billionLaughs(): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level <= 9; level++) {
    lines.push(
      `a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(', ')}]`,
    );
  }
  return lines.join('\n');
}

describe('hostile YAML', () => {
  test('a billion-laughs alias bomb is never expanded, whatever feature reads it', () => {
    const text = `${billionLaughs()}\n${SERVICE_HEAD}  labels: *a9\nspec:\n  selector: *a9\n  ports: *a9\n`;
    const route = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: r, namespace: shop }\nspec: { host: cart.shop.mesh.internal, subsets: &s [*s] }\n`;
    bounded('checks, hover everywhere, every fix, fix-all', 10_000, 200, () =>
      analyse({
        files: new Map([
          ['clusters/a/bomb.yaml', text],
          ['clusters/b/route.yaml', route],
        ]),
      }),
    );
  });

  test('merge keys nested and fanned out (a merge bomb) are looked up in bounded time', () => {
    const lines = ['b0: &b0 { x: 1 }'];
    for (let level = 1; level <= 12; level++) {
      lines.push(
        `b${level}: &b${level} { <<: [${Array(50)
          .fill(`*b${level - 1}`)
          .join(', ')}] }`,
      );
    }
    const text = `${lines.join('\n')}\n${SERVICE_HEAD}  <<: *b12\n  labels: { <<: *b12 }\nspec: { <<: *b12, selector: { <<: *b12 } }\n`;
    const { model } = bounded('the model', 2_000, 100, () => check({ 'clusters/a/merge.yaml': text }));
    assert.equal(model.services.length, 1);
  });

  test('thousands of maps merging one large base are read in linear time', () => {
    // Was quadratic twice over (each alias resolved by walking the document; each lookup scanning
    // the base): 2,000 x 2,000 took 96 s.
    const base = Array.from({ length: 2_000 }, (_, index) => `  k${index}: ${index}`).join('\n');
    const items = Array.from({ length: 2_000 }, () => '  - <<: *base').join('\n');
    const text = `apiVersion: v1\nkind: List\nbase: &base\n  apiVersion: v1\n  kind: Service\n  metadata: { name: cart, namespace: shop }\n${base}\nitems:\n${items}\n`;
    const { model } = bounded('the model', 5_000, 300, () => check({ 'clusters/a/list.yaml': text }));
    assert.equal(model.resourceCount, 2_000);
  });

  test('10,000 levels of nesting is a MESH190, never a stack overflow', () => {
    const depth = 10_000;
    const shapes: Record<string, string> = {
      'flow sequences': `${'['.repeat(depth)}${']'.repeat(depth)}`,
      'flow maps': `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`,
      'block maps': Array.from({ length: depth }, (_, index) => `${' '.repeat(index)}a:`).join('\n'),
      'block sequences': Array.from({ length: depth }, (_, index) => `${' '.repeat(index)}-`).join('\n'),
      'unclosed brackets': '['.repeat(depth * 10),
      'inside a Service': `${SERVICE_HEAD}  labels: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
    };
    const outcomes: Record<string, string> = {};
    for (const [shape, text] of Object.entries(shapes)) {
      const parsed = bounded(shape, 10_000, 500, () =>
        parseFile('clusters/a/deep.yaml', `${text}\n---\n${SERVICE_HEAD}`),
      );
      const syntax = parsed.findings.filter((finding) => finding.code === 'MESH190');
      assert.ok(syntax.length > 0, `${shape}: reported`);
      assert.ok(
        syntax.some((finding) => /too deeply/.test(finding.message)),
        `${shape}: ${syntax[0]?.message}`,
      );
      // The composer's overflow spoils one document; the parser's (block collections) the file.
      const wholeFile = syntax.some((finding) => /No document of this file/.test(finding.message));
      assert.deepEqual(
        parsed.resources.map((resource) => resource.name?.value),
        wholeFile ? [] : ['cart'],
        `${shape}: the next document is read unless the whole file failed`,
      );
      outcomes[shape] = wholeFile ? 'file' : 'document';
    }
    assert.deepEqual(outcomes, {
      // yaml's parser recurses per block level when a document ends and overflows (caught in parseFile).
      'block maps': 'file',
      'block sequences': 'file',
      // yaml's composer overflows, catches it, and spoils one document.
      'flow maps': 'document',
      'flow sequences': 'document',
      'inside a Service': 'document',
      'unclosed brackets': 'document',
    });
  });

  test('a map of 50,000 keys is checked for duplicates in linear time', () => {
    // yaml's own duplicate-key check compares each key with all before it: 20,000 keys took 4 s.
    const keys = Array.from({ length: 50_000 }, (_, index) => `  k${index}: &a${index} v`).join('\n');
    const parsed = bounded('parse', 5_000, 300, () =>
      parseFile(
        'clusters/a/wide.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: wide }\ndata:\n${keys}\n  k7: again\n`,
      ),
    );
    assert.deepEqual(
      parsed.findings.map((finding) => [finding.code, finding.range.start, finding.message]),
      [
        [
          'MESH190',
          { line: 50_004, character: 2 },
          'YAML syntax error: Map keys must be unique. This document is not analysed; kubectl would reject it.',
        ],
      ],
    );
  });

  test('5,000 documents in one file are all analysed', () => {
    const documents: string[] = [];
    for (let index = 0; index < 1_250; index++) {
      const name = `svc-${index}`;
      documents.push(
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels: { solo.io/service-scope: global }\nspec:\n  selector: { app: ${name} }\n  ports: [{ port: 80 }]\n`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  template: { metadata: { labels: { app: ${name} } } }\n`,
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  hosts: [${name}]\n  http: [{ route: [{ destination: { host: ${name}.shop.mesh.internal } }] }]\n`,
        // The last route has a typo: exactly one finding among 5,000 documents.
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  host: ${name}.shop.${index === 1_249 ? 'internal.mesh' : 'mesh.internal'}\n`,
      );
    }
    const text = documents.join('---\n');
    const { model, codes } = bounded('5,000 documents', 20_000, 1_000, () =>
      check({ 'clusters/a/all.yaml': text }),
    );
    assert.equal(model.resourceCount, 5_000);
    assert.equal(model.globalServices.size, 1_250);
    assert.deepEqual(codes, ['MESH120']);
    const lastLine = text.split('\n').length - 2;
    const hover = hoverAt(model, 'clusters/a/all.yaml', { line: lastLine, character: 12 }, () => '');
    assert.match(hover?.markdown ?? '', /svc-1249\.shop\.internal\.mesh/);
    assert.equal(reachFrom(model, 'svc-0.shop.mesh.internal', 'a').chosen[0]?.endpoints, 1);
  });

  test('Helm templates are skipped document by document; the rest of the file is analysed', () => {
    const text = [
      `${SERVICE_HEAD}  labels: { solo.io/service-scope: globl }\n`,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-cart\n  labels: {{- toYaml .Values.labels | nindent 4 }}\n',
      '{{- if .Values.enabled }}\napiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n{{- end }}\n',
    ].join('---\n');
    const parsed = parseFile('charts/cart/templates/all.yaml', text);
    assert.deepEqual(
      parsed.findings.map((finding) => [finding.code, finding.range.start.line]),
      [
        ['MESH195', 10],
        ['MESH195', 13],
      ],
    );
    assert.deepEqual(
      parsed.resources.map((resource) => resource.name?.value),
      ['cart'],
    );
    const { codes } = check({ 'charts/cart/templates/all.yaml': text });
    assert.deepEqual(codes, ['MESH110', 'MESH195', 'MESH195']);
  });

  test("CRLF, a lone CR and a BOM: positions are the editor's lines and characters", () => {
    const crlf = check({
      'clusters/a/crlf.yaml': `\ufeff${SERVICE_HEAD}  labels: { solo.io/service-scope: globl }\n`.replaceAll(
        '\n',
        '\r\n',
      ),
    });
    assert.deepEqual(crlf.codes, ['MESH110']);
    // A lone CR is a line break for LSP clients (not for YAML, which reads one long line).
    const text = 'kind: Service\rmetadata: {\r';
    const lines = linesOf(new Map([['clusters/a/cr.yaml', text]]));
    assert.deepEqual(lines.get('clusters/a/cr.yaml'), [13, 11, 0]);
    const parsed = parseFile('clusters/a/cr.yaml', text);
    assert.ok(parsed.findings.length > 0);
    for (const finding of parsed.findings)
      assertInside(lines, 'clusters/a/cr.yaml', finding.range, finding.code);
  });

  test('a topology naming missing clusters, with a link cycle, duplicate names and overlapping paths', () => {
    const service = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: shop, labels: { solo.io/service-scope: global } }\nspec: { selector: { app: ${name} } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: shop }\nspec: { template: { metadata: { labels: { app: ${name} } } } }\n`;
    const files = {
      'a/cart.yaml': service('cart'),
      'b/cart.yaml': service('cart'),
      'c/cart.yaml': service('cart'),
    };
    const clusters =
      'clusters:\n  a: { paths: ["a/**", "shared/**"] }\n  b: { paths: ["b/**", "shared/**"] }\n  c: { paths: ["c/**"] }\n';

    const missing = check({
      ...files,
      'mesh-topology.yaml': `${clusters}links:\n  - { from: a, to: ghost }\n  - { between: [phantom, b] }\n`,
    });
    assert.deepEqual(missing.codes, ['MESH191', 'MESH191'], 'each unknown name once');
    assert.deepEqual([...missing.model.topology.clusters.keys()], ['a', 'b', 'c'], 'names are not invented');

    const cycle = check({
      ...files,
      'mesh-topology.yaml': `${clusters}links:\n  - { from: a, to: b }\n  - { from: b, to: c }\n  - { from: c, to: a }\n`,
    });
    assert.deepEqual(cycle.codes, [], 'a cycle of links is a valid topology');
    const fromA = reachFrom(cycle.model, 'cart.shop.mesh.internal', 'a', 'shop');
    assert.deepEqual(
      fromA.candidates.map((candidate) => candidate.instance.cluster),
      ['a', 'b'],
      'links are not transitive: a reaches b, not c through b',
    );

    const duplicate = check({ ...files, 'mesh-topology.yaml': `${clusters}  a: { paths: ["c/**"] }\n` });
    assert.deepEqual(duplicate.codes, ['MESH190'], 'a duplicate cluster name is a YAML error');
    assert.deepEqual(
      [...duplicate.model.topology.clusters.keys()],
      ['default'],
      'a topology file that does not parse is not used',
    );

    const overlap = check({ ...files, 'shared/cart.yaml': service('cart'), 'mesh-topology.yaml': clusters });
    assert.deepEqual(
      overlap.model.files.get('shared/cart.yaml')?.placements.map((placement) => placement.cluster),
      ['a', 'b'],
      'a file matched by two clusters is placed in both (SPEC §9)',
    );
  });

  test("values named like JavaScript's Object members mean nothing special", () => {
    const text = `${SERVICE_HEAD}  labels: { solo.io/service-scope: constructor }\n  annotations: { networking.istio.io/traffic-distribution: toString }\nspec:\n  selector: { app: cart }\n---\napiVersion: apps/v1\nkind: constructor\nmetadata: { name: cart, namespace: shop }\nspec: { template: { metadata: { labels: { app: cart } } } }\n`;
    const { model, codes } = check({ 'clusters/a/cart.yaml': text });
    assert.deepEqual(codes, ['MESH110', 'MESH150'], 'both values are invalid');
    assert.equal(model.services[0]?.hostname, undefined, 'an invalid scope exports nothing');
    assert.deepEqual(model.workloads, [], '`kind: constructor` is not a workload');
  });

  test('fix-all on hostile input stops within its pass limit', () => {
    // With a selected workload, so that the fixed Service has endpoints and the fix raises nothing.
    const text = `${billionLaughs()}\n${SERVICE_HEAD}  labels: { solo.io/service-scope: globl, solo.io/service-takeover: yes }\nspec:\n  selector: { app: cart }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: cart, namespace: shop }\nspec: { template: { metadata: { labels: { app: cart } } } }\n`;
    const workspace = createWorkspace();
    setFile(workspace, 'clusters/a/bomb.yaml', text);
    const result = bounded('fix-all', 5_000, 200, () => fixAll(workspace));
    assert.ok(result.passes <= 10);
    assert.match(result.files[0]?.after ?? '', /solo\.io\/service-scope: global/);
  });
});
