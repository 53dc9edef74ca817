import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { isKustomizationFile, type PortableFacts, readPortableFacts } from '../../shared/src';

// Reading a workspace is mostly parsing YAML (about 70 % of a cold start at 10,000 resources), and
// it is one file after another: a second core can take part of it. A worker thread parses the files
// it is dealt and sends back their facts as plain data (shared/src/model/portable-facts.ts); the host
// takes them in walk order, as if it had parsed them itself. The worker runs the adapter's own bundle
// (dist/cli.js or dist/server.js, started with a role in its `workerData`), so the package ships no
// second copy of the parser.

const ROLE = 'mesh-lens-parse-worker';

/** Files per message: small enough that the host takes the first ones in while the worker reads on. */
const FILES_PER_BATCH = 64;

/**
 * Below this much text a worker does not pay for itself: starting one (loading the bundle into a
 * fresh isolate) costs about as much as parsing a few hundred kilobytes.
 */
const MIN_WORKER_BYTES = 512 * 1024;

/**
 * The worker's share of the text: half. The host thread also takes the worker's facts in (a
 * structured clone and rebuilding its few class instances: about a tenth of parsing them), but the
 * worker starts about 70 ms later (loading the bundle into a new isolate).
 */
const WORKER_SHARE = 0.5;

const YOUNG_GENERATION_MB = 4;

interface Request {
  id: number;
  files: { path: string; text: string }[];
  valueDomains: readonly string[];
}

type Reply = { id: number; read: (PortableFacts | { path: string; error: string })[] };

/**
 * Run at the start of an adapter's bundle: when this thread is a parse worker, serves requests and
 * returns true (the bundle must then do nothing else).
 */
export function runAsParseWorker(): boolean {
  if (isMainThread || (workerData as { role?: string } | null)?.role !== ROLE || !parentPort) return false;
  const port = parentPort;
  port.on('message', (request: Request) => {
    const read = request.files.map(({ path, text }) => {
      try {
        return readPortableFacts(path, text, request.valueDomains);
      } catch (error) {
        // The host parses this one itself, and reports whatever made it fail here.
        return { path, error: error instanceof Error ? error.message : String(error) };
      }
    });
    port.postMessage({ id: request.id, read } satisfies Reply);
  });
  return true;
}

/**
 * After this long without work the worker thread is stopped, and started again when files come: an
 * idle worker kept its whole heap (about 50 MB at 50,000 resources) for a language server that only
 * needs it again for a large buffer, if ever.
 */
const IDLE_MS = 3000;

/**
 * One worker thread that parses files for the host, started when a scan has read enough text for it
 * (`noteRead`) or when it is given files: a small workspace never starts it (that cost a fifth of
 * checking the bundled example).
 */
export class ParseWorker {
  #worker: Worker | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, (reply: Reply | undefined) => void>();
  #failed = false;
  /** Set by `stopWhenAnswered` while the thread still reads: it stops at its last answer. */
  #stopWhenAnswered = false;
  #textRead = 0;
  #kustomizationRead = false;
  /** Files whose facts the worker sent (tests check that it took part). */
  filesRead = 0;
  /** How many threads were started (tests check that an idle one is stopped and another started). */
  threadsStarted = 0;

