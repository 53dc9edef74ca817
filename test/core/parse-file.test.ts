import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { plainRange } from '../helpers/fixture';

describe('parseFile', () => {
  test('reads every document of a multi-document file, skipping empty ones', () => {
    const parsed = parseFile(
      'a.yaml',
      '---\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
    );
    assert.deepEqual(
      parsed.resources.map((resource) => [resource.kind, resource.name?.value, resource.docIndex]),
      [
        ['Service', 'a', 0],
        ['Namespace', 'b', 3],
      ],
    );
    assert.deepEqual(parsed.findings, []);
  });

  test('keeps the exact range of values in block and flow style', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\n  labels: { app: ratings, solo.io/service-scope: global }\n';
    const [service] = parseFile('s.yaml', text).resources;
    assert.deepEqual(plainRange(service?.name?.range), {
      start: { line: 3, character: 8 },
      end: { line: 3, character: 15 },
    });
    const scope = service?.labels.get('solo.io/service-scope');
    assert.equal(scope?.value, 'global');
    assert.deepEqual(plainRange(scope?.range), {
      start: { line: 4, character: 49 },
      end: { line: 4, character: 55 },
    });
    assert.deepEqual(scope?.keyRange?.start, { line: 4, character: 26 });
  });

  test('handles CRLF line endings and a byte-order mark', () => {
    const text = '\uFEFFapiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: crlf\r\n';
    const [service] = parseFile('c.yaml', text).resources;
    assert.equal(service?.name?.value, 'crlf');
    assert.deepEqual(plainRange(service?.name?.range), {
      start: { line: 3, character: 8 },
      end: { line: 3, character: 12 },
    });
  });

  test('resolves anchors, aliases and merge keys', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: merged',
      '  labels:',
      '    <<: &common { app: reviews, solo.io/service-scope: global }',
      '    team: books',
      'spec:',
      '  selector: *common',
      '',
    ].join('\n');
    const [service] = parseFile('m.yaml', text).resources;
    assert.equal(service?.labels.get('team')?.value, 'books');
    assert.equal(
      service?.labels.get('solo.io/service-scope')?.value,
      undefined,
      'labels come from the map itself',
    );
  });

  test('expands List kinds into their items', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: Service',
      '    metadata: { name: one }',
      '  - apiVersion: v1',
      '    kind: Service',
      '    metadata: { name: two }',
      '',
    ].join('\n');
    const parsed = parseFile('l.yaml', text);
    assert.deepEqual(
      parsed.resources.map((resource) => resource.name?.value),
      ['one', 'two'],
    );
    assert.equal(parsed.resources[1]?.range.start.line, 6);
  });

  test('skips YAML that is not a Kubernetes object, quietly', () => {
    const parsed = parseFile(
      'values.yaml',
      'replicaCount: 3\nimage:\n  tag: latest\n---\n- a\n- b\n---\nplain scalar\n',
    );
    assert.deepEqual(parsed.resources, []);
    assert.deepEqual(parsed.findings, []);
  });

  test('reports broken YAML as MESH190 at the parser position and keeps the other documents', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n';
    const parsed = parseFile('b.yaml', text);
    assert.deepEqual(
      parsed.resources.map((resource) => resource.name?.value),
      ['ok'],
    );
    assert.equal(parsed.findings.length > 0, true);
    assert.equal(parsed.findings[0]?.code, 'MESH190');
    assert.equal(parsed.findings[0]?.severity, 'error');
    assert.ok((parsed.findings[0]?.range.start.line ?? 0) >= 8, 'points into the broken document');
  });

  test('reports duplicate keys as MESH190', () => {
    const parsed = parseFile(
      'd.yaml',
      'apiVersion: v1\nkind: Service\nkind: Namespace\nmetadata: { name: x }\n',
    );
    assert.equal(parsed.findings[0]?.code, 'MESH190');
    assert.match(parsed.findings[0]?.message ?? '', /unique/i);
  });

  test('skips Helm templates with an info note instead of failing', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: {{ .Release.Name }}-svc',
      '  labels:',
      '    {{- include "chart.labels" . | nindent 4 }}',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: { name: plain }',
      '',
    ].join('\n');
    const parsed = parseFile('templates/svc.yaml', text);
    assert.deepEqual(
      parsed.resources.map((resource) => resource.name?.value),
      ['plain'],
    );
    assert.deepEqual(
      parsed.findings.map((finding) => [finding.code, finding.severity, finding.range.start.line]),
      [['MESH195', 'info', 3]],
    );
  });

  test('a template action that the YAML reads as structure makes a template; in strings and comments it does not', () => {
    const service = (extra: string) =>
      ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  namespace: shop', extra, ''].join(
        '\n',
      );
    const analysed = (text: string) => {
      const parsed = parseFile('x.yaml', text);
      return {
        resources: parsed.resources.length,
        codes: parsed.findings.map((finding) => finding.code),
      };
    };
    // Read: the document is a valid manifest whatever its strings and comments say.
    for (const text of [
      service('  # rendered by {{ .Chart.Name }}'),
      service('  annotations: { dashboard: "{\\"title\\": \\"{{ .Values.title }}\\"}" }'),
      service("  annotations: { template: '{{name}}-guestbook' }"),
      service('  annotations:\n    spiffe: spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}'),
      service('  annotations:\n    grafana.json: |\n      {"panels": [{"title": "{{ job }}"}]}'),
    ])
      assert.deepEqual(analysed(text), { resources: 1, codes: [] }, text);
    // Skipped: the template decides the structure.
    for (const text of [
      service('spec:\n  replicas: {{ .Values.replicas }}'),
      service('  labels:\n    {{ .Values.labelKey }}: x'),
      `{{- if .Values.enabled }}\n${service('')}{{- end }}\n`,
    ])
      assert.deepEqual(analysed(text), { resources: 0, codes: ['MESH195'] }, text);
    // A syntax error is a syntax error, whatever a comment says.
    assert.deepEqual(analysed(service('  labels: [unclosed # {{ x }}')).codes.includes('MESH190'), true);
  });

  test('YAML that is no Kubernetes object stays quiet, templated strings and all (a CI workflow)', () => {
    // A GitHub workflow expression, written as the workflow writes it.
    const expression = ['$', '{{ github.sha }}'].join('');
    const workflow = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n`;
    const parsed = parseFile('.github/workflows/ci.yml', workflow);
    assert.deepEqual(parsed.findings, []);
    assert.deepEqual(parsed.resources, []);
  });

  test("a kustomization is kustomize's input, not a resource; a Flux Kustomization is one", () => {
    const kustomization = parseFile(
      'overlays/c1/kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\n',
    );
    assert.deepEqual(kustomization.resources, []);
    assert.deepEqual(kustomization.findings, []);
    const component = parseFile(
      'components/x/kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    );
    assert.deepEqual(component.resources, []);
    const flux = parseFile(
      'clusters/c1/apps.yaml',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: apps, namespace: flux-system }\nspec: { path: ./apps }\n',
    );
    assert.deepEqual(
      flux.resources.map((resource) => resource.kind),
      ['Kustomization'],
    );
  });

  test('reads the cluster modeline from the first line only', () => {
    assert.equal(
      parseFile('x.yaml', '# mesh-lens: cluster=east-1\nkind: x\n').modelineCluster?.value,
      'east-1',
    );
    assert.equal(parseFile('x.yaml', 'kind: x\n# mesh-lens: cluster=east-1\n').modelineCluster, undefined);
  });

  test('an alias bomb is read without expanding it', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
    const parsed = parseFile('bomb.yaml', text);
    assert.equal(parsed.resources[0]?.name?.value, 'bomb');
  });
});
