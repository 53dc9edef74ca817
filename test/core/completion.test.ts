import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, type MeshModel, type Position } from '../../shared/src';
import {
  type CompletionList,
  completionListAt,
  completionsAt,
  HOSTNAME_COMPLETION_LIMIT,
} from '../../shared/src/features/completion';
import { matchHostname, matchTarget, prepareQuery } from '../../shared/src/features/hostname-match';
import { cursorOf, workspaceFrom } from '../helpers/fixture';

// c1 can send to c2; nothing links c1 and c3. The route below lives in namespace shop of c1.
const topology = `
  //- mesh-topology.yaml
  clusters:
    c1: { paths: ["clusters/c1/**"], network: n1 }
    c2: { paths: ["clusters/c2/**"], network: n2 }
    c3: { paths: ["clusters/c3/**"], network: n3 }
  links:
    - { between: [c1, c2] }
`;

function service(cluster: string, name: string, namespace: string, replicas = 1): string {
  return `
  //- clusters/${cluster}/${namespace}-${name}.yaml
  { apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: ${namespace}, labels: { solo.io/service-scope: global } }, spec: { selector: { app: ${name} } } }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: ${name}, namespace: ${namespace} }, spec: { replicas: ${replicas}, template: { metadata: { labels: { app: ${name} } } } } }
`;
}

const ROUTE = 'clusters/c1/route.yaml';
const route = `
  //- ${ROUTE}
  apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata:
    name: front
    namespace: shop
  spec:
    rules:
      - backendRefs:
          - kind: Hostname
            group: networking.istio.io
            name: $0
            port: 80
`;

const bookshop =
  topology +
  service('c1', 'cart', 'shop') + // same namespace, reachable
  service('c3', 'catalog', 'shop') + // same namespace, only in a cluster c1 cannot reach
  service('c2', 'ratings', 'books', 2) + // another namespace, reachable
  service('c3', 'reviews', 'books') + // another namespace, unreachable
  service('c2', 'reviews-v2', 'books', 0) + // reachable cluster, but no ready endpoint
  service('c2', 'checkout', 'payments') +
  service('c2', 'shopper', 'payments') +
  route;

/** The model of `fixture`, and a completer that types `typed` at the route's cursor. */
function completer(fixture: string): ((typed: string) => CompletionList) & { cursor: Position } {
  const { workspace, files } = workspaceFrom(fixture);
  const model: MeshModel = getModel(workspace);
  const file = files.find((candidate) => candidate.path === ROUTE);
  if (!file) throw new Error('no route');
  const cursor = cursorOf(files, ROUTE);
  const complete = (typed: string) => {
    const lines = file.text.split('\n');
    const line = lines[cursor.line] as string;
    lines[cursor.line] = line.slice(0, cursor.character) + typed + line.slice(cursor.character);
    return completionListAt(model, ROUTE, lines.join('\n'), {
      line: cursor.line,
      character: cursor.character + typed.length,
    });
  };
  return Object.assign(complete, { cursor });
}

const labels = (list: CompletionList) => list.items.map((item) => item.label);

