import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFix, assertAnnotatedFindings, assertFixResolves, check, only } from '../helpers/checks';
import { cursorOf } from '../helpers/fixture';

/** Strips the common indentation of a test's YAML snippet. */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').trimEnd().split('\n');
  const indent = Math.min(
    ...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** An exported shop/ratings Service in `cluster`, its `spec` (and anything after) given as YAML. */
const ratings = (cluster: string, spec: string) => `
//- clusters/${cluster}/ratings.yaml
apiVersion: v1
kind: Service
metadata:
  name: ratings
  namespace: shop
  labels: { solo.io/service-scope: global }
${dedent(spec)}
`;

/** The majority's ports, once as block YAML and once as flow YAML with the Kubernetes defaults spelled out. */
const majority =
  ratings(
    'c1',
    `
    spec:
      # the ports every cluster should have
      $0ports:
        - name: http # web
          port: 9080
        - name: grpc
          port: 9090
          appProtocol: grpc
      selector: { app: ratings }
    `,
  ) +
  ratings(
    'c2',
    `
    spec:
      $0ports: [{ name: grpc, port: 9090, appProtocol: grpc, protocol: TCP, targetPort: 9090 }, { name: http, port: 9080 }]
    `,
  );

describe('MESH103 inconsistent-instances', () => {
  test('warns on the odd instance, naming each difference, with the majority as related', () => {
    const checked = assertAnnotatedFindings(
      majority +
        ratings(
          'c3',
          `
          spec:
            # odd one out
            ports:
          # ^^^^^ warning MESH103
            - name: http
              port: 9080
              protocol: UDP
            selector: { app: ratings } # pods
          `,
        ),
    );
    const finding = only(checked);
    assert.equal(
      finding.message,
      "Service shop/ratings (ratings.shop.mesh.internal) has different ports in c3 than in c1 and c2: port 9080 has protocol `UDP` here (`TCP` in c1); port 9090 is missing here. The mesh merges the instances into one service, so clients get different ports or protocols depending on which cluster's endpoint serves them.",
    );
    assert.deepEqual(
      finding.related.map((related) => [related.file, related.range.start, related.message]),
      [
        [
          'clusters/c1/ratings.yaml',
          cursorOf(checked.files, 'clusters/c1/ratings.yaml'),
          'ports of shop/ratings in c1',
        ],
        [
          'clusters/c2/ratings.yaml',
          cursorOf(checked.files, 'clusters/c2/ratings.yaml'),
          'ports of shop/ratings in c2',
        ],
      ],
    );

    const [fix] = finding.fixes();
    assert.ok(fix?.preferred);
    assert.equal(fix.title, 'Align the ports in c3 with the majority (as in c1)');
    const texts = assertFixResolves(checked, finding, fix);
    assert.equal(
      texts.get('clusters/c3/ratings.yaml'),
      `apiVersion: v1
kind: Service
metadata:
  name: ratings
  namespace: shop
  labels: { solo.io/service-scope: global }
spec:
  # odd one out
  ports:
  - name: http # web
    port: 9080
  - name: grpc
    port: 9090
    appProtocol: grpc
  selector: { app: ratings } # pods
`,
    );
  });

  test('points at the one port entry at fault', () => {
    const checked = assertAnnotatedFindings(
      majority +
        ratings(
          'c3',
          `
          spec:
            ports:
              - name: http
                port: 9080
              - { name: grpc2, port: 9090, appProtocol: http2 }
          #     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning MESH103
          `,
        ),
    );
    const finding = only(checked);
    assert.match(
      finding.message,
      /: port 9090 has name `grpc2` here \(`grpc` in c1\) and appProtocol `http2` here \(`grpc` in c1\)\. /,
    );
  });

  test('is silent when the ports agree after Kubernetes defaults, in any order', () => {
    const checked = check(
      `${majority}${ratings(
        'c3',
        `
        spec:
          ports:
            - { port: 9090, appProtocol: grpc, name: grpc, targetPort: 9090 }
            - { port: 9080, name: http, protocol: TCP }
        `,
      )}
      //- clusters/c4/ratings.yaml
      # not exported: not part of the global service (MESH101's concern)
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop }, spec: { ports: [{ port: 1 }] } }
      //- clusters/c4/other.yaml
      # a different service, alone in its global service
      { apiVersion: v1, kind: Service, metadata: { name: other, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { ports: [{ port: 1 }] } }
      `,
      'MESH103',
    );
    assert.deepEqual(checked.findings, []);
  });

  test('pairs entries of one port number by protocol (53/TCP and 53/UDP)', () => {
    const dns = (cluster: string, ports: string) => `
      //- clusters/${cluster}/dns.yaml
      { apiVersion: v1, kind: Service, metadata: { name: dns, namespace: kube, labels: { solo.io/service-scope: global } }, spec: { ports: ${ports} } }
    `;
    const both = '[{ port: 53, protocol: UDP, name: dns }, { port: 53, name: dns-tcp }]';
    const checked = check(
      dns('c1', both) + dns('c2', both) + dns('c3', '[{ port: 53, protocol: UDP, name: dns }]'),
      'MESH103',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c3/dns.yaml');
    assert.match(finding.message, /in c3 than in c1 and c2: port 53\/TCP is missing here\./);
  });

  test('rewrites a flow `spec` as flow YAML, and offers to align every other instance instead', () => {
    const checked = check(
      `${majority}
      //- clusters/c3/ratings.yaml
      # flow style
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { selector: { app: ratings } } }
      `,
      'MESH103',
    );
    const finding = only(checked);
    const [toMajority, toThis] = finding.fixes();
    assert.ok(toMajority?.preferred);
    const texts = assertFixResolves(checked, finding, toMajority);
    assert.match(
      texts.get('clusters/c3/ratings.yaml') ?? '',
      /spec: \{ selector: \{ app: ratings \}, ports: \[\{ name: http, port: 9080 \}, \{ name: grpc, port: 9090, appProtocol: grpc \}\] \} \}\n$/,
    );

    assert.ok(toThis && !toThis.preferred);
    assert.equal(toThis.title, "Align every instance's ports with c3");
    // The removed ports take their inline comment (`# web`) with them, so check by hand.
    const removed = applyFix(checked.workspace, toThis);
    const fixture = [...removed].map(([path, text]) => `//- ${path}\n${text}`).join('\n');
    assert.deepEqual(check(fixture, 'MESH103').findings, []);
    assert.doesNotMatch(removed.get('clusters/c1/ratings.yaml') ?? '', /ports:|port:/);
    assert.match(
      removed.get('clusters/c1/ratings.yaml') ?? '',
      /# the ports every cluster should have\n {2}selector:/,
    );
    assert.match(removed.get('clusters/c2/ratings.yaml') ?? '', /spec:\n$/);
  });

  test('copies block ports over a flow list, re-indented, and a flow list over a block one', () => {
    const block = `
      spec:
        ports:
            - port: 80
              name: web
    `;
    const checked = check(
      ratings('c1', block) +
        ratings('c2', block) +
        ratings(
          'c3',
          `
          spec:
              ports: [{ port: 81, name: web }]   # typo
              type: ClusterIP
          `,
        ),
      'MESH103',
    );
    const finding = only(checked);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    assert.match(
      texts.get('clusters/c3/ratings.yaml') ?? '',
      /\nspec:\n {4}ports:\n {8}- port: 80\n {10}name: web {3}# typo\n {4}type: ClusterIP\n$/,
    );
    const reverse = finding.fixes()[1] ?? assert.fail('no second fix');
    const aligned = assertFixResolves(checked, finding, reverse);
    assert.match(
      aligned.get('clusters/c1/ratings.yaml') ?? '',
      /\nspec:\n {2}ports: \[\{ port: 81, name: web \}\]\n$/,
    );
  });

  test('adds the ports to a block `spec` that has none, in the majority layout', () => {
    const checked = check(
      majority +
        ratings(
          'c3',
          `
          spec:
            selector: { app: ratings } # pods
            type: ClusterIP # default
          `,
        ),
      'MESH103',
    );
    const finding = only(checked);
    assert.match(finding.message, /port 9080 is missing here; port 9090 is missing here\./);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    assert.match(
      texts.get('clusters/c3/ratings.yaml') ?? '',
      /\n {2}type: ClusterIP # default\n {2}ports:\n {4}- name: http # web\n {6}port: 9080\n {4}- name: grpc\n {6}port: 9090\n {6}appProtocol: grpc\n$/,
    );
  });
});
