import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { readTopologyFile, TOPOLOGY_INVALID } from '../../shared/src/topology/topology-file';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { exampleWorkspace, repoRoot } from '../helpers/paths';

// The schema that package.json contributes (yamlValidation) for mesh-topology.yaml must agree with the
// checker: what the checker reads silently validates, what it reports as MESH191 is rejected.
const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'mesh-topology.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

const schemaErrors = (text: string) => {
  validate(parse(text));
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
};
const checkerErrors = (text: string) =>
  readTopologyFile(parseFile('mesh-topology.yaml', text)).findings.filter(
    (finding) => finding.code === TOPOLOGY_INVALID,
  );

describe('mesh-topology.yaml JSON Schema (SPEC §6)', () => {
  test('package.json contributes it for mesh-topology.yaml', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.yamlValidation, [
      { fileMatch: 'mesh-topology.yaml', url: './schemas/mesh-topology.schema.json' },
    ]);
  });

  test("the example workspace's topology validates", () => {
    const text = readFileSync(join(exampleWorkspace, 'mesh-topology.yaml'), 'utf8');
    assert.deepEqual(schemaErrors(text), []);
    assert.deepEqual(checkerErrors(text), []);
  });

  const valid: Record<string, string> = {
    'the SPEC §6 example, with segments, one-way and two-way links': `
clusters:
  cluster1: { paths: ["clusters/cluster1/**"], network: net1, region: us-west, zone: us-west-1a }
  cluster2: { paths: ["clusters/cluster2/**"], network: net2, region: us-east, segment: payments }
  cluster3: { paths: ["clusters/cluster3/**"] }
segments:
  payments: { domain: payments.mesh }
links:
  - { from: cluster1, to: cluster2 }
  - { between: [cluster1, cluster3] }
severity:
  MESH101: error
  MESH113: off
`,
    'overlapping paths, a folder, and path entries with a default namespace (SPEC §9)': `
clusters:
  east: { paths: ["base/**", { glob: "apps/**", namespace: sample }, overlays/east] }
  west: { paths: ["base/**", { glob: "apps/**" }] }
`,
    'a single glob as paths, a cluster without settings, and empty sections': `
clusters:
  east: { paths: "infra/east/**" }
  west:
segments:
links:
`,
  };
  for (const [name, text] of Object.entries(valid)) {
    test(`valid: ${name}`, () => {
      assert.deepEqual(schemaErrors(text), []);
      assert.deepEqual(checkerErrors(text), []);
    });
  }

  // Each invalid file: the schema error it must raise; the checker must report it too (MESH191).
  const invalid: Record<string, { text: string; schemaError: RegExp }> = {
    'an unknown top-level key': {
      text: 'cluster:\n  a: {}\n',
      schemaError: /must NOT have additional properties/,
    },
    'an unknown cluster key': {
      text: 'clusters:\n  a: { netwrok: n1 }\n',
      schemaError: /^\/clusters\/a must NOT have additional/,
    },
    'a path that is a mapping': {
      text: 'clusters:\n  a: { paths: [{ x: 1 }] }\n',
      schemaError: /^\/clusters\/a\/paths/,
    },
    'a path entry with a namespace that is no namespace name': {
      text: 'clusters:\n  a: { paths: [{ glob: "apps/**", namespace: Sample_NS }] }\n',
      schemaError: /^\/clusters\/a\/paths\/0\/namespace must match pattern/,
    },
    'paths as a mapping': {
      text: 'clusters:\n  a: { paths: { x: y } }\n',
      schemaError: /^\/clusters\/a\/paths/,
    },
    'an empty network': {
      text: 'clusters:\n  a: { network: "" }\n',
      schemaError: /^\/clusters\/a\/network must NOT have fewer/,
    },
    'clusters as a list': { text: 'clusters:\n  - a\n', schemaError: /^\/clusters must be object,null/ },
    'a segment without a domain': {
      text: 'segments:\n  payments: {}\n',
      schemaError: /must have required property 'domain'/,
    },
    'a segment domain that is not DNS': {
      text: 'segments:\n  payments: { domain: Payments_Mesh }\n',
      schemaError: /^\/segments\/payments\/domain must match pattern/,
    },
    'a link with only from': {
      text: 'links:\n  - { from: a }\n',
      schemaError: /^\/links\/0 must match a schema in anyOf/,
    },
    'between with three clusters': {
      text: 'links:\n  - { between: [a, b, c] }\n',
      schemaError: /^\/links\/0\/between must NOT have more than 2 items/,
    },
    'an unknown link key': {
      text: 'links:\n  - { from: a, to: b, via: c }\n',
      schemaError: /^\/links\/0 must NOT have additional/,
    },
    'links as a scalar': { text: 'links: 5\n', schemaError: /^\/links must be array,null/ },
    'links as a mapping': {
      text: 'links:\n  a: b\n',
      schemaError: /^\/links must be array,null/,
    },
    'a severity key that is not a code': {
      text: 'severity:\n  unlabeled-sibling: off\n',
      schemaError: /property name must be valid/,
    },
    'an unknown severity level': {
      text: 'severity:\n  MESH101: fatal\n',
      schemaError: /must be equal to one of the allowed values/,
    },
  };
  for (const [name, { text, schemaError }] of Object.entries(invalid)) {
    test(`invalid: ${name}`, () => {
      const errors = schemaErrors(text);
      assert.ok(
        errors.some((error) => schemaError.test(error)),
        `expected ${schemaError}, got ${errors.join('; ')}`,
      );
    });
    test(`invalid: ${name} is MESH191 for the checker too`, () => {
      assert.notDeepEqual(checkerErrors(text), []);
    });
  }
});
