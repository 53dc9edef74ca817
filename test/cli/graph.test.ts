import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { instance as vizInstance } from '@viz-js/viz';
import { chromium } from 'playwright-core';
import { runCli } from '../helpers/cli';
import { exampleWorkspace, repoRoot } from '../helpers/paths';

// `mesh-lens graph` on the bundled example: cluster0 ⇄ cluster1, cluster0 → cluster2 only; ratings
// exported in cluster0 with an unexported sibling in cluster1; reviews-v1 in cluster1, reviews-v2 in cluster2.

const REVIEWS_V1 = 'reviews-v1.bookinfo.mesh.internal';

function graph(...args: string[]) {
  return runCli(['graph', exampleWorkspace, ...args]);
}

/** The statements of a Mermaid flowchart, checked against the grammar this command uses. */
function parseMermaid(text: string) {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'flowchart LR');
  const nodes = new Map<string, string>();
  const subgraphs = new Set<string>();
  const edges: { from: string; arrow: string; to: string }[] = [];
  const classes = new Map<string, string[]>();
  /** The subgraph each node or subgraph is declared in. */
  const parents = new Map<string, string>();
  const open: string[] = [];
  const statements: [RegExp, (match: string[]) => void][] = [
    [
      /^subgraph (\w+)\["([^"]*)"\]$/,
      ([, id = '', label = '']) => {
        subgraphs.add(id);
        nodes.set(id, label);
        if (open.length > 0) parents.set(id, open.at(-1) ?? '');
        open.push(id);
      },
    ],
    [/^end$/, () => assert.ok(open.pop(), 'an end without its subgraph')],
    [
      /^(\w+)(?:\["([^"]*)"\]|\(\["([^"]*)"\]\))$/,
      ([, id = '', box, stadium]) => {
        nodes.set(id, box ?? stadium ?? '');
        if (open.length > 0) parents.set(id, open.at(-1) ?? '');
      },
    ],
    [
      /^(\w+) (---|<-->|-\. [\w-]+ \.->|==>\|"[^"]*"\|) (\w+)$/,
      ([, from = '', arrow = '', to = '']) => edges.push({ from, arrow, to }),
    ],
    [/^class ([\w,]+) (\w+)$/, ([, ids = '', name = '']) => classes.set(name, ids.split(','))],
    [/^(classDef \w+|linkStyle [\d,]+) [\w#:,.% -]+$/, () => {}],
  ];
  for (const line of lines.slice(1).map((raw) => raw.trim())) {
    const statement = statements.find(([pattern]) => pattern.test(line));
    assert.ok(statement, `unexpected line: ${line}`);
    statement[1]([...(statement[0].exec(line) ?? [])]);
  }
  assert.deepEqual(open, [], 'every subgraph ends');
  for (const edge of edges) {
    assert.ok(
      nodes.has(edge.from) && nodes.has(edge.to),
      `edge between unknown nodes: ${JSON.stringify(edge)}`,
    );
  }
  for (const ids of classes.values())
    for (const id of ids) assert.ok(nodes.has(id), `class on unknown ${id}`);
  return { nodes, subgraphs, edges, classes, parents };
}

