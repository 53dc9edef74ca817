import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/paths';

// A configMapGenerator's `files:` and `envs:` name data files (`.properties`, `.env`): the CLI reads
// them for the renderer, never as manifests, so a hostname in them is checked where it is written.

const workspace = writeFixture(`
  //- mesh-topology.yaml
  clusters:
    east: { paths: [overlays/east] }
  //- base/kustomization.yaml
  resources: [reviews.yaml]
  //- base/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews, namespace: bookinfo }
  spec: { template: { metadata: { labels: { app: reviews } } } }
  //- overlays/east/kustomization.yaml
  resources: [../../base]
  configMapGenerator:
    - name: client
      namespace: bookinfo
      files: [app.properties]
      envs: [client.env]
  //- overlays/east/app.properties
  # where the client finds reviews
  reviews.url=http://reviews.bookinfo.mesh.internl:9080/reviews
  //- overlays/east/client.env
  RATINGS_URL=http://ratings.bookinfo.internal.mesh:9080
`);

interface JsonFinding {
  file: string;
  code: string;
  range: { start: { line: number; character: number } };
}

describe('generator data files', () => {
  test('read for the renderer: hostnames in a .properties and a .env file are checked in those files', () => {
    const result = runCli(['check', workspace, '--format', 'json']);
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    assert.deepEqual(
      findings
        .filter((finding) => finding.code === 'MESH120' || finding.code === 'MESH121')
        .map(
          (finding) =>
            `${finding.code} ${finding.file}:${finding.range.start.line}:${finding.range.start.character}`,
        )
        .sort(),
      // A wrong suffix for a service that exists; a hostname of a service nobody runs.
      ['MESH120 overlays/east/app.properties:1:19', 'MESH121 overlays/east/client.env:0:19'],
    );
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'MESH190' || finding.code === 'MESH192'),
      [],
      'neither parsed as YAML nor noted as unread',
    );
  });
});
