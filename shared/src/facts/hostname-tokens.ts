// Global-looking hostnames inside free text: an env value, a URL, a line of a properties file
// (SPEC §9, "Global hostnames outside routes"). The facts are read before the topology is known, so
// the segment domains are not: a hostname is kept when the part after `<name>.<namespace>.` says
// `mesh` or `internal`, which `mesh.internal`, its near misses (`internal.mesh`, `mesh.local`,
// typos of one word) and segment domains named like the mesh's (`payments.mesh`) all do. The model
// then reads each one as a route's host is read (model/hostnames.ts `classifyHost`), with the real
// domains: `metadata.google.internal` is kept here and found external there. A segment domain named
// otherwise (`payments.corp`) is not guessable from the text: once the topology knows it, the
// workspace reads the files that mention it again with it as an extra domain (`domains` below).

/** A hostname found in a text, at `index` in it. */
export interface HostnameToken {
  host: string;
  index: number;
}

// `<label>.<label>.<label>…`: labels of letters, digits and inner hyphens. Not preceded by a
// hostname character (nor `.`, `_`), not followed by one, nor by a `.` that goes on to another
// label: a sentence's final dot or an FQDN's root dot ends the name.
const HOSTNAME =
  /(?<![A-Za-z0-9_.-])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?){2,}(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])/g;

/**
 * Whether a text may hold a global-looking hostname: the cheap test every string value takes.
 * `domains`: segment domains that do not mention the mesh (`payments.corp`).
 */
export function mayHoldMeshHostname(text: string, domains: readonly string[] = []): boolean {
  return (
    text.includes('mesh') || text.includes('internal') || domains.some((domain) => text.includes(domain))
  );
}

/** The global-looking hostnames of a text, in order. */
export function meshHostnamesIn(text: string, domains: readonly string[] = []): HostnameToken[] {
  if (!mayHoldMeshHostname(text, domains)) return [];
  const found: HostnameToken[] = [];
  for (const match of text.matchAll(HOSTNAME)) {
    if (meshLookingSuffix(match[0], domains)) found.push({ host: match[0], index: match.index });
  }
  return found;
}

/** The labels after `<name>.<namespace>.` mention the mesh, or are one of the extra domains. */
function meshLookingSuffix(host: string, domains: readonly string[]): boolean {
  const suffix = host.slice(host.indexOf('.', host.indexOf('.') + 1) + 1);
  return mayHoldMeshHostname(suffix) || domains.includes(suffix);
}