/** Every line of every Mermaid label, decoded: the texts any rendering of the map must show. */
function mermaidTexts(nodes: Map<string, string>): string[] {
  const decode = (text: string) =>
    text
      .replace(/#quot;/g, '"')
      .replace(/#lt;/g, '<')
      .replace(/#gt;/g, '>')
      .replace(/#amp;/g, '&');
  return [...nodes.values()].flatMap((label) => label.split('<br/>').map(decode));
}

const labelOf = (nodes: Map<string, string>, id: string) => nodes.get(id)?.split('<br/>') ?? [];

describe('mesh-lens graph', () => {
  test('mermaid: three clusters, their links, three global services, the unexported ratings highlighted', () => {
    const { code, stdout, stderr } = graph();
    assert.equal(code, 0, stderr);
    const { nodes, subgraphs, edges, classes, parents } = parseMermaid(stdout);
    const clusterIds = new Map(
      ['cluster0', 'cluster1', 'cluster2'].map((name) => {
        const id = [...subgraphs].find((candidate) => nodes.get(candidate) === name);
        assert.ok(id, `no subgraph for ${name}`);
        return [name, id];
      }),
    );
    const [c0, c1, c2] = [...clusterIds.values()];
    assert.deepEqual(
      edges
        .filter((edge) => clusterIds.has(nodes.get(edge.from) ?? ''))
        .map((e) => `${e.from} ${e.arrow} ${e.to}`),
      [`${c0} <--> ${c1}`, `${c0} -. one-way .-> ${c2}`],
    );
    const services = [...nodes].filter(([, label]) => label.split('<br/>')[1]?.startsWith('scope '));
    assert.deepEqual(
      services.map(([, label]) => label.split('<br/>')[0]),
      ['ratings.bookinfo.mesh.internal', REVIEWS_V1, 'reviews-v2.bookinfo.mesh.internal'],
    );
    const [notExported, ...others] = classes.get('notExported') ?? [];
    assert.deepEqual(others, []);
    assert.deepEqual(labelOf(nodes, notExported ?? ''), ['ratings', 'not exported, 1 endpoint']);
    // The unexported instance sits in cluster1's subgraph and is a member of ratings.
    assert.equal(parents.get(notExported ?? ''), c1);
    assert.ok(
      edges.some((edge) => edge.to === notExported && labelOf(nodes, edge.from)[0]?.startsWith('ratings.')),
    );
    // cluster2 has no link to cluster0 or cluster1, where ratings and reviews-v1 live.
    assert.match(nodes.get(services[0]?.[0] ?? '') ?? '', /unreachable from cluster2$/);
  });

  test('--service and --from: the chosen endpoints highlighted and the explanation as a caption', () => {
    const { code, stdout } = graph('--service', REVIEWS_V1, '--from', 'cluster0');
    assert.equal(code, 0);
    const { nodes, edges, classes } = parseMermaid(stdout);
    const reach = JSON.parse(
      runCli(['reach', REVIEWS_V1, '--from', 'cluster0', exampleWorkspace, '--format', 'json']).stdout,
    );
    const onRoute = classes.get('onRoute') ?? [];
    assert.deepEqual(
      onRoute.map((id) => labelOf(nodes, id)),
      reach.chosen.map((chosen: { endpoints: number }) => ['reviews-v1', `${chosen.endpoints} endpoints`]),
    );
    assert.ok(edges.some((edge) => edge.arrow.startsWith('==>') && onRoute.includes(edge.to)));
    const caption = mermaidTexts(new Map([['caption', nodes.get('caption') ?? '']])).join(' ');
    for (const line of reach.explanation.split('\n'))
      assert.ok(caption.includes(line), `caption lacks: ${line}`);
    const serviceNodes = [...nodes.values()].filter((label) => label.split('<br/>')[1]?.startsWith('scope '));
    assert.deepEqual(
      serviceNodes.map((label) => label.split('<br/>')[0]),
      [REVIEWS_V1],
    );
  });

  test('dot: Graphviz lays it out without error, with the same clusters, links and highlight', async () => {
    const { code, stdout } = graph('--format', 'dot');
    assert.equal(code, 0);
    const viz = await vizInstance();
    const result = viz.render(stdout, { format: 'json' });
    assert.equal(result.status, 'success', JSON.stringify(result.errors));
    assert.deepEqual(result.errors, []);
    const laidOut = JSON.parse(result.output ?? '{}') as {
      objects: { name: string; label?: string; class?: string }[];
      edges: { class?: string; label?: string }[];
    };
    const clusterLabels = laidOut.objects
      .filter((object) => object.class?.startsWith('mesh-cluster'))
      .map((object) => object.label);
    assert.deepEqual(clusterLabels.sort(), ['cluster0', 'cluster1', 'cluster2']);
    assert.deepEqual(
      laidOut.edges.filter((edge) => edge.class?.startsWith('link')).map((edge) => edge.class),
      ['link two-way', 'link one-way'],
    );
    assert.deepEqual(
      laidOut.objects
        .filter((object) => object.class === 'instance not-exported')
        .map((object) => object.label),
      ['ratings\\nnot exported, 1 endpoint'],
    );
  });

  test('svg: rendered without a browser, and Chromium shows the same texts as the Mermaid map', async (t) => {
    const out = join(mkdtempSync(join(tmpdir(), 'mesh-lens-graph-')), 'map.svg');
    const { code, stdout } = graph('--format', 'svg', '-o', out);
    assert.equal(code, 0);
    assert.equal(stdout, '');
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /<svg /);
    const texts = await textsInChromium(t, out);
    if (!texts) return;
    const expected = mermaidTexts(parseMermaid(graph().stdout).nodes);
    for (const text of [...expected, 'one-way']) assert.ok(texts.includes(text), `the SVG lacks "${text}"`);
  });

  test('the route map in Chromium shows the explanation', async (t) => {
    const out = join(mkdtempSync(join(tmpdir(), 'mesh-lens-graph-')), 'route.svg');
    assert.equal(graph('--service', REVIEWS_V1, '--from', 'cluster0', '--format', 'svg', '-o', out).code, 0);
    const texts = await textsInChromium(t, out);
    if (!texts) return;
    const reach = JSON.parse(
      runCli(['reach', REVIEWS_V1, '--from', 'cluster0', exampleWorkspace, '--format', 'json']).stdout,
    );
    const shown = texts.join(' ');
    for (const line of reach.explanation.split('\n'))
      assert.ok(shown.includes(line), `the SVG lacks: ${line}`);
    assert.ok(texts.includes('cluster0 (client)'));
  });

  test('usage errors exit 2 and say what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['--from', 'cluster0'], /--from goes with --service/],
      [
        ['--service', 'nope.bookinfo.mesh.internal'],
        /unknown global service "nope\.bookinfo\.mesh\.internal"; global services: ratings\./,
      ],
      [
        ['--service', REVIEWS_V1, '--from', 'nowhere'],
        /unknown cluster "nowhere"; clusters: cluster0, cluster1, cluster2/,
      ],
      [['--format', 'png'], /--format must be one of mermaid, dot, svg \(got "png"\)/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = graph(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
    }
    assert.match(
      runCli(['hosts', exampleWorkspace, '--service', REVIEWS_V1]).stderr,
      /--service applies to graph only/,
    );
  });
});

/**
 * The text of every `<text>` element of the SVG as Chromium renders it; undefined (with a diagnostic)
 * where Chromium is not installed, except in CI, where that fails the test.
 */
async function textsInChromium(t: TestContext, svgFile: string): Promise<string[] | undefined> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    if (process.env.CI === 'true') assert.fail('chromium is missing');
    t.diagnostic('chromium is not installed: the SVG was not loaded in a browser');
    return undefined;
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`file://${svgFile}`);
    return await page.$$eval('svg text', (elements) => elements.map((element) => element.textContent ?? ''));
  } finally {
    await browser.close();
  }
}

test('the README map is the bundled example as the command draws it now (npm run docs:map)', () => {
  const committed = readFileSync(join(repoRoot, 'docs', 'images', 'mesh-map.svg'), 'utf8');
  assert.equal(graph('--format', 'svg').stdout, committed, 'run npm run docs:map');
});
