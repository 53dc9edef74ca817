import picomatch from 'picomatch';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CheckOptions, Snapshot } from '../../../shared/src';
import { ParseWorker } from '../parse-workers';
import { createFolder, currentSnapshot, type Folder, pathIn } from './folders';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { createSlicedUpdates, type SlicedUpdates } from './sliced-updates';
import type { Idle } from './when-idle';

/** What the client declared in `initialize` that changes how the server speaks to it. */
export interface ClientSupport {
  pull: boolean;
  refresh: boolean;
  progress: boolean;
  configuration: boolean;
  configurationChanges: boolean;
  watch: boolean;
  documentChanges: boolean;
  folders: boolean;
}

/** What the push side of diagnostics remembers between publishes. */
export interface Publishing {
  /** Publishing waits while this is above 0: until the first scan is done, and during rescans. */
  hold: number;
  /** The diagnostics last pushed for each URI, as a digest (diagnostics.ts): an unchanged list is not sent again. */
  published: Map<string, string>;
}

/**
 * Everything the server's concerns share, in one place a reader can see: each module is a set of
 * functions that take this state and read or change the parts they need.
 */
export interface ServerState {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** One per local workspace folder, each its own mesh. */
  readonly folders: Folder[];
  settings: Settings;
  client: ClientSupport;
  /**
   * Whether the user trusts the workspace (VS Code's workspace trust, passed by the client in
   * `initializationOptions.workspaceTrusted` and later by `meshLens/workspaceTrusted`): render
   * commands run only then. A client that says nothing is not trusted.
   */
  workspaceTrusted: boolean;
  /** Settles once the scans started so far are done: what reads the workspace waits for it. */
  ready: Promise<void>;
  /** Runs work once the messages already read are handled: a burst of edits is taken in once. */
  readonly idle: Idle;
  /**
   * Open buffers whose latest text the workspace has not taken yet: an edit only records its
   * document here, and the text is parsed once the burst it belongs to is over, or when a request
   * needs it (`takeBufferTexts`).
   */
  readonly pendingTexts: Set<string>;
  /** Open buffers' texts being set in slices: a large one reaches the workspace over several turns. */
  readonly bufferUpdates: SlicedUpdates;
  /** The version of each open document whose text the workspace holds: a large one lags behind. */
  readonly syncedVersions: Map<string, number>;
  readonly publishing: Publishing;
  /** Reports a failing check once; every folder's host is given this one function. */
  readonly onCheckError: NonNullable<CheckOptions['onCheckError']>;
  /** The `meshLens.exclude` globs compiled, kept until the setting changes. */
  excluded: { globs: string[]; match?: (path: string) => boolean } | undefined;
  /** Parses part of each scan's files on the second core (parse-workers.ts); none on one core or in tests' own bundles. */
  readonly parseWorker: ParseWorker | undefined;
}

export function createServerState(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  idle: Idle,
  parseWorkerScript?: string,
): ServerState {
  const reportedCheckErrors = new Set<string>();
  const parseWorker =
    parseWorkerScript && ParseWorker.worthStarting() ? new ParseWorker(parseWorkerScript) : undefined;
  return {
    connection,
    documents,
    folders: [],
    settings: DEFAULT_SETTINGS,
    workspaceTrusted: false,
    client: {
      pull: false,
      refresh: false,
      progress: false,
      configuration: false,
      configurationChanges: false,
      watch: false,
      documentChanges: false,
      folders: false,
    },
    ready: Promise.resolve(),
    idle,
    pendingTexts: new Set(),
    bufferUpdates: createSlicedUpdates(parseWorker),
    syncedVersions: new Map(),
    publishing: { hold: 1, published: new Map() },
    onCheckError: (check, error) => {
      if (reportedCheckErrors.has(check.code)) return;
      reportedCheckErrors.add(check.code);
      connection.console.error(
        `Mesh Lens: check ${check.code} failed and was skipped: ${(error as Error)?.stack ?? error}`,
      );
    },
    excluded: undefined,
    parseWorker,
  };
}

// A client may answer one of the server's own requests with an error (it does not support the
// registration, the progress, the refresh): the server carries on without it. Unhandled, such a
// refusal ended the server process (found by the reliability tests).
export const carryOn = () => undefined;

export function addFolder(state: ServerState, uri: string): void {
  const folder = createFolder(uri, state.settings, state.onCheckError);
  if (folder) state.folders.push(folder);
  else state.connection.console.warn(`Mesh Lens: ${uri} is not a local folder, so it is not analysed.`);
}

/** The folder a document URI lies in, and its path there. */
export function locate(state: ServerState, uri: string): { folder: Folder; path: string } | undefined {
  for (const folder of state.folders) {
    const path = pathIn(folder, uri);
    if (path !== undefined) return { folder, path };
  }
  return undefined;
}

// Edits built from the workspace name the version they were built from, so that an editor refuses
// them once the buffer has moved on.
export function documentVersion(state: ServerState, uri: string): number | null {
  return state.syncedVersions.get(uri) ?? state.documents.get(uri)?.version ?? null;
}

/** The folder's current snapshot under the current settings: what requests read (nothing is analysed yet). */
export function snapshotIn(state: ServerState, folder: Folder): Snapshot {
  return currentSnapshot(folder, state.settings.severity);
}

/**
 * The folder's current snapshot with its checks run, so that the files whose findings changed are
 * recorded for publishing and result ids (`recordAnalysis` in folders.ts) before they are read.
 */
export function analysedSnapshot(state: ServerState, folder: Folder): Snapshot {
  const snapshot = snapshotIn(state, folder);
  void snapshot.changedFiles;
  return snapshot;
}

/** Asks a client that answers `workspace/configuration`; any other keeps what it pushed (or the defaults). */
export async function loadSettings(state: ServerState): Promise<void> {
  if (!state.client.configuration) return;
  // Refused, the settings stay as they are.
  state.settings = await state.connection.workspace
    .getConfiguration('meshLens')
    .then(readSettings, () => state.settings);
}

export function excludedMatcher(state: ServerState): ((path: string) => boolean) | undefined {
  if (state.excluded?.globs !== state.settings.exclude) {
    const globs = state.settings.exclude;
    state.excluded = { globs, match: globs.length > 0 ? picomatch(globs, { dot: true }) : undefined };
  }
  return state.excluded.match;
}
