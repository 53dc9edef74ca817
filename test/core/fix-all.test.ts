import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createWorkspace,
  type Finding,
  type Fix,
  getModel,
  type MeshModel,
  type Range,
  runChecks,
  setFile,
  type Workspace,
} from '../../shared/src';
import { applyPreferredFixes, fixAll } from '../../shared/src/analysis/fix-all';
import { modelChecker } from '../../shared/src/analysis/verify-fix';
import { keepEncoding } from '../../shared/src/fixes/keep-encoding';
import { setMetadataEntry } from '../../shared/src/fixes/yaml-edits';
import { commentsOf, findingsAsData } from '../helpers/checks';
import { workspaceFrom } from '../helpers/fixture';

const AT_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

const SIBLINGS = `
  //- clusters/east/ratings.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: ratings
    namespace: bookinfo
    labels:
      solo.io/service-scope: global
  spec:
    ports: [{ port: 9080 }]
  //- clusters/west/ratings.yaml
  # west keeps its own copy
  apiVersion: v1
  kind: Service
  metadata:
    name: ratings # the sibling
    namespace: bookinfo
    labels:
      app: ratings # selected by the Deployment
  spec:
    ports: [{ port: 9080 }]
`;

/** A finding on `resource`'s file whose only fix is preferred. */
function findingWith(file: string, message: string, fix: Omit<Fix, 'preferred'>): Finding {
  return {
    code: 'TEST',
    severity: 'warning',
    file,
    range: AT_START,
    message,
    related: [],
    fixes: () => [{ ...fix, preferred: true }],
  };
}

/** Asks every Service for the labels in `wanted`, one finding (and one fix) per missing label. */
function wantLabels(wanted: [string, string][]) {
  return (model: MeshModel): Finding[] =>
    model.services.flatMap((service) =>
      wanted
        .filter(([key, value]) => service.resource.labels.get(key)?.value !== value)
        .map(([key, value]) =>
          findingWith(service.resource.source.path, `${service.name} wants ${key}`, {
            title: `Label ${service.name} ${key}=${value}`,
            changes: [
              {
                file: service.resource.source.path,
                edits: setMetadataEntry(service.resource, 'labels', key, value),
              },
            ],
          }),
        ),
    );
}

function textOf(workspace: Workspace, path: string): string {
  return workspace.files.get(path)?.text ?? '';
}

