import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/mesh-server';

// `mesh-lens-language-server --stdio` (or node-ipc / socket, as vscode-languageserver accepts).
startServer(createConnection(ProposedFeatures.all));
