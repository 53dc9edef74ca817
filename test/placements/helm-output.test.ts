import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, runChecks } from '../../shared/src';
import { workspaceFrom } from '../helpers/fixture';

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
