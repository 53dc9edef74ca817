import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes on only well-framed messages (`Content-Length: n`, a blank line, n bytes), dropping what
 * cannot be one and reading on from the next message header; and no faster than the server handles
 * them (see `PACE`).
 *
 * vscode-jsonrpc's reader, given a header without a numeric Content-Length, reports an error and
 * leaves that message's body in its buffer, where it becomes the start of the next header, which
 * then fails too: from one bad frame on, the server never answered again. A Content-Length larger
 * than the body made it wait for bytes that were the following messages. Recovery is possible
 * because a JSON body cannot hold a header line: JSON strings have no raw line breaks, so
 * `Content-Length: 12` followed by CRLF always starts a header. What cannot be recovered: a
 * Content-Length a few bytes too long or too short cuts into the next header, and that message is
 * lost too (its request goes unanswered; the ones after it are answered).
 */
export function guardFrames(onDropped: (problem: string) => void): Transform {
  return new FrameGuard(onDropped);
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** LSP headers are a line or two; this many bytes without their blank line are not a header. */
const MAX_HEADER_BYTES = 4096;
/** Where a header may start, when looking for the next one after dropping bytes. */
const HEADER_NAME = /Content-(?:Length|Type):/i;
/** A complete Content-Length line: never inside a JSON body. */
const CONTENT_LENGTH_LINE = /Content-Length:[ \t]*\d+\r\n/i;
/** A header field (RFC 7230 token, colon, value). */
const HEADER_FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*)$/;
/** Enough of the body already passed on to find a Content-Length line split between two chunks. */
const OVERLAP = 64;

/**
 * Whole messages passed on per turn of the event loop: the rate at which vscode-jsonrpc hands them to
 * the handlers (one per turn). Read as fast as they came, a burst of 10,000 edits was decoded into the
 * connection's queue far ahead of its handling, and a hover sent during the burst waited behind the
 * whole queue, and behind the decoding of the edits sent after it (81 ms at p95, 400 ms on a loaded
 * machine). Held here, unread messages stay in the pipe, the client's writes wait for room, and a
 * request waits only for what the pipe holds ahead of it.
 */
const PACE = 1;

interface Frame {
  header: Buffer;
  length: number;
  body: Buffer[];
  received: number;
  /** The body's last bytes, as latin1 text (one character per byte). */
  tail: string;
}

class FrameGuard extends Transform {
  /** Bytes that should start a header: everything received that is not in `frame`. */
  private pending: Buffer = Buffer.alloc(0);
  /** The message whose body is being received; it is passed on whole, once complete. */
  private frame?: Frame;
  /** After dropping bytes: skipping to the next header name. */
  private resynchronising = false;
  /** Whole messages not passed on yet. */
  private readonly outbox: Buffer[] = [];
  /** The next turn's release of the outbox, when one is due. */
  private releasing: NodeJS.Immediate | undefined;
  /** The chunk's callback while its messages are still in the outbox: reading stops until they are out. */
  private held: TransformCallback | undefined;

  constructor(private readonly onDropped: (problem: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    while (rest.length > 0) rest = this.frame ? this.readBody(this.frame, rest) : this.readHeader(rest);
    if (this.outbox.length === 0) {
      done();
      return;
    }
    this.held = done;
    this.releaseSoon();
  }

  /** Passes on `PACE` messages next turn, and so on each turn until the outbox is empty; then reads on. */
  private releaseSoon(): void {
    this.releasing ??= setImmediate(() => {
      this.releasing = undefined;
      for (const message of this.outbox.splice(0, PACE)) this.push(message);
      if (this.outbox.length > 0) {
        this.releaseSoon();
        return;
      }
      const done = this.held;
      this.held = undefined;
      done?.();
    });
  }

  /** Takes bytes towards a header; returns those after a complete one, or none if it needs more. */
  private readHeader(bytes: Buffer): Buffer {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, bytes]) : bytes;
    if (this.resynchronising && !this.skipToHeaderName()) return Buffer.alloc(0);
    const end = this.pending.indexOf(HEADER_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEADER_BYTES)
        return this.dropBroken('bytes that are not a message header');
      return Buffer.alloc(0);
    }
    const fields = this.pending.subarray(0, end).toString('latin1');
    const length = contentLengthOf(fields);
    if (typeof length === 'string') return this.dropBroken(length);
    const header = this.pending.subarray(0, end + HEADER_END.length);
    const rest = this.pending.subarray(header.length);
    this.pending = Buffer.alloc(0);
    this.frame = { header, length, body: [], received: 0, tail: '' };
    if (length === 0) return this.complete(this.frame, rest);
    return rest;
  }

  /** Drops `pending` up to the next header name; false when there is none yet. */
  private skipToHeaderName(): boolean {
    const at = this.pending.toString('latin1').search(HEADER_NAME);
    if (at < 0) {
      // A header name split across chunks must still be found.
      this.pending = this.pending.subarray(Math.max(0, this.pending.length - OVERLAP));
      return false;
    }
    this.pending = this.pending.subarray(at);
    this.resynchronising = false;
    return true;
  }

  /** Reports a broken message and returns what follows its first byte, to look for the next header. */
  private dropBroken(problem: string): Buffer {
    this.onDropped(problem);
    const rest = this.pending.subarray(1);
    this.pending = Buffer.alloc(0);
    this.resynchronising = true;
    return rest;
  }

  /** Takes bytes towards the body; returns those after it, or after where a next header began. */
  private readBody(frame: Frame, bytes: Buffer): Buffer {
    const taken = bytes.subarray(0, frame.length - frame.received);
    const seen = frame.tail + taken.toString('latin1');
    const nextHeader = seen.search(CONTENT_LENGTH_LINE);
    if (nextHeader >= 0) return this.cutShort(frame, taken, nextHeader - frame.tail.length, bytes);
    frame.body.push(taken);
    frame.received += taken.length;
    frame.tail = seen.slice(-OVERLAP);
    const rest = bytes.subarray(taken.length);
    return frame.received === frame.length ? this.complete(frame, rest) : rest;
  }

  /** A header inside a body: the Content-Length was larger than the message, which is dropped. */
  private cutShort(frame: Frame, taken: Buffer, headerAt: number, bytes: Buffer): Buffer {
    this.frame = undefined;
    this.onDropped(`a message shorter than its Content-Length of ${frame.length} bytes`);
    const body = Buffer.concat([...frame.body, taken]);
    return Buffer.concat([body.subarray(frame.received + headerAt), bytes.subarray(taken.length)]);
  }

  private complete(frame: Frame, rest: Buffer): Buffer {
    this.frame = undefined;
    this.outbox.push(Buffer.concat([frame.header, ...frame.body]));
    return rest;
  }
}

/** The Content-Length of a header block, or what is wrong with it. */
function contentLengthOf(header: string): number | string {
  let length: number | string = 'a message header without a Content-Length';
  for (const line of header.split('\r\n')) {
    const field = HEADER_FIELD.exec(line);
    if (!field) return 'bytes that are not a message header';
    if (field[1]?.toLowerCase() !== 'content-length') continue;
    const value = field[2]?.trim() ?? '';
    if (!/^\d+$/.test(value)) return `a message header with Content-Length "${value.slice(0, 40)}"`;
    length = Number(value);
  }
  return length;
}
