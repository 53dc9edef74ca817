import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../helpers/paths';
import { serverProcessArgs } from '../helpers/server-launch';

// A client for the responsiveness tests: it speaks JSON-RPC over stdio to the BUILT server, as
// test/helpers/lsp-client.ts does, but keeps every notification in the order it arrived (each
// publish, with its version; progress; the status bar's), so a test can tell what came before what,
// and it answers `workspace/configuration` only when the test lets it: the first scan waits for
// that answer, so whatever the test sends before is read by the server before the scan starts.

export type SessionEvent =
  | { kind: 'publish'; uri: string; version?: number; diagnostics: Diagnostic[] }
  | { kind: 'progress'; value: string }
  | { kind: 'status'; scanning: boolean };

export interface RecordingSession {
  connection: ProtocolConnection;
  uri(path: string): string;
  events: SessionEvent[];
  /** The publishes for one file, oldest first. */
  publishesOf(path: string): Extract<SessionEvent, { kind: 'publish' }>[];
  /** Lets the server's `workspace/configuration` request be answered (and so its first scan start). */
  answerConfiguration(): void;
  /** Resolves once `accept` holds, checked after every notification. */
  until(accept: () => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

const WAIT_LIMIT_MS = 60_000;

export async function startRecordingSession(root: string): Promise<RecordingSession> {
  const child: ChildProcess = spawn(
    process.execPath,
    serverProcessArgs(join(repoRoot, 'dist', 'server.js'), '--stdio'),
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  if (!child.stdout || !child.stdin) throw new Error('no stdio');
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const events: SessionEvent[] = [];
  const listeners = new Set<() => void>();
  const record = (event: SessionEvent) => {
    events.push(event);
    for (const listener of listeners) listener();
  };
  connection.onNotification(
    'textDocument/publishDiagnostics',
    (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) =>
      record({ kind: 'publish', ...params }),
  );
  connection.onNotification('$/progress', (params: { value?: { kind?: string } }) =>
    record({ kind: 'progress', value: params.value?.kind ?? '' }),
  );
  connection.onNotification('meshLens/status', (params: { scanning: boolean }) =>
    record({ kind: 'status', scanning: params.scanning }),
  );
  connection.onNotification('window/logMessage', () => undefined);
  let letConfigurationThrough: () => void = () => undefined;
  const configurationAnswered = new Promise<void>((resolve) => {
    letConfigurationThrough = resolve;
  });
  connection.onRequest('workspace/configuration', async (params: { items: unknown[] }) => {
    await configurationAnswered;
    return params.items.map(() => ({}));
  });
  for (const method of ['window/workDoneProgress/create', 'client/registerCapability'])
    connection.onRequest(method, () => null);
  connection.listen();

  const uri = (path: string) => pathToFileURL(join(root, path)).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'root' }],
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { workspaceFolders: true, configuration: true },
      textDocument: { publishDiagnostics: { versionSupport: true } },
    },
  });
  await connection.sendNotification('initialized', {});

  return {
    connection,
    uri,
    events,
    publishesOf(path) {
      const target = uri(path);
      return events.filter(
        (event): event is Extract<SessionEvent, { kind: 'publish' }> =>
          event.kind === 'publish' && event.uri === target,
      );
    },
    answerConfiguration: () => letConfigurationThrough(),
    until(accept, what) {
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
        }, WAIT_LIMIT_MS);
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
