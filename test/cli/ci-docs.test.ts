import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parseDocument } from 'yaml';
import { exampleWorkspace, repoRoot, writeFixture } from '../helpers/paths';

const cliPath = join(repoRoot, 'dist', 'cli.js');
const snippetFiles = ['github-workflow.yml', 'gitlab-ci.yml', 'pre-commit-config.yaml'];

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

/** Runs a snippet's shell command with the built CLI standing in for the published `mesh-lens`. */
function runSnippetCommand(command: string, cwd: string) {
  const local = command.replace(/^(npx )?mesh-lens\b/, `"${process.execPath}" "${cliPath}"`);
  assert.notEqual(local, command, `"${command}" does not run mesh-lens`);
  const result = spawnSync('sh', ['-c', local], {
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

  test('the GitHub workflow writes SARIF with mesh-lens check and uploads that file', () => {
    const workflow = parseSnippet('github-workflow.yml');
    assert.equal(
      workflow.permissions['security-events'],
      'write',
      'upload-sarif needs security-events: write',
    );
    const steps: { run?: string; uses?: string; with?: Record<string, string>; if?: string }[] =
      workflow.jobs['mesh-lens'].steps;
    const checkIndex = steps.findIndex((step) =>
      /\bmesh-lens check --format sarif > \S+/.test(step.run ?? ''),
    );
    assert.ok(checkIndex >= 0, 'no step runs mesh-lens check --format sarif');
    const command = steps[checkIndex]?.run?.trim() ?? '';
    const sarifFile = /> (\S+)$/.exec(command)?.[1];
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

  test('the GitLab job keeps the reports its script writes as artifacts, also on failure', () => {
    const { 'mesh-lens': job } = parseSnippet('gitlab-ci.yml');
    const root = copyOfExample();
    for (const line of job.script as string[]) runSnippetCommand(line, root);
    assert.equal(job.artifacts.when, 'always');
    const written = (job.script as string[]).flatMap((line) => /> (\S+)/.exec(line)?.[1] ?? []);
    assert.deepEqual([...job.artifacts.paths].sort(), [...written].sort());
    for (const path of written) assert.ok(existsSync(join(root, path)), `${path} was not written`);
    assertValidSarif(readFileSync(join(root, 'mesh-lens.sarif'), 'utf8'), 'mesh-lens.sarif');
    assert.ok(Array.isArray(JSON.parse(readFileSync(join(root, 'mesh-lens.json'), 'utf8'))));
  });

  test('the pre-commit hook checks the whole workspace with the current mesh-lens version', () => {
    const config = parseSnippet('pre-commit-config.yaml');
    const [repo] = config.repos;
    assert.equal(repo.repo, 'local');
    const hook = repo.hooks.find((candidate: { id: string }) => candidate.id === 'mesh-lens');
    assert.equal(hook.pass_filenames, false);
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(hook.additional_dependencies, [`mesh-lens@${version}`]);
    runSnippetCommand(hook.entry, copyOfExample());
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