describe('hostname completion', () => {
  const complete = completer(bookshop);

  test('with nothing typed: same namespace first, then reachable with endpoints, then the rest', () => {
    const list = complete('');
    assert.deepEqual(labels(list), [
      'cart.shop.mesh.internal',
      'catalog.shop.mesh.internal',
      'checkout.payments.mesh.internal',
      'ratings.books.mesh.internal',
      'shopper.payments.mesh.internal',
      'reviews-v2.books.mesh.internal',
      'reviews.books.mesh.internal',
    ]);
    assert.equal(list.isIncomplete, false);
    const sortTexts = list.items.map((item) => item.sortText);
    assert.deepEqual(sortTexts, [...sortTexts].sort(), 'sortText agrees with the order');
    const detail = (label: string) => list.items.find((item) => item.label === label)?.detail;
    assert.equal(detail('cart.shop.mesh.internal'), '1 endpoint(s) reachable from c1 · in c1');
    assert.equal(detail('catalog.shop.mesh.internal'), 'unreachable from c1 · in c3');
    assert.equal(detail('ratings.books.mesh.internal'), '2 endpoint(s) reachable from c1 · in c2');
    assert.equal(detail('reviews-v2.books.mesh.internal'), 'unreachable from c1 · in c2');
  });

  test('filters by the typed prefix, case-insensitively, and replaces what was typed', () => {
    const list = complete('Rati');
    assert.deepEqual(labels(list), ['ratings.books.mesh.internal']);
    assert.equal(list.isIncomplete, false);
    const { line, character } = complete.cursor;
    assert.deepEqual(list.items[0]?.range, {
      start: { line, character },
      end: { line, character: character + 4 },
    });
    assert.deepEqual(labels(complete('ratings.bo')), ['ratings.books.mesh.internal']);
    assert.deepEqual(labels(complete('nothing-like-it')), []);
  });

  test('matches at label starts: a namespace, a dotted abbreviation, a part after a dash', () => {
    assert.deepEqual(labels(complete('books')), [
      'ratings.books.mesh.internal',
      'reviews-v2.books.mesh.internal',
      'reviews.books.mesh.internal',
    ]);
    assert.deepEqual(labels(complete('rat.bo')), ['ratings.books.mesh.internal']);
    assert.deepEqual(labels(complete('v2')), ['reviews-v2.books.mesh.internal']);
  });

  test('among equal matches: same namespace, then reachable with endpoints, then the rest', () => {
    assert.deepEqual(labels(complete('c')), [
      'cart.shop.mesh.internal',
      'catalog.shop.mesh.internal',
      'checkout.payments.mesh.internal',
    ]);
  });

  test('a better match comes before the namespace: a prefix before a label start', () => {
    const list = complete('shop');
    assert.deepEqual(labels(list), [
      'shopper.payments.mesh.internal',
      'cart.shop.mesh.internal',
      'catalog.shop.mesh.internal',
    ]);
    const sortTexts = list.items.map((item) => item.sortText);
    assert.deepEqual(sortTexts, [...sortTexts].sort(), 'sortText agrees with the order');
  });

  test('keeps what the editor itself would show: substrings and VS Code-style fuzzy matches', () => {
    assert.deepEqual(labels(complete('atings')), ['ratings.books.mesh.internal']);
    // r…b…m in order, the r at a word start: VS Code's filter shows it, so the server must too.
    assert.deepEqual(labels(complete('rbm')), [
      'ratings.books.mesh.internal',
      'reviews-v2.books.mesh.internal',
      'reviews.books.mesh.internal',
    ]);
    // A typo VS Code forgives (two neighbours swapped).
    assert.deepEqual(labels(complete('ctaalog')), ['catalog.shop.mesh.internal']);
    // `rat` finds ratings first, and the reviews hostnames last: VS Code also tries `rta` (r…t…a).
    assert.deepEqual(labels(complete('rat')), [
      'ratings.books.mesh.internal',
      'reviews-v2.books.mesh.internal',
      'reviews.books.mesh.internal',
    ]);
  });

  test('filters under `hosts:` and after `host:` too', () => {
    const virtualService = (cursorLine: string) => `
  //- ${ROUTE}
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata:
    name: front
    namespace: books
  spec:
    hosts:
    ${cursorLine}
`;
    const hosts = completer(bookshop.replace(route, virtualService('- "rev$0')))('');
    assert.deepEqual(labels(hosts), ['reviews-v2.books.mesh.internal', 'reviews.books.mesh.internal']);
    const host = completer(
      bookshop.replace(route, virtualService('- route: [{ destination: { host: chec$0')),
    )('');
    assert.deepEqual(labels(host), ['checkout.payments.mesh.internal']);
  });

  test('the list items are those of completionsAt', () => {
    const { workspace, files } = workspaceFrom(bookshop.replace('name: $0', 'name: ca$0'));
    const model = getModel(workspace);
    const text = files.find((file) => file.path === ROUTE)?.text ?? '';
    const at = cursorOf(files, ROUTE);
    assert.deepEqual(completionsAt(model, ROUTE, text, at), completionListAt(model, ROUTE, text, at).items);
  });
});

describe('hostname completion in a large workspace', () => {
  // 150 global services: more than the cap. Even ones in namespace shop, odd ones in namespace other.
  const many = Array.from({ length: 150 }, (_, index) =>
    service('c1', `svc-${String(index).padStart(3, '0')}`, index % 2 === 0 ? 'shop' : 'other'),
  ).join('');
  const complete = completer(topology + many + route);

  test('caps the list and says it is incomplete; the kept ones are the best ranked', () => {
    const list = complete('');
    assert.equal(list.items.length, HOSTNAME_COMPLETION_LIMIT);
    assert.equal(list.isIncomplete, true);
    const shop = labels(list).filter((label) => label.includes('.shop.'));
    assert.equal(shop.length, 75, 'every same-namespace hostname is kept');
    assert.deepEqual(labels(list).slice(0, 75), shop);
  });

  test('typing narrows the list until it is complete', () => {
    // svc-100…svc-149 start with it; the 19 of svc-000…svc-099 with a 1 match as VS Code's fuzzy filter does.
    const narrowed = complete('svc-1');
    assert.equal(narrowed.items.length, 69);
    assert.equal(narrowed.isIncomplete, false);
    assert.ok(
      labels(narrowed)
        .slice(0, 50)
        .every((label) => label.startsWith('svc-1')),
    );
    assert.deepEqual(labels(narrowed).slice(0, 2), [
      'svc-100.shop.mesh.internal',
      'svc-102.shop.mesh.internal',
    ]);
    const one = complete('svc-042');
    // svc-024 too: VS Code forgives two swapped neighbours.
    assert.deepEqual(labels(one), ['svc-042.shop.mesh.internal', 'svc-024.shop.mesh.internal']);
    assert.equal(one.isIncomplete, false);
  });
});

describe('hostname matching', () => {
  const quality = (typed: string, hostname: string) =>
    matchHostname(prepareQuery(typed), matchTarget(hostname));
  const host = 'ratings.bookinfo.mesh.internal';

  test('ranks prefix, part starts, substring, fuzzy; rejects the rest', () => {
    assert.equal(quality('', host), 0);
    assert.equal(quality('RATINGS.BOOK', host), 0);
    assert.equal(quality('book', host), 1);
    assert.equal(quality('rat.internal', host), 1);
    assert.equal(quality('info', host), 2);
    assert.equal(quality('rbi', host), 3);
    assert.equal(quality('ibm', host), undefined, 'i…b…m is not in order after a word start');
    assert.equal(quality('tings', 'ratings'), 2);
    assert.equal(quality('xyz', host), undefined);
  });

  test('the fuzzy tier needs the first character at a word start, as VS Code does', () => {
    assert.equal(quality('ngb', host), undefined);
    assert.equal(quality('mint', host), 3);
  });
});
