import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, MeshLens, runChecks } from '../../shared/src';
import { parseFixture, workspaceFrom } from '../helpers/fixture';

// A base placed in several clusters is checked once per placement; a finding about what the base
// itself says (the same message at the same place) is reported once, not once per cluster.

const base = (overlays: string[]) =>
  [
    '//- base/kustomization.yaml',
    'resources: [svc.yaml]',
    '//- base/svc.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: global } }',
    'spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }',
    ...overlays.flatMap((name) => [`//- overlays/${name}/kustomization.yaml`, 'resources: [../../base]']),
  ].join('\n');

describe('findings on a shared base', () => {
  test('no endpoints in any cluster: one MESH170 on the base, naming every cluster', () => {
    const findings = runChecks(getModel(workspaceFrom(base(['east', 'west', 'north'])).workspace));
    const noEndpoints = findings.filter((finding) => finding.code === 'MESH170');
    assert.equal(noEndpoints.length, 1, noEndpoints.map((finding) => finding.message).join('\n'));
    assert.equal(noEndpoints[0]?.file, 'base/svc.yaml');
    assert.match(noEndpoints[0]?.message ?? '', /east, north and west|east, west and north/);
  });
});

describe('findings on a shared base: per-cluster copies', () => {
  test('an invalid value in the base: one MESH110 naming both clusters, its fix once', () => {
    const fixture = base(['east', 'west']).replace('service-scope: global', 'service-scope: globl');
    const findings = runChecks(getModel(workspaceFrom(fixture).workspace)).filter(
      (finding) => finding.code === 'MESH110',
    );
    assert.equal(findings.length, 1);
    assert.match(findings[0]?.message ?? '', /Service shop\/reviews in east and west is not exported/);
    assert.equal(findings[0]?.fixes().filter((fix) => fix.preferred).length, 1);
  });

  test('copies that say different things stay apart', () => {
    // West forgot the label east's overlay sets: MESH101 is about west alone, and stays one finding.
    const fixture = base(['east', 'west'])
      .replace(', labels: { solo.io/service-scope: global }', '')
      .replace(
        '//- overlays/east/kustomization.yaml\nresources: [../../base]',
        '//- overlays/east/kustomization.yaml\nresources: [../../base]\nlabels: [{ pairs: { solo.io/service-scope: global } }]',
      );
    const findings = runChecks(getModel(workspaceFrom(fixture).workspace)).filter(
      (finding) => finding.code === 'MESH101',
    );
    assert.equal(findings.length, 1);
    assert.match(findings[0]?.message ?? '', /not exported in west, but its siblings in east are/);
  });

  test('two clusters forgot the label: one MESH101 naming both, fixed by a patch in each overlay at once', () => {
    const fixture = base(['east', 'west', 'north'])
      .replace(', labels: { solo.io/service-scope: global }', '')
      .replace(
        '//- overlays/east/kustomization.yaml\nresources: [../../base]',
        '//- overlays/east/kustomization.yaml\nresources: [../../base]\nlabels: [{ pairs: { solo.io/service-scope: global } }]',
      );
    const host = new MeshLens();
    host.applyChange({ set: parseFixture(fixture).map((file) => [file.path, file.text] as const) });
    const unlabeled = host
      .snapshot()
      .findings()
      .filter((finding) => finding.code === 'MESH101');
    assert.equal(unlabeled.length, 1);
    assert.match(unlabeled[0]?.message ?? '', /not exported in north and west, but its siblings in east are/);
    const fixed = host.snapshot().fixAll();
    assert.deepEqual(
      fixed.files.map((file) => file.path),
      ['overlays/north/kustomization.yaml', 'overlays/west/kustomization.yaml'],
    );
    assert.deepEqual(
      fixed.remaining.filter((finding) => finding.code === 'MESH101'),
      [],
    );
  });
});

describe('a label an overlay removes', () => {
  const fixture = `
    //- mesh-topology.yaml
    clusters: { east: { paths: [east] }, west: { paths: [west] } }
    //- base/kustomization.yaml
    resources: [svc.yaml]
    //- base/svc.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: global } }
    spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
    //- east/kustomization.yaml
    resources: [../base]
    //- west/kustomization.yaml
    resources: [../base]
    patches: [{ path: unlabel.yaml }]
    //- west/unlabel.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: null } }
  `;

  test('MESH101 is on the patch that removes it, and the fix sets the label there', () => {
    const host = new MeshLens();
    host.applyChange({ set: parseFixture(fixture).map((file) => [file.path, file.text] as const) });
    const [finding, ...more] = host
      .snapshot()
      .findings()
      .filter((found) => found.code === 'MESH101');
    assert.equal(more.length, 0);
    assert.equal(finding?.file, 'west/unlabel.yaml');
    assert.deepEqual(finding?.range.start, { line: 2, character: 77 });
    assert.match(finding?.message ?? '', /west\/unlabel\.yaml removes its solo\.io\/service-scope label/);
    const fixed = host.snapshot().fixAll();
    assert.deepEqual(
      fixed.files.map((file) => [file.path, file.after]),
      [
        [
          'west/unlabel.yaml',
          'apiVersion: v1\nkind: Service\nmetadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: global } }\n',
        ],
      ],
    );
    assert.deepEqual(
      fixed.remaining.filter((found) => found.code === 'MESH101'),
      [],
    );
  });
});
