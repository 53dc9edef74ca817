import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { contentSecurityPolicy, meshMapHtml, newNonce } from '../../client/src/mesh-map-html';
import type { FromWebview } from '../../client/src/mesh-map-messages';
import { MESH_MAP_REQUEST, type MeshMapResult } from '../../shared/src/protocol';
import { copyOfExample } from '../helpers/cli';
import { type LspSession, startSession } from '../helpers/lsp-client';
import { repoRoot } from '../helpers/paths';

// The Mesh Map webview outside VS Code: its page as the extension builds it, its script and
// Graphviz from dist/, in Chromium with the page's Content-Security-Policy enforced, fed with the
// language server's real `meshLens/meshMap` answers. A stand-in for `acquireVsCodeApi` records the
// messages the page posts. The code-server e2e (test/e2e) covers the same page inside the editor.

const REVIEWS_V1 = 'reviews-v1.bookinfo.mesh.internal';
const dist = (file: string) => pathToFileURL(join(repoRoot, 'dist', file)).toString();

function page(nonce = newNonce()) {
  return meshMapHtml({
    cspSource: 'file:',
    nonce,
    vizScript: dist('viz-global.js'),
    mapScript: dist('mesh-map.js'),
    styles: dist('mesh-map.css'),
  });
}

describe('the mesh map page', () => {
  test('has a strict Content-Security-Policy: nothing by default, scripts by nonce, no remote URL', () => {
    const nonce = newNonce();
    const html = page(nonce);
    const policy = contentSecurityPolicy({ cspSource: 'file:', nonce });
    assert.ok(html.includes(`content="${policy}"`));
    assert.match(policy, /^default-src 'none'; /);
    assert.match(
      policy,
      new RegExp(`script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}' 'wasm-unsafe-eval'$`),
    );
    assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'|\*/);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    assert.equal(scripts.length, 2);
    for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), script);
    assert.deepEqual(html.match(/https?:\/\//g), null);
    assert.notEqual(newNonce(), newNonce());
  });
});

