import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { copyOfExample, runCli } from '../helpers/cli';
import { exampleWorkspace, repoRoot } from '../helpers/paths';

const relativeExample = 'examples/bookinfo-multicluster';

function cliHere(args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('check --format github', () => {
  // The workflow command syntax (docs.github.com, "Workflow commands for GitHub Actions"):
  // ::LEVEL key=value,key=value::message, with %, CR, LF escaped and , : escaped in values.
  const COMMAND =
    /^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)::([^\r\n]*)$/;

  test('each line is an annotation command with the finding and its place, relative to the checkout', () => {
    const { code, stdout } = cliHere(['check', relativeExample, '--format', 'github']);
    assert.equal(code, 1);
    const lines = stdout.trimEnd().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const match = COMMAND.exec(line);
      assert.ok(match, `not a workflow command: ${line}`);
      const properties = Object.fromEntries(
        (match[2] ?? '').split(',').map((pair) => pair.split('=') as [string, string]),
      );
      assert.deepEqual(Object.keys(properties), ['file', 'line', 'col', 'endLine', 'endColumn', 'title']);
      assert.ok(readFileSync(join(repoRoot, properties.file ?? '')), `${properties.file} is not a file`);
      for (const key of ['line', 'col', 'endLine', 'endColumn'])
        assert.match(properties[key] ?? '', /^[1-9]\d*$/);
    }
    assert.ok(
      lines.some((line) =>
        /^::warning file=examples\/bookinfo-multicluster\/clusters\/cluster1\/ratings\.yaml,line=5,col=9,.*title=MESH101 unlabeled-sibling::/.test(
          line,
        ),
      ),
    );
  });
});

describe('check --format gitlab', () => {
  // GitLab's Code Quality report format (docs.gitlab.com, "Code Quality", "Code Quality report
  // format"): an array of issues with these fields; severity one of the five listed.
  const schema = {
    type: 'array',
    items: {
      type: 'object',
      required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
      properties: {
        description: { type: 'string', minLength: 1 },
        check_name: { type: 'string', minLength: 1 },
        fingerprint: { type: 'string', minLength: 1 },
        severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
        location: {
          type: 'object',
          required: ['path', 'lines'],
          properties: {
            path: { type: 'string', minLength: 1 },
            lines: {
              type: 'object',
              required: ['begin'],
              properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } },
            },
          },
        },
      },
    },
  };

  test('is a Code Quality report with unique fingerprints and checkout-relative paths', () => {
    const { code, stdout } = cliHere(['check', relativeExample, '--format', 'gitlab']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(JSON.parse(stdout)), JSON.stringify(validate.errors));
    assert.ok(report.length > 0);
    const fingerprints = report.map((issue: { fingerprint: string }) => issue.fingerprint);
    assert.equal(new Set(fingerprints).size, fingerprints.length);
    assert.ok(
      report.some(
        (issue: { location: { path: string } }) =>
          issue.location.path === 'examples/bookinfo-multicluster/clusters/cluster1/ratings.yaml',
      ),
    );
  });

  test('the validator rejects a severity GitLab does not know', () => {
    const validate = new Ajv().compile(schema);
    const report = JSON.parse(cliHere(['check', relativeExample, '--format', 'gitlab']).stdout);
    report[0].severity = 'warning';
    assert.equal(validate(report), false);
  });
});

