import { availableParallelism } from 'node:os';
import { type ExtensionContext, type LogOutputChannel, workspace } from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { serverNodeOptions } from '../../shared/src/protocol';
import { reportFixAll } from './fix-all';

/**
 * The client for the bundled server (dist/server.js over stdio). Settings are not pushed: the server
 * registers for `meshLens` configuration changes and pulls `workspace/configuration` itself.
 */
export function createLanguageClient(
  context: ExtensionContext,
  output: LogOutputChannel,
  trace: LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const execArgv = serverNodeOptions(availableParallelism());
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { execArgv } },
    debug: {
      module,
      transport: TransportKind.stdio,
      options: { execArgv: [...execArgv, '--nolazy', '--inspect=6009'] },
    },
  };
  const yamlFiles = workspace.createFileSystemWatcher(
    '**/{*.yaml,*.yml,*.properties,*.env,*.conf,*.ini,.env}',
  );
  context.subscriptions.push(yamlFiles);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }],
    synchronize: { fileEvents: yamlFiles },
    outputChannel: output,
    traceOutputChannel: trace,
    middleware: { executeCommand: reportFixAll },
    // Render commands run only in a trusted workspace (server/src/lsp/render.ts); trust granted later
    // is sent as meshLens/workspaceTrusted (extension.ts).
    initializationOptions: { workspaceTrusted: workspace.isTrusted },
  };
  return new LanguageClient('meshLens', 'Mesh Lens', serverOptions, clientOptions);
}
