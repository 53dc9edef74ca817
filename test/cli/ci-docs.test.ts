import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parseDocument } from 'yaml';
import { exampleWorkspace, repoRoot, writeFixture } from '../helpers/paths';

const cliPath = join(repoRoot, 'dist', 'cli.js');
const snippetFiles = [
  'github-annotations.yml',
  'github-code-scanning.yml',
  'gitlab-ci.yml',
  'pre-commit-config.yaml',
];

function snippet(name: string): string {
  return readFileSync(join(repoRoot, 'docs', 'ci', name), 'utf8');
}

function parseSnippet(name: string) {
  const document = parseDocument(snippet(name));
  assert.deepEqual(
    document.errors.map((error) => error.message),
    [],
    `${name} is not valid YAML`,
  );
  return document.toJS();
}

/**
 * Runs a snippet's shell command with the built CLI standing in for the published `mesh-lens`
 * (`npx --yes mesh-lens@x …` included, anywhere in a pipeline). `prelude` runs first in the same shell.
 */
function runSnippetCommand(command: string, cwd: string, prelude = '') {
  const local = command.replace(
    /(npx (--yes )?)?mesh-lens(@[\w.-]+)?(?=\s|$)/g,
    `"${process.execPath}" "${cliPath}"`,
  );
  assert.notEqual(local, command, `"${command}" does not run mesh-lens`);
  const result = spawnSync('sh', ['-c', `${prelude}${local}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.ok(
    result.status === 0 || result.status === 1,
    `"${command}" exited ${result.status}: ${result.stderr}`,
  );
  return result;
}

function copyOfExample(): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-ci-'));
  cpSync(exampleWorkspace, root, { recursive: true });
  return root;
}

// The schema is the SARIF 2.1.0 schema Microsoft's SARIF SDK ships in the npm package
// @microsoft/sarif-multitool-linux@5.7.0 (`sarif-2.1.0.json`, MIT), formatted by biome; its content
// is unchanged. It declares JSON Schema 2020-12, hence Ajv2020.
function sarifValidator() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const schema = JSON.parse(
    readFileSync(join(repoRoot, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'),
  );
  return ajv.compile(schema);
}

/** The few fields the tests read; the schema checks the rest. */
interface SarifLog {
  runs: { tool: { driver: { name: string } }; results: { level: string }[] }[];
}

function assertValidSarif(text: string, what: string): SarifLog {
  const validate = sarifValidator();
  const log: SarifLog = JSON.parse(text);
  assert.ok(validate(log), `${what} is not valid SARIF 2.1.0:\n${JSON.stringify(validate.errors, null, 1)}`);
  return log;
}

/** How many findings `check --format json` reports for the example: what every format must carry. */
function exampleFindingCount(): number {
  const result = spawnSync(process.execPath, [cliPath, 'check', exampleWorkspace, '--format', 'json'], {
    encoding: 'utf8',
  });
  return (JSON.parse(result.stdout) as unknown[]).length;
}

describe('docs/ci.md', () => {
  test('contains each snippet of docs/ci/ verbatim, in a yaml block', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'ci.md'), 'utf8');
    for (const name of snippetFiles) {
      assert.ok(
        doc.includes(`\`\`\`yaml\n${snippet(name)}\`\`\`\n`),
        `docs/ci.md does not include docs/ci/${name}`,
      );
    }
  });

  test('contains the rendered-manifest recipes verbatim, in a sh block', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'ci.md'), 'utf8');
    assert.ok(doc.includes(`\`\`\`sh\n${snippet('render-and-check.sh')}\`\`\`\n`));
  });

  test('the annotations workflow prints a workflow command for every finding', () => {
    const workflow = parseSnippet('github-annotations.yml');
    const steps: { run?: string }[] = workflow.jobs['mesh-lens'].steps;
    const command = steps
      .find((step) => /\bmesh-lens check --format github\b/.test(step.run ?? ''))
      ?.run?.trim();
    assert.ok(command, 'no step runs mesh-lens check --format github');
    const result = runSnippetCommand(command, copyOfExample());
    assert.equal(result.status, 1, 'the example has errors: the job fails');
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('::'));
    assert.equal(lines.length, exampleFindingCount(), result.stdout);
    for (const line of lines)
      assert.match(
        line,
        /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:]+::.+$/,
      );
  });

  test('the code-scanning workflow writes SARIF with mesh-lens check and uploads that file', () => {
    const workflow = parseSnippet('github-code-scanning.yml');
    assert.equal(
      workflow.permissions['security-events'],
      'write',
      'upload-sarif needs security-events: write',
    );
    const steps: { run?: string; uses?: string; with?: Record<string, string>; if?: string }[] =
      workflow.jobs['mesh-lens'].steps;
    const checkIndex = steps.findIndex((step) =>
      /\bmesh-lens check --format sarif -o \S+/.test(step.run ?? ''),
    );
    assert.ok(checkIndex >= 0, 'no step runs mesh-lens check --format sarif');
    const command = steps[checkIndex]?.run?.trim() ?? '';
    const sarifFile = /-o (\S+)$/.exec(command)?.[1];
    const upload = steps
      .slice(checkIndex + 1)
      .find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.equal(upload?.with?.sarif_file, sarifFile, 'the upload step uploads the file the check wrote');
    assert.match(
      upload?.if ?? '',
      /always\(\)|!cancelled\(\)/,
      'findings are uploaded also when the check fails',
    );

    const root = copyOfExample();
    runSnippetCommand(command, root);
    const log = assertValidSarif(readFileSync(join(root, sarifFile ?? ''), 'utf8'), sarifFile ?? '');
    assert.equal(log.runs[0]?.tool.driver.name, 'mesh-lens');
  });

  test('the GitLab job writes the Code Quality report it declares, also when the check fails', () => {
    const { 'mesh-lens': job } = parseSnippet('gitlab-ci.yml');
    const root = copyOfExample();
    for (const line of job.script as string[]) runSnippetCommand(line, root);
    assert.equal(job.artifacts.when, 'always');
    const report = job.artifacts.reports.codequality as string;
    const issues = JSON.parse(readFileSync(join(root, report), 'utf8')) as {
      description: string;
      check_name: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    assert.equal(issues.length, exampleFindingCount());
    for (const issue of issues) {
      assert.ok(issue.description && issue.check_name && issue.fingerprint);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity), issue.severity);
      assert.ok(
        existsSync(join(root, issue.location.path)),
        `${issue.location.path} is a file of the repository`,
      );
      assert.ok(issue.location.lines.begin >= 1);
    }
  });

  test('the pre-commit hook reports the staged files, seeing the whole workspace around them', () => {
    const config = parseSnippet('pre-commit-config.yaml');
    const [repo] = config.repos;
    assert.equal(repo.repo, 'local');
    const hook = repo.hooks.find((candidate: { id: string }) => candidate.id === 'mesh-lens');
    assert.notEqual(hook.pass_filenames, false, 'pre-commit passes the staged files');
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(hook.additional_dependencies, [`mesh-lens@${version}`]);
    // As pre-commit runs it: the entry, then the staged file names.
    const result = runSnippetCommand(`${hook.entry} clusters/cluster1/ratings.yaml`, copyOfExample());
    assert.match(result.stdout, /MESH101/, 'the sibling in another cluster is seen');
    assert.doesNotMatch(result.stdout, /reviews-route\.yaml/, 'only the staged file is reported');
  });

  test('rendered manifests through standard input: the Kustomize and Helm recipes', (t) => {
    const recipes = snippet('render-and-check.sh')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    assert.equal(recipes.length, 2);
    const root = copyOfExample();
    // cluster2's Service as its overlay renders it (not exported) and as the chart renders it.
    const reviews = readFileSync(join(root, 'clusters/cluster2/reviews.yaml'), 'utf8').replace(
      /\n\s*solo\.io\/service-scope: global/,
      '',
    );
    // The overlay is in both workspaces: Mesh Lens renders it natively too (SPEC §9).
    const addOverlay = (at: string) => {
      mkdirSync(join(at, 'overlays/cluster2'), { recursive: true });
      writeFileSync(join(at, 'overlays/cluster2/reviews.yaml'), reviews);
      writeFileSync(join(at, 'overlays/cluster2/kustomization.yaml'), 'resources: [reviews.yaml]\n');
    };
    addOverlay(root);
    writeFileSync(
      join(root, 'helm-output.yaml'),
      `---\n# Source: reviews/templates/service.yaml\n${reviews.replace(/^---\n/, '')}`,
    );
    // Helm is not installed here: a stand-in prints what `helm template` prints for the chart.
    const helm = 'helm() { cat helm-output.yaml; }; ';
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    for (const recipe of recipes) {
      if (recipe.startsWith('kubectl') && kubectl.error) {
        if (process.env.CI === 'true') assert.fail('kubectl is missing');
        t.diagnostic('kubectl is not installed: the Kustomize recipe was not run');
        continue;
      }
      const result = runSnippetCommand(recipe, root, helm);
      // The same as the rendered text written at that path and checked on disk.
      const file = /--stdin-filename (\S+)/.exec(recipe)?.[1] ?? '';
      const rendered = spawnSync('sh', ['-c', `${helm}${recipe.split(' | ')[0]}`], {
        cwd: root,
        encoding: 'utf8',
      });
      const onDisk = copyOfExample();
      addOverlay(onDisk);
      writeFileSync(join(onDisk, file), rendered.stdout);
      const direct = spawnSync(process.execPath, [cliPath, 'check', join(onDisk, file)], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      const findingsOf = (text: string) =>
        text.split('\n').filter((line) => !/ in \d+(\.\d+)? s$/.test(line));
      assert.match(result.stdout, new RegExp(file.replaceAll('.', '\\.')), `${recipe}\n${result.stdout}`);
      assert.deepEqual(findingsOf(result.stdout), findingsOf(direct.stdout), recipe);
    }
  });
});

