import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, MeshLens, runChecks } from '../../shared/src';
import { parseFixture, workspaceFrom } from '../helpers/fixture';

// SPEC §9, Helm: rendered output placed in a cluster is analysed like any manifest, and when the
// chart is in the workspace a finding on a rendered document is also shown on its template.

const rendered = (scope: string) =>
  [
    '---',
    '# Source: reviews/templates/service.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: reviews',
    '  namespace: bookinfo',
    '  labels:',
    '    app: reviews',
    ...(scope ? [`    solo.io/service-scope: ${scope}`] : []),
    'spec:',
    '  selector: { app: reviews }',
    '  ports: [{ port: 9080 }]',
  ].join('\n');

describe('Helm output with provenance', () => {
  test('a cluster whose values forget the scope: MESH101 on its rendered output and on the template', () => {
    const { workspace } = workspaceFrom(
      [
        '//- mesh-topology.yaml',
        'clusters:',
        '  cluster1: { paths: [rendered/cluster1.yaml] }',
        '  cluster2: { paths: [rendered/cluster2.yaml] }',
        '//- charts/reviews/templates/service.yaml',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: {{ .Values.name }}',
        '  namespace: {{ .Release.Namespace }}',
        '  labels:',
        '    app: reviews',
        '    {{- with .Values.scope }}',
        '    solo.io/service-scope: {{ . }}',
        '    {{- end }}',
        '//- charts/reviews/values/cluster1.yaml',
        'scope: global',
        '//- rendered/cluster1.yaml',
        rendered('global'),
        '//- rendered/cluster2.yaml',
        rendered(''),
      ].join('\n'),
    );
    const findings = runChecks(getModel(workspace)).filter((finding) => finding.code === 'MESH101');
    assert.deepEqual(
      findings.map(
        (finding) => `${finding.file}:${finding.range.start.line}:${finding.range.start.character}`,
      ),
      ['charts/reviews/templates/service.yaml:3:2', 'rendered/cluster2.yaml:5:8'],
    );
    const [onTemplate] = findings;
    assert.match(
      onTemplate?.message ?? '',
      /^In cluster2 rendered output \(rendered\/cluster2\.yaml\): .*not exported in cluster2/,
    );
    assert.equal(onTemplate?.related[0]?.file, 'rendered/cluster2.yaml');
    assert.deepEqual(
      onTemplate?.fixes(),
      [],
      'edits are made to the rendered file, never guessed into a template',
    );
  });

  test('without the chart in the workspace, the rendered output alone is reported', () => {
    const { workspace } = workspaceFrom(
      [
        '//- clusters/cluster1/reviews.yaml',
        rendered('global'),
        '//- clusters/cluster2/reviews.yaml',
        rendered(''),
      ].join('\n'),
    );
    assert.deepEqual(
      runChecks(getModel(workspace))
        .filter((finding) => finding.code === 'MESH101')
        .map((finding) => finding.file),
      ['clusters/cluster2/reviews.yaml'],
    );
  });
});

// A fix belongs in the layer at fault: for committed `helm template` output that is the chart's values.
describe('fixes on Helm output', () => {
  const chart = [
    '//- charts/reviews/Chart.yaml',
    'apiVersion: v2',
    'name: reviews',
    'version: 1.0.0',
    '//- charts/reviews/templates/service.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: reviews',
    '  labels:',
    '    solo.io/service-scope: {{ .Values.scope }}',
  ];
  const workspace = (files: string[]) =>
    [
      '//- mesh-topology.yaml',
      'clusters:',
      '  cluster1: { paths: [rendered/cluster1.yaml] }',
      '  cluster2: { paths: [rendered/cluster2.yaml] }',
      ...files,
      '//- rendered/cluster1.yaml',
      rendered('global'),
      '//- rendered/cluster2.yaml',
      rendered('Global'),
    ].join('\n');
  const hostOf = (fixture: string) => {
    const host = new MeshLens();
    host.applyChange({ set: parseFixture(fixture).map((file) => [file.path, file.text] as const) });
    return host;
  };
  const invalidScope = (host: MeshLens) => {
    const finding = host
      .snapshot()
      .findings()
      .find((found) => found.code === 'MESH110' && found.file === 'rendered/cluster2.yaml');
    assert.ok(finding, 'MESH110 on the rendered output');
    return finding;
  };

  test("the value comes from the cluster's values file: the fix edits it and the rendered document together", () => {
    const host = hostOf(
      workspace([
        ...chart,
        '//- charts/reviews/values/cluster1.yaml',
        'scope: global',
        '//- charts/reviews/values/cluster2.yaml',
        '# cluster2 is exported too',
        'scope: Global',
      ]),
    );
    const [fix] = host.snapshot().fixes(invalidScope(host));
    assert.equal(fix?.preferred, true);
    assert.match(
      fix?.title ?? '',
      /in charts\/reviews\/values\/cluster2\.yaml \(and in the rendered rendered\/cluster2\.yaml\)$/,
    );
    const fixed = host.snapshot().fixAll();
    assert.deepEqual(
      fixed.files.map((file) => [file.path, file.after]),
      [
        ['charts/reviews/values/cluster2.yaml', '# cluster2 is exported too\nscope: global\n'],
        ['rendered/cluster2.yaml', `${rendered('global')}\n`],
      ],
    );
  });

  test('no values file holds it, or several none of which names the cluster: the rendered edit alone, never preferred', () => {
    for (const values of [
      [],
      [
        '//- charts/reviews/values.yaml',
        'scope: Global',
        '//- charts/reviews/values-prod.yaml',
        'scope: Global',
      ],
    ]) {
      const host = hostOf(workspace([...chart, ...values]));
      const fixes = host.snapshot().fixes(invalidScope(host));
      assert.ok(fixes.length > 0);
      for (const fix of fixes) {
        assert.notEqual(fix.preferred, true);
        assert.match(fix.title, /edits generated Helm output: the next helm template undoes it/);
        assert.deepEqual(
          fix.changes.map((change) => change.file),
          ['rendered/cluster2.yaml'],
        );
      }
      assert.deepEqual(host.snapshot().fixAll().files, [], '--fix leaves generated output alone');
    }
  });

  test("a render command's output has no file: no fix edits it", () => {
    const host = hostOf(
      [
        '//- mesh-topology.yaml',
        'clusters:',
        '  cluster1: { paths: [rendered/cluster1.yaml] }',
        '  cluster2: { render: "helm template charts/reviews -f charts/reviews/values/cluster2.yaml" }',
        '//- rendered/cluster1.yaml',
        rendered('global'),
      ].join('\n'),
    );
    host.applyChange({ set: [['.mesh-lens/rendered/cluster2.yaml', rendered('Global')]] });
    const finding = host
      .snapshot()
      .findings()
      .find((found) => found.code === 'MESH110' && found.file === '.mesh-lens/rendered/cluster2.yaml');
    assert.ok(finding);
    assert.deepEqual(host.snapshot().fixes(finding), []);
    assert.deepEqual(host.snapshot().fixAll().files, []);
  });
});
