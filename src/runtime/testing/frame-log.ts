/**
 * What one test connection received, in order, and the reads over it: a cursor moves past what
 * `receiveAll` / `receiveNext` returned; `frames` keeps everything. Waits are bounded, and a wait
 * that ends without its frame says what it waited for and what came instead.
 */
import type { CompletionAction, ReceiveAllOptions } from './types.js';

export type Frame = Record<string, unknown>;

const COMPLETIONS: ReadonlySet<unknown> = new Set<CompletionAction>(['complete', 'group_complete', 'event_complete']);

export function isCompletion(frame: Frame): boolean {
  return COMPLETIONS.has(frame['action']) && frame['payload'] === null;
}

/** Why a read failed: nothing in time, or the connection closed first. The message says it all. */
export class ChanxTestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChanxTestError';
  }
}

export class FrameLog {
  /** Every frame received, as the test sees it (refs the kit added taken off). */
  readonly frames: Frame[] = [];
  /** For each frame, the `ref` it came with (before the kit took its own off). */
  private readonly refs: (string | undefined)[] = [];
  private cursor = 0;
  private readonly wakers = new Set<() => void>();
  closedWith: { code: number; reason: string } | undefined;
  /** Refs this connection put on frames it sent (its own and `request`'s). */
  readonly ownRefs = new Set<string>();
  /** The frame sent last that expects a `complete`: its ref and how to name it. */
  lastSent: { ref: string; what: string } | undefined;

  constructor(
    readonly defaultTimeout: number,
    /** Checks a frame against the document before a read returns it; returns the problem, if any. */
    private readonly problemOf: (frame: Frame) => string | undefined,
  ) {}

  push(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = { '(not JSON)': text };
    }
    const record = (frame !== null && typeof frame === 'object' && !Array.isArray(frame) ? frame : { '(not an object)': frame }) as Frame;
    const ref = typeof record['ref'] === 'string' ? record['ref'] : undefined;
    if (ref !== undefined && this.ownRefs.has(ref)) delete record['ref'];
    this.frames.push(record);
    this.refs.push(ref);
    for (const wake of [...this.wakers]) wake();
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    for (const wake of [...this.wakers]) wake();
  }

  async receiveAll(options: ReceiveAllOptions = {}): Promise<Frame[]> {
    const until = options.until ?? 'complete';
    const timeout = options.timeout ?? this.defaultTimeout;
    let end: number;
    if (until === 'complete') {
      const sent = this.lastSent;
      if (sent === undefined) {
        throw new ChanxTestError(
          "receiveAll(): this client has sent nothing, so no 'complete' will come; read what the server sends on its own with receiveNext(), or pass { until: 'group_complete' | 'event_complete' }",
        );
      }
      const done = this.frames.findIndex((f, i) => f['action'] === 'complete' && this.refs[i] === sent.ref);
      if (done !== -1 && done < this.cursor)
        throw new ChanxTestError(`receiveAll(): the 'complete' of ${sent.what} was already read; send another frame first`);
      end = await this.waitFor(
        () => this.find((f, i) => f['action'] === 'complete' && this.refs[i] === sent.ref),
        timeout,
        `the 'complete' of ${sent.what}`,
        'receiveAll()',
      );
    } else {
      const count = options.count ?? 1;
      end = await this.waitFor(
        () => {
          let seen = 0;
          return this.find((f) => f['action'] === until && f['payload'] === null && ++seen === count);
        },
        timeout,
        count === 1 ? `the next '${until}'` : `${count} '${until}' frames`,
        'receiveAll()',
      );
    }
    const taken = this.frames.slice(this.cursor, end + 1).filter((f) => !isCompletion(f));
    this.cursor = end + 1;
    for (const f of taken) this.check(f, 'receiveAll()');
    return taken;
  }

  async receiveNext(name: string | undefined, nameOf: (frame: Frame) => string | undefined, timeout = this.defaultTimeout): Promise<Frame> {
    const wanted = (f: Frame): boolean => (name === undefined ? !isCompletion(f) : nameOf(f) === name);
    const at = await this.waitFor(() => this.find(wanted), timeout, name === undefined ? 'a message' : `a '${name}' frame`, 'receiveNext()');
    const frame = this.frames[at]!;
    this.cursor = at + 1;
    this.check(frame, 'receiveNext()');
    return frame;
  }

  async expectNothing(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const unread = this.unread().filter((f) => !isCompletion(f));
    if (unread.length > 0) throw new ChanxTestError(`expectNothing(${ms}): expected no message, but ${unread.length} arrived:\n${list(unread)}`);
  }

  /** The frames after the cursor, not yet read. */
  unread(): Frame[] {
    return this.frames.slice(this.cursor);
  }

  private find(match: (frame: Frame, index: number) => boolean): number | undefined {
    for (let i = this.cursor; i < this.frames.length; i++) if (match(this.frames[i]!, i)) return i;
    return undefined;
  }

  private check(frame: Frame, read: string): void {
    const problem = this.problemOf(frame);
    if (problem !== undefined) throw new ChanxTestError(`${read}: the server sent a frame the document does not allow (${problem}):\n${list([frame])}`);
  }

  /** Resolves with `found()`'s index once it has one; rejects at the deadline or when the connection closes. */
  private waitFor(found: () => number | undefined, timeout: number, what: string, read: string): Promise<number> {
    const now = found();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        const unread = this.unread();
        reject(new ChanxTestError(`${read}: expected ${what}, ${why}; ${unread.length === 0 ? 'nothing arrived' : `what arrived:\n${list(unread)}`}`));
      };
      const timer = setTimeout(() => fail(`but it did not come within ${timeout} ms`), timeout);
      const wake = (): void => {
        const at = found();
        if (at !== undefined) {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve(at);
        } else if (this.closedWith !== undefined)
          fail(`but the connection closed (${this.closedWith.code}${this.closedWith.reason === '' ? '' : ` ${this.closedWith.reason}`})`);
      };
      this.wakers.add(wake);
      if (this.closedWith !== undefined) wake();
    });
  }
}

/** Frames one per line, as JSON, for messages. */
function list(frames: readonly Frame[]): string {
  return frames.map((f) => `  ${JSON.stringify(f)}`).join('\n');
}