  /** `script`: the bundle the thread runs (`__filename` of the entry point); `idleMs`: see IDLE_MS. */
  constructor(
    private readonly script: string,
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * Told of each file a scan reads: starts the thread as soon as the files read so far hold enough
   * text for it to take part, so that it loads its bundle while the rest of the workspace is read,
   * instead of after (a tenth of a second to half a second on a busy machine, on the way to the
   * worker's last facts). Not once a kustomization was read: files under one stay with the host
   * (`dealToWorker`), so in a Kustomize layout the early start was for nothing, and its bundle loaded
   * on the core the host was parsing on. The worker then starts when it is dealt files, as before.
   */
  noteRead(path: string, textLength: number): void {
    this.#textRead += textLength;
    if (isKustomizationFile(path)) this.#kustomizationRead = true;
    if (this.#textRead < MIN_WORKER_BYTES || this.#kustomizationRead || this.#failed || this.#worker) return;
    this.#started();
  }

  #started(): Worker {
    clearTimeout(this.#idleTimer);
    if (this.#worker) return this.#worker;
    // The worker keeps nothing between batches, so a small young generation holds its garbage: with
    // V8's default it held 40 MB more memory at 10,000 resources, for 3 % of the time (none at 50,000).
    const worker = new Worker(this.script, {
      workerData: { role: ROLE },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.threadsStarted++;
    worker.on('message', (reply: Reply) => {
      this.#waiting.get(reply.id)?.(reply);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size > 0) return;
      if (this.#stopWhenAnswered) this.#stop(worker);
      else this.#stopWhenIdle(worker);
    });
    // A worker that cannot start or dies leaves its files to the host thread: slower, never wrong.
    const fail = () => {
      if (this.#worker !== worker) return; // stopped for idleness: the next files start another
      this.#failed = true;
      for (const resolve of this.#waiting.values()) resolve(undefined);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.#worker = worker;
    return worker;
  }

  #stopWhenIdle(worker: Worker): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#worker !== worker || this.#waiting.size > 0) return;
      this.#stop(worker);
    }, this.idleMs);
    // A pending stop must not keep a finished CLI alive.
    this.#idleTimer.unref();
  }

  #stop(worker: Worker): void {
    clearTimeout(this.#idleTimer);
    this.#stopWhenAnswered = false;
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    void worker.terminate();
  }

  /**
   * Nothing more is coming (a scan has taken in every file it dealt): the thread stops now, or once
   * it has answered what it still reads (a large buffer), not after IDLE_MS. A scan is followed by
   * the first analysis, the session's peak of memory, and the idle wait ran into it: at 50,000
   * resources the worker's heap held 12 MB of resident memory until the analysis was nearly done.
   */
  stopWhenAnswered(): void {
    const worker = this.#worker;
    if (!worker) return;
    if (this.#waiting.size === 0) this.#stop(worker);
    else this.#stopWhenAnswered = true;
  }

  /** Whether a worker thread is running now. */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Whether there is a second core for it: on one core a worker only adds the cost of sending facts.
   * `MESH_LENS_PARSE_WORKER=0` says no: a container limited to one CPU by a quota still reports the
   * host's cores, and a benchmark compares one thread with two.
   */
  static worthStarting(environment: NodeJS.ProcessEnv = process.env): boolean {
    if (environment.MESH_LENS_PARSE_WORKER === '0') return false;
    return availableParallelism() > 1;
  }

  /**
   * Starts reading `files` (in batches, in their order); each file's facts are awaited with `factsOf`.
   * A file the worker could not read resolves to undefined: the host parses it.
   */
  read(files: readonly { path: string; text: string }[], valueDomains: readonly string[]): WorkerReads {
    // The scan's reading is over: the next scan counts its own text.
    this.#textRead = 0;
    this.#kustomizationRead = false;
    // Started ahead and dealt nothing after all: stopped like an idle one.
    if (files.length === 0 && this.#worker && this.#waiting.size === 0) this.#stopWhenIdle(this.#worker);
    const byPath = new Map<string, Promise<PortableFacts | undefined>>();
    for (let start = 0; start < files.length; start += FILES_PER_BATCH) {
      const batch = files.slice(start, start + FILES_PER_BATCH);
      const reply = this.#request(batch, valueDomains);
      for (const [index, { path }] of batch.entries()) {
        byPath.set(
          path,
          reply.then((answer) => {
            const read = answer?.read[index];
            if (!read || !('body' in read)) return undefined;
            this.filesRead++;
            return read;
          }),
        );
      }
    }
    return {
      has: (path) => byPath.has(path),
      factsOf: (path) => byPath.get(path) ?? Promise.resolve(undefined),
    };
  }

  #request(
    files: { path: string; text: string }[],
    valueDomains: readonly string[],
  ): Promise<Reply | undefined> {
    if (this.#failed) return Promise.resolve(undefined);
    const worker = this.#started();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      worker.postMessage({ id, files, valueDomains: [...valueDomains] } satisfies Request);
    });
  }

  close(): void {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failed = true;
    for (const resolve of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
    void worker?.terminate();
  }
}

/** The files dealt to a worker, and their facts as they arrive. */
export interface WorkerReads {
  has(path: string): boolean;
  factsOf(path: string): Promise<PortableFacts | undefined>;
}

/**
 * Which files the worker reads: about half of the text, taken from the end of the walk order (the
 * host parses from the start, so the worker's first answers are in before the host needs them), and
 * none that a kustomization may read. Rendering reads those files' YAML documents, which do not cross
 * threads: the host would parse them a second time. A file is taken for one when a folder on its way
 * from the root holds a kustomization, the layout Kustomize repositories have; a base elsewhere is
 * only parsed twice, never read wrongly.
 */
export function dealToWorker(
  files: readonly { path: string; text: string }[],
  hostOnly: (path: string) => boolean,
): { path: string; text: string }[] {
  const total = files.reduce((sum, file) => sum + file.text.length, 0);
  if (total < MIN_WORKER_BYTES) return [];
  const kustomized = foldersWithKustomizations(files);
  const target = total * WORKER_SHARE;
  const dealt: { path: string; text: string }[] = [];
  let bytes = 0;
  for (let index = files.length - 1; index >= 0 && bytes < target; index--) {
    const file = files[index];
    if (!file || hostOnly(file.path) || underKustomization(file.path, kustomized)) continue;
    dealt.push(file);
    bytes += file.text.length;
  }
  return dealt.reverse();
}

function foldersWithKustomizations(files: readonly { path: string }[]): Set<string> {
  const folders = new Set<string>();
  for (const { path } of files) if (isKustomizationFile(path)) folders.add(folderOf(path));
  return folders;
}

function underKustomization(path: string, kustomized: ReadonlySet<string>): boolean {
  if (kustomized.size === 0) return false;
  for (let folder = folderOf(path); ; folder = folderOf(folder)) {
    if (kustomized.has(folder)) return true;
    if (folder === '') return false;
  }
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
