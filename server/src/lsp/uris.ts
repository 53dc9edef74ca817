import { URI } from 'vscode-uri';

/**
 * The local file system path a document URI names, or undefined when it names none (another
 * scheme, another machine, or not a URI at all). Decoded as VS Code decodes it, with vscode-uri:
 * Node's `fileURLToPath` throws on a host and on an encoded `/` (`%2F`), and a request about such
 * a URI ended in an internal error.
 */
export function localPathOf(uri: string): string | undefined {
  const parsed = parseUri(uri);
  if (parsed?.scheme !== 'file') return undefined;
  // Outside Windows a host cannot name a UNC share: `file://host/…` is a file on another machine.
  if (parsed.authority !== '' && process.platform !== 'win32') return undefined;
  return parsed.fsPath;
}

function parseUri(uri: string): URI | undefined {
  try {
    return URI.parse(uri, true);
  } catch {
    // Strict parsing refuses what is not a URI (no scheme, a path that cannot follow a host).
    return undefined;
  }
}