describe('the mesh map webview in Chromium', () => {
  let browser: Browser | undefined;
  let session: LspSession | undefined;

  before(async () => {
    session = await startSession(copyOfExample());
    if (existsSync('/usr/bin/chromium'))
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
      });
  });

  after(async () => {
    await browser?.close();
    await session?.stop();
  });

  const mapOf = async (params: object) => {
    const result = (await session?.connection.sendRequest(MESH_MAP_REQUEST, params)) as MeshMapResult;
    assert.ok(result, 'the server answers meshLens/meshMap');
    return result;
  };

  /** The page loaded from a file, the stand-in VS Code API installed, CSP violations collected. */
  async function openPage(t: TestContext): Promise<{ page: Page; violations: string[] } | undefined> {
    if (!browser) {
      if (process.env.CI === 'true') assert.fail('chromium is missing');
      t.diagnostic('chromium is not installed: the webview was not loaded in a browser');
      return undefined;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'mesh-lens-map-')), 'index.html');
    writeFileSync(file, page());
    const loaded = await browser.newPage();
    const violations: string[] = [];
    loaded.on('console', (message) => {
      if (/Content Security Policy|Refused/.test(message.text())) violations.push(message.text());
    });
    await loaded.addInitScript(() => {
      const posted: unknown[] = [];
      Object.assign(globalThis, {
        posted,
        acquireVsCodeApi: () => ({ postMessage: (message: unknown) => posted.push(message) }),
      });
    });
    await loaded.goto(pathToFileURL(file).toString());
    return { page: loaded, violations };
  }

  const send = (page: Page, map: MeshMapResult) =>
    page.evaluate(
      (message) =>
        (globalThis as unknown as { postMessage(data: unknown, origin: string): void }).postMessage(
          message,
          '*',
        ),
      { type: 'map', map },
    );
  const posted = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { posted: FromWebview[] }).posted);
  const svgTexts = (page: Page) =>
    page.$$eval('#map svg text', (texts) => texts.map((text) => text.textContent));

  test('draws the server map, themed, within the policy', async (t) => {
    const opened = await openPage(t);
    if (!opened) return;
    const { page, violations } = opened;
    await page.waitForFunction(() => (globalThis as unknown as { posted: unknown[] }).posted.length > 0);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await send(page, await mapOf({}));
    await page.locator('#map svg').waitFor();
    const texts = await svgTexts(page);
    for (const cluster of ['cluster0', 'cluster1', 'cluster2']) assert.ok(texts.includes(cluster), cluster);
    assert.ok(texts.includes('not exported, 1 endpoint'));
    assert.match((await page.getAttribute('#map svg', 'aria-label')) ?? '', /^Mesh map: 3 clusters/);
    assert.deepEqual(
      await page.$$eval('#service option', (options) => options.map((option) => option.textContent)),
      [
        'All global services',
        'ratings.bookinfo.mesh.internal',
        REVIEWS_V1,
        'reviews-v2.bookinfo.mesh.internal',
      ],
    );
    assert.equal(await page.isDisabled('#from'), true);
    // The stylesheet loaded (from the extension's files) and restyles the map.
    assert.equal(await page.evaluate('getComputedStyle(document.body).paddingLeft'), '12px');
    assert.deepEqual(violations, []);
    await page.close();
  });

  test('the pickers ask for a route; its explanation is shown; a node click asks to open its manifest', async (t) => {
    const opened = await openPage(t);
    if (!opened) return;
    const { page } = opened;
    await send(page, await mapOf({}));
    await page.locator('#map svg').waitFor();
    await page.selectOption('#service', REVIEWS_V1);
    assert.deepEqual((await posted(page)).at(-1), { type: 'request', service: REVIEWS_V1 });
    const routed = await mapOf({ service: REVIEWS_V1, from: 'cluster0' });
    await send(page, { ...routed, from: undefined, explanation: undefined, route: undefined });
    await page.selectOption('#from', 'cluster0');
    assert.deepEqual((await posted(page)).at(-1), { type: 'request', service: REVIEWS_V1, from: 'cluster0' });
    await send(page, routed);
    await page.locator('#explanation:not([hidden])').waitFor();
    const shown = (await page.textContent('#explanation')) ?? '';
    assert.ok(routed.explanation && shown === routed.explanation);
    assert.match(shown, /mode PreferClose/);
    assert.ok((await svgTexts(page)).includes('cluster0 (client)'));

    const node = page.locator('#map svg g.openable', { hasText: 'reviews-v1' }).first();
    await node.click();
    const opened2 = (await posted(page)).at(-1);
    assert.equal(opened2?.type, 'open');
    const id = opened2?.type === 'open' ? opened2.id : '';
    const target = routed.targets.find((candidate) => candidate.id === id);
    assert.match(target?.uri ?? '', /clusters\/cluster1\/reviews-v1\.yaml$/);
    await node.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), opened2);
    await page.close();
  });

  test('the reach panel lists every instance, whether the client uses it, and opens its manifest', async (t) => {
    const opened = await openPage(t);
    if (!opened) return;
    const { page, violations } = opened;
    await send(page, await mapOf({}));
    await page.locator('#map svg').waitFor();
    assert.equal(await page.isHidden('#route'), true, 'no panel without a route');
    const routed = await mapOf({ service: 'ratings.bookinfo.mesh.internal', from: 'cluster1' });
    await send(page, routed);
    await page.locator('#route:not([hidden])').waitFor();
    assert.equal(await page.textContent('#route-summary'), 'Reach: 1 endpoint in cluster0 (PreferNetwork)');
    const rows = await page.$$eval('#route-instances tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    assert.deepEqual(rows, [
      ['cluster0', 'clusters/cluster0/ratings.yaml', '1', 'yes: chosen'],
      ['cluster1', 'clusters/cluster1/ratings.yaml', '1', 'no: not exported'],
    ]);
    await page.locator('#route-instances button', { hasText: 'clusters/cluster1/ratings.yaml' }).click();
    const open = (await posted(page)).at(-1);
    const target = routed.targets.find((candidate) => open?.type === 'open' && candidate.id === open.id);
    assert.match(target?.uri ?? '', /clusters\/cluster1\/ratings\.yaml$/);
    assert.deepEqual(violations, []);
    await page.close();
  });
});