/** A strict reading of the XML the JUnit report uses: elements, attributes, text; throws on anything malformed. */
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}
function parseXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  assert.notEqual(body, text, 'no XML declaration');
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [] }];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let at = 0;
  for (let match = token.exec(body); match; match = token.exec(body)) {
    at = token.lastIndex;
    const [, closing, name, attributeText, selfClosing, textContent] = match;
    if (textContent !== undefined) {
      assert.doesNotMatch(textContent, /&(?!(amp|lt|gt|quot|apos);)/, 'a bare &');
      continue;
    }
    const parent = stack[stack.length - 1] as XmlElement;
    if (closing) {
      assert.equal(parent.name, name, `</${name}> closes <${parent.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of (attributeText ?? '').matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      assert.equal(attributes[key as string], undefined, `attribute ${key} twice`);
      assert.doesNotMatch(value ?? '', /&(?!(amp|lt|gt|quot|apos);)/, 'a bare &');
      attributes[key as string] = value ?? '';
    }
    const element = { name: name as string, attributes, children: [] };
    parent.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  assert.equal(at, body.length, `malformed XML at ${body.slice(at, at + 40)}`);
  assert.equal(stack.length, 1, 'unclosed elements');
  const [root] = stack[0]?.children ?? [];
  assert.ok(root && stack[0]?.children.length === 1, 'one root element');
  return root;
}

describe('check --format junit', () => {
  test('is JUnit XML: testsuites > testsuite per file > testcase, counts that add up', () => {
    const { code, stdout } = runCli(['check', exampleWorkspace, '--format', 'junit']);
    assert.equal(code, 1);
    const root = parseXml(stdout);
    assert.equal(root.name, 'testsuites');
    let tests = 0;
    let failures = 0;
    for (const suite of root.children) {
      assert.equal(suite.name, 'testsuite');
      assert.ok(suite.attributes.name);
      assert.equal(Number(suite.attributes.tests), suite.children.length);
      const failed = suite.children.filter((testCase) => {
        assert.equal(testCase.name, 'testcase');
        assert.ok(testCase.attributes.name && testCase.attributes.classname);
        for (const child of testCase.children) assert.equal(child.name, 'failure');
        return testCase.children.length > 0;
      }).length;
      assert.equal(Number(suite.attributes.failures), failed);
      tests += suite.children.length;
      failures += failed;
    }
    assert.equal(Number(root.attributes.tests), tests);
    assert.equal(Number(root.attributes.failures), failures);
    // Two errors fail; the warnings and infos are passing cases (the default threshold is error).
    assert.equal(failures, 2);
    assert.ok(root.children.some((suite) => suite.attributes.name?.endsWith('namespace.yaml')));
  });

  test('the reader rejects malformed XML', () => {
    assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a></b>'));
    assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 & 2"/>'));
  });
});

describe('check: reporting flags', () => {
  test('--quiet reports errors only', () => {
    const all = JSON.parse(runCli(['check', exampleWorkspace, '--format', 'json']).stdout);
    const quiet = JSON.parse(runCli(['check', exampleWorkspace, '--format', 'json', '--quiet']).stdout);
    assert.ok(all.some((finding: { severity: string }) => finding.severity !== 'error'));
    assert.deepEqual(
      quiet,
      all.filter((finding: { severity: string }) => finding.severity === 'error'),
    );
  });

  test('--max-warnings fails the run above that many warnings', () => {
    const file = join(exampleWorkspace, 'clusters', 'cluster1', 'ratings.yaml');
    assert.equal(runCli(['check', file]).code, 0);
    assert.equal(runCli(['check', file, '--max-warnings', '1']).code, 0);
    assert.equal(runCli(['check', file, '--max-warnings', '0']).code, 1);
    const bad = runCli(['check', file, '--max-warnings', 'many']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-warnings must be a whole number/);
  });

  test('-o writes the report to a file and nothing to stdout', () => {
    const root = copyOfExample();
    const out = join(root, 'reports', 'mesh-lens.json');
    const { code, stdout } = runCli(['check', root, '--format', 'json', '-o', out]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.ok(JSON.parse(readFileSync(out, 'utf8')).length > 0);
  });

  test('an unknown flag is one line naming it, pointing at --help', () => {
    const { code, stderr } = runCli(['check', '--colour']);
    assert.equal(code, 2);
    assert.equal(stderr, 'mesh-lens: unknown option --colour; see --help\n');
    const missing = runCli(['check', '--format']);
    assert.equal(missing.stderr, 'mesh-lens: --format needs a value; see --help\n');
  });

  test('reach exits 1 when the client reaches nothing', () => {
    const reached = runCli([
      'reach',
      'reviews-v1.bookinfo.mesh.internal',
      '--from',
      'cluster0',
      exampleWorkspace,
    ]);
    assert.equal(reached.code, 0);
    const nothing = runCli([
      'reach',
      'nothing.bookinfo.mesh.internal',
      '--from',
      'cluster0',
      exampleWorkspace,
    ]);
    assert.equal(nothing.code, 1, nothing.stderr);
  });
});

describe('mesh-lens-language-server on the command line', () => {
  const server = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, 'dist', 'server.js'), ...args], {
      encoding: 'utf8',
      input: '',
    });

  test('--help and --version answer and exit', () => {
    assert.match(server('--help').stdout, /mesh-lens-language-server .*\n[\s\S]*--stdio/);
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(server('--version').stdout, `${version}\n`);
  });

  test('without a transport it says so in one line, with no stack trace', () => {
    const { status, stderr } = server();
    assert.equal(status, 2);
    assert.equal(
      stderr,
      'mesh-lens-language-server: name a transport, as an editor does: --stdio (see --help)\n',
    );
  });
});
