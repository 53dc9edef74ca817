import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  ErrorCodes,
  type ProtocolConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../helpers/paths';
import { serverProcessArgs } from '../helpers/server-launch';

// A client for the reliability tests: like test/helpers/lsp-client.ts it speaks JSON-RPC over
// stdio to the BUILT server, but it also sets the server's environment (a preload that watches for
// network use), can start the fault-injecting build instead (checks made to throw), keeps every log
// message from the first one on, and records the document version of each publish.

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
}

export interface ServerProcess {
  connection: ProtocolConnection;
  child: ChildProcess;
  uri(path: string): string;
  published: Map<string, Published>;
  /** `window/logMessage` notifications: type 1 is an error, 4 a log line. */
  logs: { type: number; message: string }[];
  /** Resolves once `accept` holds, polling after every publish and log message. */
  until(what: string, accept: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  env?: Record<string, string>;
  /**
   * Checks that throw whenever they run: the server is then out/test-server.js, the shipped server
   * with the test-only switch (test/reliability/fault-injecting-server.ts), not dist/server.js.
   */
  faultyChecks?: string[];
  settings?: Record<string, unknown>;
  /** Declare pull diagnostics (with refresh support) instead of receiving pushed ones. */
  pull?: boolean;
  /** Requests from the server that this client answers with an error, as a client may. */
  refuse?: string[];
  /** Run the server as this user (see test/helpers/unprivileged.ts). */
  user?: { uid?: number; gid?: number };
  /** More workspace folders, as URIs (they need not be local). */
  moreFolderUris?: string[];
}

export async function startServerProcess(root: string, options: ServerOptions = {}): Promise<ServerProcess> {
  const faults = options.faultyChecks ?? [];
  const bundle =
    faults.length > 0 ? join(repoRoot, 'out', 'test-server.js') : join(repoRoot, 'dist', 'server.js');
  const child = spawn(process.execPath, serverProcessArgs(bundle, '--stdio'), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...options.env,
      ...(faults.length > 0 ? { MESH_LENS_FAULT_INJECT: faults.join(',') } : {}),
    },
    ...options.user,
  });
  if (!child.stdout || !child.stdin) throw new Error('no stdio');
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const published = new Map<string, Published>();
  const logs: { type: number; message: string }[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  connection.onNotification(
    'textDocument/publishDiagnostics',
    (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      published.set(params.uri, { version: params.version, diagnostics: params.diagnostics });
      notify();
    },
  );
  connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
    logs.push({ type: params.type, message: params.message });
    notify();
  });
  const refuse = new Set(options.refuse);
  const answer =
    <T>(method: string, result: (params: T) => unknown) =>
    (params: T) =>
      refuse.has(method)
        ? new ResponseError(ErrorCodes.MethodNotFound, `${method} refused by the test client`)
        : result(params);
  connection.onRequest(
    'workspace/configuration',
    answer('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => options.settings ?? {}),
    ),
  );
  for (const method of [
    'window/workDoneProgress/create',
    'client/registerCapability',
    'workspace/diagnostic/refresh',
  ]) {
    connection.onRequest(
      method,
      answer(method, () => null),
    );
  }
  connection.onNotification('$/progress', () => undefined);
  connection.onNotification('mesh-lens/status', () => undefined);
  connection.listen();

  const rootUri = pathToFileURL(root).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [rootUri, ...(options.moreFolderUris ?? [])].map((uri) => ({
      uri,
      name: 'reliability',
    })),
    capabilities: {
      window: { workDoneProgress: true },
      workspace: {
        configuration: true,
        workspaceEdit: { documentChanges: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        ...(options.pull ? { diagnostics: { refreshSupport: true } } : {}),
      },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
    },
  });
  await connection.sendNotification('initialized', {});

  return {
    connection,
    child,
    uri: (path) => pathToFileURL(join(root, path)).toString(),
    published,
    logs,
    until(what, accept, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!accept()) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        listeners.add(check);
        check();
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

export const codesOf = (published: Published | undefined) =>
  (published?.diagnostics ?? []).map((diagnostic) => diagnostic.code);
