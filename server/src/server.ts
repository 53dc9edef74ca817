import { runLanguageServer } from './language-server';
import { runAsParseWorker } from './parse-workers';

declare const MESH_LENS_VERSION: string | undefined;
const VERSION = typeof MESH_LENS_VERSION === 'string' ? MESH_LENS_VERSION : '0.0.0-dev';

const HELP = `mesh-lens-language-server ${VERSION} — the Mesh Lens language server

Usage:
  mesh-lens-language-server --stdio    speak the Language Server Protocol on standard input and output

An editor starts it; see the README's "Other editors". Also: --node-ipc, --socket=PORT, --pipe=NAME.
`;

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const args = process.argv.slice(2);

// `mesh-lens-language-server --stdio`: the entry point of dist/server.js, what the extension runs.
// The same bundle runs as the server's parse worker (parse-workers.ts), and then does only that.
if (runAsParseWorker()) {
  // serving the server thread's parse requests
} else if (args.includes('--help') || args.includes('-h')) process.stdout.write(HELP);
else if (args.includes('--version') || args.includes('-v')) process.stdout.write(`${VERSION}\n`);
else if (!args.some((arg) => TRANSPORTS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)))) {
  // Run by hand, the library would throw a stack trace about an unset input stream.
  process.stderr.write(
    'mesh-lens-language-server: name a transport, as an editor does: --stdio (see --help)\n',
  );
  process.exitCode = 2;
} else runLanguageServer({ parseWorkerScript: __filename });
