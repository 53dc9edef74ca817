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
 * Batches sent ahead of those the worker has answered. Every dealt batch used to be sent at once:
 * their texts waited, copied, in the worker's queue (120 MB of native memory a few seconds into a
 * scan of 50,000 resources, and 30–55 MB of it still held after the scan), and the batches the host
 * thread took over had been copied for nothing. The worker counts its answers in the memory the
 * threads share, and the host sends more as it asks for each file's facts: taking the answers in
 * through the event loop as they came kept their facts waiting in the heap until the host reached
 * them (7 % slower at 10,000 resources). A batch takes the worker about 30 ms.
 */
const BATCHES_AHEAD = 16;

/**
 * Below this much text a worker does not pay for itself: starting one (loading the bundle into a
 * fresh isolate) costs about as much as parsing a few hundred kilobytes.
 */
const MIN_WORKER_BYTES = 512 * 1024;

const YOUNG_GENERATION_MB = 4;

// Who reads a batch is decided by whoever claims it first in memory both threads share: the worker
// reads the dealt files from the last batch back, the host thread from the first on, parsing itself
// each batch the worker has not begun. A fixed share left one thread waiting for the other: half of
// the text to each, the host waited 0.3–0.5 s for the worker's last batches at 10,000 resources on
// this two-core machine (a second thread there runs at about 0.4 of a core), and on a machine with
// two real cores the host would be the one behind.
const UNCLAIMED = 0;
const CLAIMED_BY_WORKER = 1;
const CLAIMED_BY_HOST = 2;

interface Request {
  id: number;
  files: { path: string; text: string }[];
  valueDomains: readonly string[];
  /**
   * One claim per batch of a read (`Int32Array` over a `SharedArrayBuffer`) and, after them, how many
   * batches the worker has answered; this one's index.
   */
  claims: Int32Array;
  batch: number;
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
    const answered = () => Atomics.add(request.claims, request.claims.length - 1, 1);
    if (Atomics.compareExchange(request.claims, request.batch, UNCLAIMED, CLAIMED_BY_WORKER) !== UNCLAIMED) {
      // The host thread got to this batch first and parses it itself.
      port.postMessage({ id: request.id, read: [] } satisfies Reply);
      answered();
      return;
    }
    const read = request.files.map(({ path, text }) => {
      try {
        return readPortableFacts(path, text, request.valueDomains);
      } catch (error) {
        // The host parses this one itself, and reports whatever made it fail here.
        return { path, error: error instanceof Error ? error.message : String(error) };
      }
    });
    port.postMessage({ id: request.id, read } satisfies Reply);
    answered();
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
  /** Files dealt to the worker that the host thread parsed itself, the worker not having begun them. */
  filesTaken = 0;
  /** How many threads were started (tests check that an idle one is stopped and another started). */
  threadsStarted = 0;
  /** Batches sent to the worker (tests check that no more than `batchesAhead` wait unanswered). */
  batchesSent = 0;