describe('fixAll', () => {
  test("applies MESH101's preferred fix without touching the input workspace", () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const before = textOf(workspace, 'clusters/west/ratings.yaml');

    const result = fixAll(workspace);

    const fixed = result.files.find((file) => file.path === 'clusters/west/ratings.yaml');
    assert.equal(fixed?.created, false);
    assert.ok(
      fixed?.fixes.includes('Label Service bookinfo/ratings in west with solo.io/service-scope=global'),
      JSON.stringify(fixed?.fixes),
    );
    assert.equal(fixed?.before, before);
    assert.match(
      fixed?.after ?? '',
      /\n {4}app: ratings # selected by the Deployment\n {4}solo\.io\/service-scope: global\n/,
    );
    for (const comment of commentsOf(before)) assert.ok(fixed?.after.includes(comment), comment);
    assert.equal(textOf(result.workspace, 'clusters/west/ratings.yaml'), fixed?.after);
    assert.deepEqual(
      result.remaining.filter((finding) => finding.code === 'MESH101'),
      [],
    );
    assert.equal(textOf(workspace, 'clusters/west/ratings.yaml'), before, 'the input workspace is unchanged');
  });

  test('a workspace with nothing to fix comes back unchanged', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const once = fixAll(workspace);
    const again = fixAll(once.workspace);
    assert.equal(again.passes, 0);
    assert.deepEqual(again.files, []);
    assert.deepEqual(findingsAsData(again.remaining), findingsAsData(runChecks(getModel(once.workspace))));
  });

  test('fixes that insert at the same point are applied in successive passes', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const result = applyPreferredFixes(
      workspace,
      modelChecker(
        wantLabels([
          ['team', 'payments'],
          ['tier', 'backend'],
        ]),
      ),
    );

    assert.equal(result.passes, 2, 'both fixes insert after the last label: one per pass');
    assert.deepEqual(result.remaining, []);
    const west = result.files.find((file) => file.path === 'clusters/west/ratings.yaml');
    assert.deepEqual(west?.fixes, ['Label ratings team=payments', 'Label ratings tier=backend']);
    assert.match(
      west?.after ?? '',
      /\n {4}app: ratings # selected by the Deployment\n {4}team: payments\n {4}tier: backend\nspec:/,
    );
    const east = result.files.find((file) => file.path === 'clusters/east/ratings.yaml');
    assert.match(
      east?.after ?? '',
      /solo\.io\/service-scope: global\n {4}team: payments\n {4}tier: backend\n/,
    );
  });

  test('a fix is all-or-nothing across its files', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const eastService = getModel(workspace).services.find((service) => service.cluster === 'east');
    const westService = getModel(workspace).services.find((service) => service.cluster === 'west');
    assert.ok(eastService && westService);
    const both: Omit<Fix, 'preferred'> = {
      title: 'Label both',
      changes: [
        {
          file: eastService.resource.source.path,
          edits: setMetadataEntry(eastService.resource, 'labels', 'a', 'x'),
        },
        {
          file: westService.resource.source.path,
          edits: setMetadataEntry(westService.resource, 'labels', 'a', 'x'),
        },
      ],
    };
    const westOnly: Omit<Fix, 'preferred'> = {
      title: 'Label west',
      changes: [
        {
          file: westService.resource.source.path,
          edits: setMetadataEntry(westService.resource, 'labels', 'b', 'y'),
        },
      ],
    };
    // Each finding holds until its fix's label is there.
    const labelled = (model: MeshModel, cluster: string, key: string) =>
      model.services.some((service) => service.cluster === cluster && service.resource.labels.has(key));
    const findingsOf = (withWest: boolean) => (model: MeshModel) => [
      ...(withWest && !labelled(model, 'west', 'b')
        ? [findingWith('clusters/west/ratings.yaml', 'west', westOnly)]
        : []),
      ...(labelled(model, 'east', 'a') ? [] : [findingWith('clusters/east/ratings.yaml', 'both', both)]),
    ];

    const result = applyPreferredFixes(workspace, modelChecker(findingsOf(true)), { maxPasses: 1 });

    assert.deepEqual(
      result.files.map((file) => [file.path, file.fixes]),
      [['clusters/west/ratings.yaml', ['Label west']]],
      '"Label both" overlaps "Label west" in the west file, so it waits, in the east file too',
    );
    const next = applyPreferredFixes(workspace, modelChecker(findingsOf(false)), { maxPasses: 1 });
    assert.deepEqual(
      next.files.map((file) => [file.path, file.fixes]),
      [
        ['clusters/east/ratings.yaml', ['Label both']],
        ['clusters/west/ratings.yaml', ['Label both']],
      ],
    );
  });

  test('a fix that leaves its finding (here: fixes that undo each other) is never applied', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const flip = (model: MeshModel): Finding[] =>
      model.services
        .filter((service) => service.cluster === 'west')
        .map((service) => {
          const next = service.resource.labels.get('app')?.value === 'ratings' ? 'other' : 'ratings';
          return findingWith(service.resource.source.path, 'flip', {
            title: `Set app=${next}`,
            changes: [
              {
                file: service.resource.source.path,
                edits: setMetadataEntry(service.resource, 'labels', 'app', next),
              },
            ],
          });
        });
    const result = applyPreferredFixes(workspace, modelChecker(flip), { maxPasses: 4 });
    assert.equal(result.passes, 0);
    assert.deepEqual(result.files, []);
    assert.deepEqual(
      result.notApplied.map((fix) => [fix.title, fix.reason]),
      [['Set app=other', 'unsafe: "Set app=other" does not resolve TEST in clusters/west/ratings.yaml']],
    );
  });

  test('an edit a fix repeats (built from several instances) is applied once, not taken for an overlap', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const west = (model: MeshModel) => model.services.find((service) => service.cluster === 'west');
    const findingsOf = (model: MeshModel): Finding[] => {
      const service = west(model);
      if (!service || service.resource.labels.has('team')) return [];
      const change = {
        file: service.resource.source.path,
        edits: setMetadataEntry(service.resource, 'labels', 'team', 'books'),
      };
      return [findingWith(change.file, 'team', { title: 'Label team twice', changes: [change, change] })];
    };
    const result = applyPreferredFixes(workspace, modelChecker(findingsOf));
    assert.deepEqual(result.notApplied, []);
    const fixed = result.files.find((file) => file.path === 'clusters/west/ratings.yaml');
    assert.equal(fixed?.after.match(/team: books/g)?.length, 1, fixed?.after);
  });

  test('a fix that would break the YAML is never applied', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const broken = findingWith('clusters/west/ratings.yaml', 'broken', {
      title: 'Break it',
      changes: [
        {
          file: 'clusters/west/ratings.yaml',
          edits: [
            {
              range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
              newText: '  x: [\n',
            },
          ],
        },
      ],
    });
    const result = applyPreferredFixes(
      workspace,
      modelChecker(() => [broken]),
    );
    assert.equal(result.passes, 0);
    assert.deepEqual(result.files, []);
    assert.deepEqual(result.remaining, [broken]);

    const withGood = applyPreferredFixes(
      workspace,
      modelChecker((model) => [broken, ...wantLabels([['team', 'a']])(model)]),
      { maxPasses: 1 },
    );
    assert.deepEqual(
      withGood.files.map((file) => [file.path, file.fixes]),
      [
        ['clusters/east/ratings.yaml', ['Label ratings team=a']],
        ['clusters/west/ratings.yaml', ['Label ratings team=a']],
      ],
      'the fixes beside the broken one in the same pass and file still apply',
    );
  });

  test('a fix creates a new file, but never one that exists', () => {
    const { workspace } = workspaceFrom(SIBLINGS);
    const create = (file: string, title: string) =>
      findingWith(file, title, {
        title,
        changes: [{ file, create: true, edits: [{ range: AT_START, newText: 'kind: ConfigMap\n' }] }],
      });
    const result = applyPreferredFixes(
      workspace,
      modelChecker((model) =>
        model.files.has('clusters/west/new.yaml')
          ? []
          : [
              create('clusters/west/new.yaml', 'Create new.yaml'),
              create('clusters/west/ratings.yaml', 'Overwrite'),
            ],
      ),
    );
    assert.deepEqual(result.files, [
      {
        path: 'clusters/west/new.yaml',
        before: '',
        after: 'kind: ConfigMap\n',
        created: true,
        fixes: ['Create new.yaml'],
      },
    ]);
  });

  test('a file with CRLF line breaks and a BOM keeps both', () => {
    const { workspace: lf } = workspaceFrom(SIBLINGS);
    const workspace = createWorkspace();
    for (const [path, entry] of lf.files) {
      setFile(
        workspace,
        path,
        path.includes('west') ? `\uFEFF${entry.text.replaceAll('\n', '\r\n')}` : entry.text,
      );
    }
    const fixed = fixAll(workspace).files.find((file) => file.path === 'clusters/west/ratings.yaml');
    assert.ok(fixed?.after.startsWith('\uFEFF# west keeps'));
    assert.match(fixed?.after ?? '', /solo\.io\/service-scope: global\r\n/);
    assert.doesNotMatch(fixed?.after ?? '', /[^\r]\n/);
  });
});

describe('keepEncoding', () => {
  test('text inserted before a BOM moves after it', () => {
    assert.equal(keepEncoding('\uFEFFa: 1\n', '# top\n\uFEFFa: 1\n'), '\uFEFF# top\na: 1\n');
  });

  test('bare line feeds become CRLF in a CRLF file, and only there', () => {
    assert.equal(keepEncoding('a: 1\r\n', 'a: 1\r\nb: 2\n'), 'a: 1\r\nb: 2\r\n');
    assert.equal(keepEncoding('a: 1\n', 'a: 1\nb: 2\n'), 'a: 1\nb: 2\n');
    assert.equal(
      keepEncoding('a: 1\r\nb: 2\n', 'a: 1\r\nb: 2\nc: 3\n'),
      'a: 1\r\nb: 2\nc: 3\n',
      'mixed stays mixed',
    );
  });
});
