import { runLanguageServer } from './language-server';

// `mesh-lens-language-server --stdio`: the entry point of dist/server.js, what the extension runs.
runLanguageServer();
