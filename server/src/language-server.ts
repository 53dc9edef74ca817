import { Console } from 'node:console';
import { type ConnectionOptions, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { limitHeapGrowth } from './heap-growth';
import { guardFrames } from './lsp/frame-guard';
import { createLifecycle } from './lsp/lifecycle';
import { startServer } from './lsp/mesh-server';
import { countingMessages, createIdle } from './lsp/when-idle';

/**
 * Starts the language server on the transport its command line names: `--stdio`, or node-ipc /
 * socket as vscode-languageserver accepts. A function rather than the entry point itself, so that
 * the tests' fault-injecting entry (test/reliability/fault-injecting-server.ts) starts the very same
 * server and the shipped bundle holds no test switch. `parseWorkerScript`: the bundle to start parse
 * workers from (server/src/parse-workers.ts): the entry point's own file.
 */
export function runLanguageServer(entry: { parseWorkerScript?: string } = {}): void {
  limitHeapGrowth();
  const lifecycle = createLifecycle();
  const idle = createIdle();
  const options = countingMessages(lifecycle.options, idle);
  const connection = process.argv.includes('--stdio')
    ? connectStdio(options)
    : createConnection(ProposedFeatures.all, options);
  lifecycle.attach(connection);
  startServer(connection, idle, entry.parseWorkerScript);
}

/**
 * Standard input goes through the frame guard, so a malformed message cannot stop the server
 * from reading the ones after it. Given streams rather than `--stdio`, the library no longer keeps
 * console output off standard output, where it would corrupt the protocol: it goes to standard
 * error, which the editor shows in the server's output.
 */
function connectStdio(options: ConnectionOptions) {
  globalThis.console = new Console(process.stderr, process.stderr);
  const input = process.stdin.pipe(
    guardFrames((problem) =>
      stdioConnection.console.error(
        `Mesh Lens: dropped ${problem} from the client; reading on from the next message.`,
      ),
    ),
  );
  const stdioConnection = createConnection(ProposedFeatures.all, input, process.stdout, options);
  return stdioConnection;
}
