import { DEFAULT_TOPOLOGY_FILE, type SeverityOverride } from '../../../shared/src';

/** `meshLens.*` settings, as documented in package.json `contributes.configuration`. */
export interface Settings {
  topologyFile: string;
  severity: Map<string, SeverityOverride>;
  exclude: string[];
  maxFileSizeMB: number;
  codeLens: boolean;
  /**
   * `meshLens.render.enable`: run the topology file's `render:` commands. Honoured only in a trusted
   * workspace (render.ts), and VS Code ignores a workspace's own value in Restricted Mode.
   */
  render: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  topologyFile: DEFAULT_TOPOLOGY_FILE,
  severity: new Map(),
  exclude: [],
  maxFileSizeMB: 10,
  codeLens: true,
  render: false,
};

const LEVELS: SeverityOverride[] = ['off', 'hint', 'info', 'warning', 'error'];

/** Reads the client's `meshLens` section, keeping defaults for anything missing or mistyped. */
export function readSettings(raw: unknown): Settings {
  const section = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const severity = new Map<string, SeverityOverride>();
  if (section.severity && typeof section.severity === 'object') {
    for (const [code, level] of Object.entries(section.severity as Record<string, unknown>)) {
      if (/^MESH\d{3}$/.test(code) && LEVELS.includes(level as SeverityOverride))
        severity.set(code, level as SeverityOverride);
    }
  }
  const codeLens = section.codeLens as { enable?: unknown } | undefined;
  const render = section.render as { enable?: unknown } | undefined;
  return {
    topologyFile:
      typeof section.topologyFile === 'string' && section.topologyFile
        ? section.topologyFile
        : DEFAULT_SETTINGS.topologyFile,
    severity,
    exclude: Array.isArray(section.exclude)
      ? section.exclude.filter((glob): glob is string => typeof glob === 'string')
      : [],
    maxFileSizeMB:
      typeof section.maxFileSizeMB === 'number' && section.maxFileSizeMB > 0
        ? section.maxFileSizeMB
        : DEFAULT_SETTINGS.maxFileSizeMB,
    codeLens: typeof codeLens?.enable === 'boolean' ? codeLens.enable : true,
    render: render?.enable === true,
  };
}

/**
 * The `meshLens` section a client sent without being asked: in `initializationOptions` or in a
 * `workspace/didChangeConfiguration` payload (`{ meshLens: {…} }`, or `{ settings: { meshLens: {…} } }`).
 * Clients that do not answer `workspace/configuration` (Neovim 0.7) can only give settings this way.
 */
export function pushedSection(payload: unknown): unknown {
  const object = (value: unknown) =>
    value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  const outer = object(payload);
  return object(outer?.meshLens) ?? object(object(outer?.settings)?.meshLens);
}
