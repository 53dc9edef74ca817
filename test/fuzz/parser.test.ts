import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { assertInside, linesOf } from './harness';
import { fuzzParameters, randomBytesFile, unicodeText, yamlishText } from './inputs';

// parseFile alone, on text no generator meant to be YAML: it must return (never throw), and every
// finding and resource must point inside the text, the same way twice.

function parsedFacts(path: string, text: string) {
  const parsed = parseFile(path, text);
  const lines = linesOf(new Map([[path, text]]));
  for (const finding of parsed.findings) assertInside(lines, path, finding.range, finding.code);
  for (const resource of parsed.resources) {
    assertInside(lines, path, resource.range, 'a resource');
    if (resource.name) assertInside(lines, path, resource.name.range, 'a resource name');
  }
  if (parsed.modelineCluster) assertInside(lines, path, parsed.modelineCluster.range, 'the modeline');
  assert.equal(parsed.documentCount, parsed.documents.length);
  return {
    findings: parsed.findings,
    resources: parsed.resources.map((resource) => [resource.kind, resource.name?.value, resource.range]),
  };
}

const deterministic = (text: string) => {
  assert.deepEqual(parsedFacts('a.yaml', text), parsedFacts('a.yaml', text));
};

describe('fuzz: parseFile', () => {
  test('random Unicode strings (lone surrogates, astral characters, control characters)', () => {
    fc.assert(fc.property(unicodeText, deterministic), {
      ...fuzzParameters(300),
      includeErrorInReport: true,
    });
  });

  test("random text made of YAML's indicators, quotes, anchors, tags and line breaks", () => {
    fc.assert(fc.property(yamlishText, deterministic), {
      ...fuzzParameters(300),
      includeErrorInReport: true,
    });
  });

  test('random bytes, decoded as the server decodes files', () => {
    fc.assert(
      fc.property(randomBytesFile, (file) => {
        if ('text' in file) deterministic(file.text);
        else assert.match(file.reason, /binary|UTF-8/);
      }),
      { ...fuzzParameters(300), includeErrorInReport: true },
    );
  });
});
