import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel } from '../../shared/src';
import { workspaceFrom } from '../helpers/fixture';

// SPEC §9 (3): a Flux Kustomization deploys into the cluster it is itself placed in, which may be
// decided by another Flux Kustomization that deploys it (Flux's multi-tenancy layout: the cluster's
// Kustomization deploys `tenants/<cluster>`, whose Kustomizations deploy each team's apps).

const servicesOf = (fixture: string) =>
  getModel(workspaceFrom(fixture).workspace).services.map(
    (service) => `${service.cluster} ${service.namespace}/${service.name}`,
  );

describe('Flux Kustomizations deployed by Flux Kustomizations', () => {
  test("a tenant's Kustomization deploys into the cluster of the Kustomization that deploys it", () => {
    assert.deepEqual(
      servicesOf(`
        //- clusters/production/tenants.yaml
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: { name: tenants, namespace: flux-system }
        spec: { path: ./tenants/production, sourceRef: { kind: GitRepository, name: flux-system } }
        //- tenants/production/team-a.yaml
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: { name: team-a, namespace: team-a }
        spec: { path: ./apps/team-a, targetNamespace: team-a, sourceRef: { kind: GitRepository, name: team-a } }
        //- apps/team-a/svc.yaml
        apiVersion: v1
        kind: Service
        metadata: { name: cart }
      `),
      ['production team-a/cart'],
    );
  });

  test('silent twin: a Flux Kustomization no other deploys stays where it is placed', () => {
    assert.deepEqual(
      servicesOf(`
        //- tenants/production/team-a.yaml
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: { name: team-a, namespace: team-a }
        spec: { path: ./apps/team-a, targetNamespace: team-a }
        //- apps/team-a/svc.yaml
        apiVersion: v1
        kind: Service
        metadata: { name: cart }
      `),
      ['default team-a/cart'],
    );
  });
});
