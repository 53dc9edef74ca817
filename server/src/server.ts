import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { limitHeapGrowth } from './heap-growth';
import { injectCheckFaults } from './lsp/fault-injection';
import { startServer } from './lsp/mesh-server';

// `mesh-lens-language-server --stdio` (or node-ipc / socket, as vscode-languageserver accepts).
limitHeapGrowth();
injectCheckFaults(process.env.MESH_LENS_FAULT_INJECT);
startServer(createConnection(ProposedFeatures.all));
