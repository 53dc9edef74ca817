// Where to hover, ask for code lenses and complete in a generated workspace: found by scanning the
// text line by line (the generator's layout is known: `kind:` before `metadata:`, two-space indents).

export interface TextPosition {
  file: string;
  line: number;
  character: number;
}

export interface RequestPositions {
  /** On a hostname that a route refers to (HTTPRoute backendRef, DestinationRule host, VirtualService). */
  hostnames: TextPosition[];
  /** At the end of such a hostname: where completion offers global hostnames. */
  hostnameEnds: TextPosition[];
  /** On a Service's `metadata.name`. */
  serviceNames: TextPosition[];
  /** On the `solo.io/service-scope` key. */
  scopeKeys: TextPosition[];
  /** At the end of a `solo.io/service-scope: <value>` line: where completion offers scope values. */
  scopeValueEnds: TextPosition[];
  /** Files with at least one Service or hostname reference: where code lenses appear. */
  lensFiles: string[];
}

const HOSTNAME =
  /^(\s*(?:-\s+)?(?:(?:host|name):\s+)?)([a-z0-9-]+\.[a-z0-9-]+\.(?:mesh\.internal|internal\.mesh|mesh\.local|[a-z0-9-]+\.mesh))(\s|$)/;

export function requestPositions(files: Map<string, string>): RequestPositions {
  const result: RequestPositions = {
    hostnames: [],
    hostnameEnds: [],
    serviceNames: [],
    scopeKeys: [],
    scopeValueEnds: [],
    lensFiles: [],
  };
  for (const [file, text] of files) {
    if (!file.startsWith('clusters/')) continue;
    let kind = '';
    let inLens = false;
    text.split('\n').forEach((line, index) => {
      if (line.startsWith('---')) kind = '';
      const kindMatch = /^kind: (\w+)/.exec(line);
      if (kindMatch) kind = kindMatch[1] as string;
      const name = /^ {2}name: (\S+)/.exec(line);
      if (name && kind === 'Service') {
        result.serviceNames.push({
          file,
          line: index,
          character: 8 + Math.floor((name[1]?.length ?? 0) / 2),
        });
        inLens = true;
      }
      const host = HOSTNAME.exec(line);
      if (host && /^(HTTPRoute|DestinationRule|VirtualService)$/.test(kind)) {
        const start = host[1]?.length ?? 0;
        const length = host[2]?.length ?? 0;
        result.hostnames.push({ file, line: index, character: start + Math.floor(length / 2) });
        result.hostnameEnds.push({ file, line: index, character: start + length });
        inLens = true;
      }
      const scope = /^(\s*)solo\.io\/service-scope: (\S+)$/.exec(line);
      if (scope && kind === 'Service') {
        result.scopeKeys.push({ file, line: index, character: (scope[1]?.length ?? 0) + 5 });
        result.scopeValueEnds.push({ file, line: index, character: line.length });
      }
    });
    if (inLens) result.lensFiles.push(file);
  }
  return result;
}

/** `count` items spread evenly over the list (deterministic), cycling when the list is shorter. */
export function spread<T>(items: T[], count: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: count }, (_, index) =>
    count >= items.length
      ? (items[index % items.length] as T)
      : (items[Math.floor((index * items.length) / count)] as T),
  );
}
