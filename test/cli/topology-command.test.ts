import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli';
import { exampleWorkspace, gitopsExample, kustomizeExample, writeFixture } from '../helpers/paths';

// `mesh-lens topology` (issue #16): how Mesh Lens reads a repository — each cluster, the entry points
// that place manifests in it, and what each places.

describe('mesh-lens topology', () => {
  test('the bundled examples, as their READMEs say', () => {
    const plain = runCli(['topology', exampleWorkspace]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(
      plain.stdout,
      [
        'cluster0 (network net0, us-west/us-west-1a)',
        '  topology mesh-topology.yaml:3: 4 files · 2 Deployment, 1 HTTPRoute, 1 Namespace, 3 Service',
        'cluster1 (network net1, us-west/us-west-1b)',
        '  topology mesh-topology.yaml:4: 2 files · 2 Deployment, 2 Service',
        'cluster2 (network net2, us-east/us-east-1a)',
        '  topology mesh-topology.yaml:5: 2 files · 1 Deployment, 1 DestinationRule, 1 Namespace, 1 Service',
        '',
      ].join('\n'),
    );
    const layered = runCli(['topology', kustomizeExample]);
    assert.equal(
      layered.stdout,
      [
        'cluster1 (network cluster1, us-west)',
        '  kustomization overlays/cluster1/kustomization.yaml: 3 files · 2 Deployment, 2 Service, 1 VirtualService',
        'cluster2 (network cluster2, us-east)',
        '  kustomization overlays/cluster2/kustomization.yaml: 2 files · 2 Deployment, 2 Service',
        'cluster3 (network cluster3, eu-west)',
        '  kustomization overlays/cluster3/kustomization.yaml: 2 files · 2 Deployment, 2 Service',
        '',
      ].join('\n'),
    );
  });

  test('the GitOps example, as its README says', () => {
    const readme = readFileSync(join(gitopsExample, 'README.md'), 'utf8');
    const shown = /mesh-lens topology examples\/gitops-multicluster[^\n]*\n\n```\n([\s\S]*?)```/.exec(
      readme,
    )?.[1];
    assert.equal(runCli(['topology', gitopsExample]).stdout, shown);
  });

  test('Flux objects, conventions and the implicit cluster; --format json', () => {
    const root = writeFixture(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec: { path: ./deploy, targetNamespace: shop }
      //- deploy/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
      //- loose/orders.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: orders }
    `);
    assert.equal(
      runCli(['topology', root]).stdout,
      [
        'default (network default)',
        '  no cluster named (implicit default): 1 file · 1 Service',
        'east (network east)',
        '  folder clusters/east/: 1 file · 1 Kustomization',
        '  Flux clusters/east/apps.yaml:3: 1 file · 1 Service',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(runCli(['topology', root, '--format', 'json']).stdout);
    assert.deepEqual(json[1].entries[1], {
      kind: 'flux',
      file: 'clusters/east/apps.yaml',
      files: ['deploy/cart.yaml'],
      kinds: { Service: 1 },
    });
  });
});
