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
import { repoRoot } from './paths';
import { serverProcessArgs } from './server-launch';

export interface SessionOptions {
  /** Declare pull-diagnostics support (textDocument/diagnostic, workspace/diagnostic). */
  pull?: boolean;
  /** The `meshLens` settings section the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  /** More workspace folders after `root` (a multi-root workspace). */
  moreFolders?: string[];
  /** Declare dynamic registration of workspace/didChangeConfiguration. */
  configurationRegistration?: boolean;
  /** Do not declare `workspace/configuration`: settings come only pushed, as from Neovim 0.7. */
  noConfiguration?: boolean;
  /** Sent as `initializationOptions`. */
  initializationOptions?: unknown;
}

/**
 * A test client speaking real JSON-RPC over stdio to the BUILT server (dist/server.js), as an
 * editor does: it answers the server's requests and records published diagnostics.
 */
export interface LspSession {
  connection: ProtocolConnection;
  root: string;
  uri(path: string): string;
  /** The latest published diagnostics per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** The methods the server registered dynamically (client/registerCapability), in order. */
  registrations: string[];
  /** `$/progress` notifications as `kind: message` (e.g. `report: Reading manifests… 200 files`). */
  progress: string[];
  waitForDiagnostics(path: string, accept: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  open(path: string, text?: string): Promise<void>;
  change(path: string, text: string): Promise<void>;
  setSettings(settings: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

const WAIT_LIMIT_MS = 15_000;

export async function startSession(root: string, options: SessionOptions = {}): Promise<LspSession> {
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
  const diagnostics = new Map<string, Diagnostic[]>();
  const listeners = new Set<() => void>();
  const versions = new Map<string, number>();
  let settings = options.settings ?? {};

  connection.onNotification(
    'textDocument/publishDiagnostics',
    (params: { uri: string; diagnostics: Diagnostic[] }) => {
      diagnostics.set(params.uri, params.diagnostics);
      for (const listener of listeners) listener();
    },
  );
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
    params.items.map(() => settings),
  );
  const registrations: string[] = [];
  connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
    registrations.push(...params.registrations.map((registration) => registration.method));
    return null;
  });
  for (const method of [
    'window/workDoneProgress/create',
    'workspace/diagnostic/refresh',
    'workspace/codeLens/refresh',
  ]) {
    connection.onRequest(method, () => null);
  }
  const progress: string[] = [];
  connection.onNotification('$/progress', (params: { value?: { kind?: string; message?: string } }) => {
    progress.push(`${params.value?.kind ?? ''}: ${params.value?.message ?? ''}`);
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();

  const uri = (path: string) => pathToFileURL(join(root, path)).toString();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [root, ...(options.moreFolders ?? [])].map((folder, index) => ({
      uri: pathToFileURL(folder).toString(),
      name: `folder${index}`,
    })),
    ...(options.initializationOptions === undefined
      ? {}
      : { initializationOptions: options.initializationOptions }),
    capabilities: {
      window: { workDoneProgress: true },
      workspace: {
        workspaceFolders: true,
        configuration: !options.noConfiguration,
        workspaceEdit: { documentChanges: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        ...(options.configurationRegistration
          ? { didChangeConfiguration: { dynamicRegistration: true } }
          : {}),
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
    root,
    uri,
    diagnostics,
    registrations,
    progress,
    waitForDiagnostics(path, accept) {
      const target = uri(path);
      return new Promise((resolve, reject) => {
        const check = () => {
          const current = diagnostics.get(target);
          if (current && accept(current)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(current);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching diagnostics for ${path}; last: ${JSON.stringify(diagnostics.get(target))}`,
            ),
          );
        }, WAIT_LIMIT_MS);
        listeners.add(check);
        check();
      });
    },
    async open(path, text) {
      versions.set(path, 1);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri: uri(path),
          languageId: 'yaml',
          version: 1,
          text: text ?? readFileSync(join(root, path), 'utf8'),
        },
      });
    },
    async change(path, text) {
      const version = (versions.get(path) ?? 1) + 1;
      versions.set(path, version);
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uri(path), version },
        contentChanges: [{ text }],
      });
    },
    async setSettings(next) {
      settings = next;
      await connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
}

/** Applies LSP text edits (0-based, possibly several) to a text. */
export function applyLspEdits(
  text: string,
  edits: { range: { start: Pos; end: Pos }; newText: string }[],
): string {
  const lines = text.split('\n');
  const offset = (position: Pos) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce(
      (result, edit) =>
        result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end)),
      text,
    );
}

interface Pos {
  line: number;
  character: number;
}
