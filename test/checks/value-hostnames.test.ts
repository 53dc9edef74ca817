import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MeshLens } from '../../shared/src';
import { assertAnnotatedFindings } from '../helpers/checks';
import { checkFix } from '../helpers/fixes';
import { parseFixture } from '../helpers/fixture';

// SPEC §9 "Global hostnames outside routes": a global-looking hostname in any string value is
// checked like a route's host (MESH120–MESH123), pointed at exactly, and fixed in place.

const mesh = `
  //- mesh-topology.yaml
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"] }
  links:
    - { from: east, to: west }
  //- clusters/east/bookinfo.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: reviews } }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews, namespace: bookinfo }
  spec: { template: { metadata: { labels: { app: reviews } } } }
  ---
  apiVersion: v1
  kind: Service
  metadata: { name: details, namespace: bookinfo }
  spec: { selector: { app: details } }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: details, namespace: bookinfo }
  spec: { template: { metadata: { labels: { app: details } } } }
`;

describe('hostnames in string values', () => {
  test('MESH120: a wrong suffix in a URL of an env value, named by its variable and container', () => {
    const checked = assertAnnotatedFindings(
      `${mesh}
      //- clusters/east/productpage.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: productpage, namespace: bookinfo }
      spec:
        template:
          spec:
            containers:
              - name: productpage
                env:
                  - name: REVIEWS_URL
                    value: http://reviews.bookinfo.internal.mesh:9080/reviews?x=1
      #                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error MESH120 \`reviews.bookinfo.internal.mesh\` in env REVIEWS_URL of container productpage resolves to nothing
    `,
    );
    assert.equal(checked.findings.length, 1);
  });

  test('MESH120: the fix replaces the hostname only, the rest of the URL kept byte for byte', () => {
    checkFix(
      `${mesh}
      //- clusters/east/productpage.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: productpage, namespace: bookinfo }
      spec:
        template:
          spec:
            containers:
              - name: productpage
                env:
                  - name: REVIEWS_URL
                    value: "http://$0reviews.bookinfo.internal.mesh:9080/reviews?x=1"  # upstream
    `,
      `
      //- clusters/east/productpage.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: productpage, namespace: bookinfo }
      spec:
        template:
          spec:
            containers:
              - name: productpage
                env:
                  - name: REVIEWS_URL
                    value: "http://reviews.bookinfo.mesh.internal:9080/reviews?x=1"  # upstream
    `,
      { code: 'MESH120' },
    );
  });

  test('MESH121: an unknown host in a multi-line ConfigMap entry, with its did-you-mean fix', () => {
    const config = (host: string, annotation = '') => `${mesh}
      //- clusters/east/config.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: { name: productpage, namespace: bookinfo }
      data:
        app.properties: |
          # upstreams
          reviews.url=http://${host}:9080/
      ${annotation}
          timeout=3s
    `;
    assertAnnotatedFindings(
      config(
        'review.bookinfo.mesh.internal',
        '#                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning MESH121 `review.bookinfo.mesh.internal` in data entry app.properties matches no service',
      ),
    );
    checkFix(config('review.bookinfo.mesh.internal'), config('reviews.bookinfo.mesh.internal'), {
      code: 'MESH121',
    });
  });

  test('MESH122: a host of a service exported nowhere, in an args item; the fix exports it', () => {
    const route = `
      //- clusters/east/client.yaml
      apiVersion: v1
      kind: Pod
      metadata: { name: client, namespace: bookinfo }
      spec:
        containers:
          - name: curl
            args: [-s, "details.bookinfo.mesh.internal:9080"]
    `;
    assertAnnotatedFindings(
      `${mesh}${route.replace(
        '9080"]',
        '9080"]\n      #                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error MESH122 `details.bookinfo.mesh.internal` in args of container curl does not resolve',
      )}`,
      { codes: ['MESH122'] },
    );
    checkFix(
      `${mesh}${route}`,
      `
      //- clusters/east/bookinfo.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: reviews } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: reviews } } } }
      ---
      apiVersion: v1
      kind: Service
      metadata: { name: details, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: details } }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: details, namespace: bookinfo }
      spec: { template: { metadata: { labels: { app: details } } } }
      ${route}
    `,
      { code: 'MESH122' },
    );
  });

  test('MESH123: a client in a cluster with no link to the service, in an annotation', () => {
    assertAnnotatedFindings(
      `${mesh}
      //- clusters/west/client.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: client
        namespace: bookinfo
        annotations:
          example.com/upstream: grpc://reviews.bookinfo.mesh.internal:9080
      #                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning MESH123 From west, \`reviews.bookinfo.mesh.internal\` in annotation example.com/upstream has no reachable ready endpoint
    `,
      { codes: ['MESH123'] },
    );
  });

  test('correct, local and external hostnames in values stay silent', () => {
    assertAnnotatedFindings(
      `${mesh}
      //- clusters/east/productpage.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: productpage
        namespace: bookinfo
        annotations:
          example.com/docs: see https://shop.example.com/mesh/internal
      spec:
        template:
          spec:
            containers:
              - name: productpage
                args: ["--reviews=reviews.bookinfo.mesh.internal:9080"]
                env:
                  - { name: REVIEWS, value: "http://reviews.bookinfo.mesh.internal:9080/" }
                  - { name: LOCAL, value: "reviews.bookinfo.svc.cluster.local" }
                  - { name: METADATA, value: "http://metadata.google.internal/computeMetadata" }
                  - { name: WILDCARD, value: "*.bookinfo.mesh.internal" }
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: { name: app, namespace: bookinfo }
      data:
        hosts.json: |
          { "reviews": "reviews.bookinfo.mesh.internal", "ratings": "ratings.example.internal.com" }
    `,
      { codes: ['MESH120', 'MESH121', 'MESH122', 'MESH123'] },
    );
  });

  test("the routes' own host fields keep their roles: one finding each, not two", () => {
    assertAnnotatedFindings(
      `${mesh}
      //- clusters/east/route.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        hosts: [reviews]
        http:
          - route:
              - destination: { host: reviews.bookinfo.internal.mesh }
      #                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error MESH120 \`reviews.bookinfo.internal.mesh\` resolves to nothing
    `,
      { codes: ['MESH120'] },
    );
  });

  test("skips the object's name, Secrets' base64 data and the last applied configuration; reads stringData", () => {
    assertAnnotatedFindings(
      `${mesh}
      //- clusters/east/secret.yaml
      apiVersion: v1
      kind: Secret
      metadata:
        name: creds
        namespace: bookinfo
        annotations:
          kubectl.kubernetes.io/last-applied-configuration: '{"data":{"url":"rating.bookinfo.mesh.internal"}}'
      data:
        url: cmF0aW5nLmJvb2tpbmZvLm1lc2guaW50ZXJuYWw=
        raw: rating.bookinfo.mesh.internal
      stringData:
        url: https://rating.bookinfo.mesh.internal/
      #              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning MESH121 in stringData entry url
    `,
      { codes: ['MESH121'] },
    );
  });
});