  /**
   * `script`: the bundle the thread runs (`__filename` of the entry point); `idleMs`: see IDLE_MS;
   * `hostTakesOver`: whether the host thread parses the batches the worker has not begun when it
   * needs them (always, but in tests that the worker's facts are taken in as the host's own);
   * `batchesAhead`: see BATCHES_AHEAD (tests use fewer than a small workspace has).
   */
  constructor(
    private readonly script: string,
    private readonly idleMs = IDLE_MS,
    private readonly hostTakesOver = true,
    private readonly batchesAhead = BATCHES_AHEAD,
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
   * Starts reading `files` in batches, the last batch first; each file's facts are asked for with
   * `factsOf`, in the files' order. A batch the worker has not begun when the host asks for one of
   * its files is the host's: its files resolve to undefined at once, and the host parses them. So do
   * files the worker could not read.
   */
  read(files: readonly { path: string; text: string }[], valueDomains: readonly string[]): WorkerReads {
    // The scan's reading is over: the next scan counts its own text.
    this.#textRead = 0;
    this.#kustomizationRead = false;
    // Started ahead and dealt nothing after all: stopped like an idle one.
    if (files.length === 0 && this.#worker && this.#waiting.size === 0) this.#stopWhenIdle(this.#worker);
    const batches: Batch[] = [];
    const where = new Map<string, { batch: number; index: number }>();
    for (let start = 0; start < files.length; start += FILES_PER_BATCH) {
      const batch = files.slice(start, start + FILES_PER_BATCH);
      for (const [index, { path }] of batch.entries()) where.set(path, { batch: batches.length, index });
      batches.push(pendingBatch(batch));
    }
    // A claim per batch, then the count of batches answered (`Request.claims`).
    const claims = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (batches.length + 1)));
    // Sent from the last batch back, skipping those the host thread took over before they were sent.
    let next = batches.length - 1;
    let sent = 0;
    const sendNext = (): void => {
      while (next >= 0) {
        const index = next--;
        const batch = batches[index] as Batch;
        // A stopped worker answers nothing: its batches are the host's.
        if (this.#failed || Atomics.load(claims, index) === CLAIMED_BY_HOST) {
          batch.settle(undefined);
          continue;
        }
        sent++;
        this.batchesSent++;
        void this.#request(batch.files, valueDomains, claims, index).then((answer) => {
          batch.answer = answer;
          batch.settle(answer);
          // Taken in while the host thread waits for an answer: the worker must not run dry then.
          topUp();
        });
        return;
      }
    };
    const topUp = (): void => {
      while (next >= 0 && sent - Atomics.load(claims, batches.length) < this.batchesAhead) sendNext();
    };
    topUp();
    const factsIn = (answer: Reply | undefined, index: number): PortableFacts | undefined => {
      const read = answer?.read[index];
      if (!read || !('body' in read)) return undefined;
      this.filesRead++;
      return read;
    };
    return {
      has: (path) => where.has(path),
      factsOf: (path) => {
        topUp();
        const at = where.get(path);
        const batch = at && batches[at.batch];
        if (!at || !batch) return Promise.resolve(undefined);
        if (batch.answer) return Promise.resolve(factsIn(batch.answer, at.index));
        const claim = this.hostTakesOver
          ? Atomics.compareExchange(claims, at.batch, UNCLAIMED, CLAIMED_BY_HOST)
          : CLAIMED_BY_WORKER;
        if (claim === UNCLAIMED || claim === CLAIMED_BY_HOST) {
          this.filesTaken++;
          return Promise.resolve(undefined);
        }
        return batch.reply.then((answer) => factsIn(answer, at.index));
      },
    };
  }

  #request(
    files: { path: string; text: string }[],
    valueDomains: readonly string[],
    claims: Int32Array,
    batch: number,
  ): Promise<Reply | undefined> {
    if (this.#failed) return Promise.resolve(undefined);
    const worker = this.#started();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      worker.postMessage({ id, files, valueDomains: [...valueDomains], claims, batch } satisfies Request);
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

/** A batch of dealt files, and its answer once the worker gave it (undefined: the host reads them). */
interface Batch {
  files: { path: string; text: string }[];
  reply: Promise<Reply | undefined>;
  settle: (answer: Reply | undefined) => void;
  answer?: Reply;
}

function pendingBatch(files: { path: string; text: string }[]): Batch {
  let settle: Batch['settle'] = () => {};
  const reply = new Promise<Reply | undefined>((resolve) => {
    settle = resolve;
  });
  return { files, reply, settle };
}

/** The files dealt to a worker, and their facts as they arrive. */
export interface WorkerReads {
  has(path: string): boolean;
  factsOf(path: string): Promise<PortableFacts | undefined>;
}

/**
 * Which files the worker may read: every file but those a kustomization may read, the worker taking
 * them from the end of the walk order while the host thread takes them from the start (`read`: the
 * two meet where their speeds put them). Rendering reads those files' YAML documents, which do not cross
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
  return files.filter((file) => !hostOnly(file.path) && !underKustomization(file.path, kustomized));
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