describe('check --format sarif', () => {
  test('is valid SARIF 2.1.0 for the example workspace', () => {
    const result = spawnSync(process.execPath, [cliPath, 'check', exampleWorkspace, '--format', 'sarif'], {
      encoding: 'utf8',
    });
    const log = assertValidSarif(result.stdout, 'the example SARIF');
    assert.ok(
      (log.runs[0]?.results.length ?? 0) > 0,
      'the example has findings, so results are validated too',
    );
  });

  test('is valid SARIF 2.1.0 with syntax errors, skipped files and topology errors', () => {
    const root = writeFixture(`
      //- clusters/c1/bad.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: [unclosed
      //- clusters/c1/chart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Values.name }}
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], colour: red }
    `);
    const result = spawnSync(process.execPath, [cliPath, 'check', root, '--format', 'sarif'], {
      encoding: 'utf8',
    });
    const log = assertValidSarif(result.stdout, 'the SARIF of a broken workspace');
    assert.equal(log.runs[0]?.results.length, 3);
  });

  test('the validator rejects what SARIF 2.1.0 does not allow', () => {
    const result = spawnSync(process.execPath, [cliPath, 'check', exampleWorkspace, '--format', 'sarif'], {
      encoding: 'utf8',
    });
    const log: SarifLog = JSON.parse(result.stdout);
    const [first] = log.runs[0]?.results ?? [];
    assert.ok(first);
    first.level = 'fatal';
    const validate = sarifValidator();
    assert.equal(validate(log), false);
  });
});