// A segment domain named without `mesh` or `internal` cannot be guessed from the text: once the
// topology declares it, string values are read for hostnames in it as well.
describe('hostnames in string values: segment domains named otherwise', () => {
  const segmentMesh = (domain: string) => `
    //- mesh-topology.yaml
    clusters:
      pay: { paths: ["clusters/pay/**"], segment: payments }
    segments:
      payments: { domain: ${domain} }
    //- clusters/pay/ratings.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: segment } }
    spec: { selector: { app: ratings } }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: ratings, namespace: bookinfo }
    spec: { template: { metadata: { labels: { app: ratings } } } }
  `;
  const client = `
    //- clusters/pay/client.yaml
    apiVersion: v1
    kind: ConfigMap
    metadata: { name: client, namespace: bookinfo }
    data:
      RATINGS: http://ratings.bookinfo.payments.corp:9080/
      TYPO: http://ratingz.bookinfo.payments.corp:9080/
  `;

  test('MESH121 on a hostname in that domain, and the right one silent', () => {
    const checked = assertAnnotatedFindings(
      `${segmentMesh('payments.corp')}
      //- clusters/pay/client.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata: { name: client, namespace: bookinfo }
      data:
        RATINGS: http://ratings.bookinfo.payments.corp:9080/
        TYPO: http://ratingz.bookinfo.payments.corp:9080/
      #              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning MESH121 \`ratingz.bookinfo.payments.corp\` in data entry TYPO matches no service
    `,
      { codes: ['MESH121'] },
    );
    assert.equal(checked.findings.length, 1);
  });

  test('the same text under a domain that is not a segment: nothing (an external hostname)', () => {
    const checked = assertAnnotatedFindings(`${segmentMesh('payments.mesh')}${client}`, {
      codes: ['MESH121'],
    });
    assert.equal(checked.findings.length, 0);
  });

  test('declaring the segment later finds it; renaming its domain drops it again', () => {
    const host = new MeshLens();
    const files = parseFixture(`${segmentMesh('payments.mesh')}${client}`);
    host.applyChange({ set: files.map((file) => [file.path, file.text] as const) });
    const unknown = () =>
      host
        .snapshot()
        .findings()
        .filter((finding) => finding.code === 'MESH121')
        .map((finding) => `${finding.file}:${finding.range.start.line}`);
    assert.deepEqual(unknown(), []);
    const topology = files.find((file) => file.path === 'mesh-topology.yaml')?.text ?? '';
    host.applyChange({ set: [['mesh-topology.yaml', topology.replace('payments.mesh', 'payments.corp')]] });
    assert.deepEqual(unknown(), ['clusters/pay/client.yaml:5']);
    host.applyChange({ set: [['mesh-topology.yaml', topology]] });
    assert.deepEqual(unknown(), []);
  });
});
