// A client for Red Hat's yaml-language-server (the devDependency, 1.25.0: the last 1.x, which runs
// on Node 20), speaking JSON-RPC over stdio as an editor does, the same way test/helpers/lsp-client.ts
// drives Mesh Lens. The harness itself is bound to dist/server.js, hence this small twin.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../test/helpers/paths';
import { type DiagnosticsWatch, watchDiagnostics } from './diagnostics-watch';

/** What an editor sends for `yaml.*`: the Kubernetes schema associated with every YAML file. */
export const YAML_SETTINGS = { schemas: { kubernetes: '*.yaml' }, validate: true };

export interface YamlLsSession {
  connection: ProtocolConnection;
  pid: number;
  watch: DiagnosticsWatch;
  /** Messages the server logged or showed (schema download failures land here). */
  messages: string[];
  uri(path: string): string;
  open(path: string): Promise<void>;
  stop(): Promise<void>;
}

export function yamlLanguageServerVersion(): string {
  const manifest = join(repoRoot, 'node_modules', 'yaml-language-server', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export async function startYamlLanguageServer(root: string): Promise<YamlLsSession> {
  const entry = join(repoRoot, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
  const child: ChildProcess = spawn(process.execPath, [entry, '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (!child.stdout || !child.stdin || child.pid === undefined) throw new Error('no stdio');
  const messages: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => messages.push(`stderr: ${chunk.toString().trim()}`));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const watch = watchDiagnostics(new Map<string, Diagnostic[]>());
  connection.onNotification(
    'textDocument/publishDiagnostics',
    (params: { uri: string; diagnostics: Diagnostic[] }) => {
      watch.latest.set(params.uri, params.diagnostics);
    },
  );
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'yaml' ? YAML_SETTINGS : {})),
  );
  for (const method of ['window/workDoneProgress/create', 'client/registerCapability']) {
    connection.onRequest(method, () => null);
  }
  connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
    messages.push(`showMessageRequest: ${params.message}`);
    return null;
  });
  connection.onNotification('window/showMessage', (params: { message: string }) => {
    messages.push(`showMessage: ${params.message}`);
  });
  connection.onNotification('window/logMessage', (params: { message: string }) => {
    messages.push(`log: ${params.message}`);
  });
  connection.onNotification('$/progress', () => undefined);
  connection.onNotification('telemetry/event', () => undefined);
  connection.listen();

  const uri = (path: string) => pathToFileURL(join(root, path)).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'bench' }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
    },
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('workspace/didChangeConfiguration', {
    settings: { yaml: YAML_SETTINGS },
  });

  return {
    connection,
    pid: child.pid,
    watch,
    messages,
    uri,
    async open(path) {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri: uri(path),
          languageId: 'yaml',
          version: 1,
          text: readFileSync(join(root, path), 'utf8'),
        },
      });
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
}
