/**
 * chanx-gen/client: the run-time half of every generated `client.ts` (DESIGN §11), for browsers and
 * Node alike. It imports nothing: a browser's global WebSocket is used where there is one, and in
 * Node (20 has none) the `ws` package is loaded on first use.
 *
 * Requests are matched to replies by `ref`: the client stamps a fresh `ref` beside `action` and the
 * server puts it back on its reply (DESIGN §4). Frames the server sends are checked with the
 * channel's precompiled validators before any typed handler sees them.
 */
import type {
  AuthenticationFrame,
  ClientChannel,
  ClientOptions,
  ReconnectOptions,
  RequestOptions,
  Unsubscribe,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
import { ChanxClosedError, ChanxFrameError, ChanxTimeoutError, isAuthenticationFrame, isErrorFrame, isRefusal, refusedBecause } from './errors.js';
import { classifyFrame, refusalIn, topicName, topicOf } from './classify.js';
import { failureFrame, TopicHandle, topicListenerKey, type TopicHost } from './topic.js';

export type * from './types.js';
export { ChanxClosedError, ChanxFrameError, ChanxTimeoutError, isErrorFrame } from './errors.js';
export { TopicHandle } from './topic.js';

const DEFAULT_TIMEOUT = 10_000;
/**
 * A connection that lasts this long counts as made: the next drop starts the backoff afresh. One the
 * server closes sooner (a refusal after the upgrade, such as an authentication that fails) counts as
 * a failed attempt, so the delays keep growing instead of reconnecting every 250 ms for ever.
 */
const STABLE_MS = 5_000;
/** Refs of requests that timed out, remembered so that a late reply is dropped rather than given to `on`. */
const EXPIRED_REFS = 1_000;
const OPEN = 1;

interface Pending {
  /** The request's tag (its discriminator value), for matching by order. */
  tag: string | undefined;
  topic: string | undefined;
  resolve(frame: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Something to run again after every reconnect (topic subscriptions). */
export type ReopenHook = () => void;

export class ChanxClient implements TopicHost {
  private ws: WebSocketLike | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Map<string, Set<(message: never) => void>>();
  private readonly reopenHooks = new Set<ReopenHook>();
  private nextRef = 0;
  /** When the current connection opened (Date.now()). */
  private openedAt = 0;
  private readonly expired = new Set<string>();
  private closing: Promise<void> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stateNow: 'open' | 'reconnecting' | 'closed' = 'closed';
  /** The server's refusal of the current connection, once it has sent one. */
  private refusal: AuthenticationFrame | undefined;
  /**
   * Frames that arrive before `open`'s caller has had a turn to call `on` (a welcome can come in
   * the same packet as the handshake); delivered on the next macrotask.
   */
  private held: unknown[] | undefined = [];

  private constructor(
    readonly url: string,
    readonly channel: ClientChannel,
    private readonly options: ClientOptions,
    private readonly Socket: WebSocketConstructor,
  ) {}

  /** Connects; rejects when the first connection cannot be made (whatever `reconnect` says). */
  static async open(baseUrl: string, channel: ClientChannel, params: object | undefined, options: ClientOptions = {}): Promise<ChanxClient> {
    const Socket = options.WebSocket ?? (await defaultWebSocket());
    const client = new ChanxClient(channelUrl(baseUrl, channel.address, (params ?? {}) as Readonly<Record<string, string>>), channel, options, Socket);
    await client.openSocket();
    setTimeout(() => {
      // Only this timer empties `held`, once.
      const held = client.held as unknown[];
      client.held = undefined;
      for (const data of held) client.receive(data);
    }, 0);
    return client;
  }

  /** 'open', 'reconnecting' (after a drop, with `reconnect`) or 'closed'. */
  get state(): 'open' | 'reconnecting' | 'closed' {
    return this.stateNow;
  }

  /** Sends a frame as it is; throws ChanxClosedError when not connected. */
  send(message: object): void {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== OPEN) {
      const refusal = this.refusal;
      throw new ChanxClosedError(refusal === undefined ? `not connected to ${this.url}` : refusedBecause(refusal), 0, '', refusal);
    }
    ws.send(JSON.stringify(message));
  }

  /**
   * Sends `message` with a fresh `ref` and resolves with the reply that carries the same `ref`.
   * Rejects with ChanxFrameError on an error frame for it, ChanxTimeoutError after `timeout` ms, and
   * ChanxClosedError when the connection closes first.
   */
  request(message: object, options: RequestOptions = {}): Promise<unknown> {
    const ref = `r${(++this.nextRef).toString(36)}`;
    const frame = { ...message, ref } as Record<string, unknown>;
    return new Promise((resolve, reject) => {
      const timeout = options.timeout ?? this.options.timeout ?? DEFAULT_TIMEOUT;
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        this.expired.add(ref);
        if (this.expired.size > EXPIRED_REFS) this.expired.delete(this.expired.values().next().value!);
        reject(new ChanxTimeoutError(`no reply to ${describe(frame, this.channel.sendField)} within ${timeout} ms`));
      }, timeout);
      const tag = this.channel.sendField === null ? undefined : String(frame[this.channel.sendField]);
      const topic = typeof frame['topic'] === 'string' ? frame['topic'] : undefined;
      this.pending.set(ref, { tag, topic, resolve, reject, timer });
      try {
        this.send(frame);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(ref);
        reject(err as Error);
      }
    });
  }

  /**
   * Calls `fn` with every valid frame of kind `name` (a discriminator value, or `error` for error
   * frames) that is not the reply to a request. Returns a function that stops it.
   */
  on(name: string, fn: (message: never) => void): Unsubscribe {
    let set = this.listeners.get(name);
    if (set === undefined) this.listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /** Runs `hook` after every reconnect; returns a function that stops it. */
  onReopen(hook: ReopenHook): Unsubscribe {
    this.reopenHooks.add(hook);
    return () => {
      this.reopenHooks.delete(hook);
    };
  }

  /** A handle on topic `pattern` with its parameters filled in (`room:{room_name}` -> `room:lobby`). */
  topic(pattern: string, params: object = {}): TopicHandle {
    return new TopicHandle(this, topicName(pattern, params as Readonly<Record<string, string>>));
  }

  reportTopicFailure(topic: string, error: unknown): void {
    const frame = failureFrame(error);
    if (frame !== undefined) this.emitTopic(topic, 'error', frame);
    else console.warn(`chanx-gen client (${this.channel.key}): could not subscribe to '${topic}' again: ${String(error)}`);
  }

  /** Closes for good (no reconnect); resolves once the socket has closed. */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.closing = new Promise<void>((resolve) => {
      if (ws === undefined || ws.readyState > OPEN) return resolve();
      ws.addEventListener('close', () => resolve());
      ws.close(code, reason);
    });
    this.stateNow = 'closed';
    this.failPending(new ChanxClosedError('the client was closed', code, reason));
    return this.closing;
  }

  private openSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws =
          this.options.headers === undefined
            ? new this.Socket(this.url, this.options.protocols)
            : new this.Socket(this.url, this.options.protocols, { headers: this.options.headers });
      } catch (err) {
        return reject(err as Error);
      }
      let opened = false;
      ws.addEventListener('open', () => {
        // close() came while this reconnect attempt was under way: the client stays closed.
        if (this.closing !== undefined) return ws.close();
        opened = true;
        this.ws = ws;
        this.refusal = undefined;
        this.stateNow = 'open';
        this.openedAt = Date.now();
        resolve();
        guarded(() => this.options.onOpen?.());
        for (const hook of this.reopenHooks) guarded(hook);
      });
      ws.addEventListener('message', (event: { data: unknown }) => this.receive(event.data));
      ws.addEventListener('error', () => undefined);
      ws.addEventListener('close', (event: { code: number; reason: string }) => {
        if (!opened) return reject(new ChanxClosedError(`could not connect to ${this.url} (close code ${event.code})`, event.code, event.reason));
        this.dropped(event.code, event.reason);
      });
    });
  }

  private dropped(code: number, reason: string): void {
    this.ws = undefined;
    const refusal = this.refusal;
    const why = refusal === undefined ? `the connection closed (${code}${reason === '' ? '' : ` ${reason}`}) before a reply came` : refusedBecause(refusal);
    this.failPending(new ChanxClosedError(why, code, reason, refusal));
    guarded(() => this.options.onClose?.(code, reason));
    const policy = reconnectPolicy(this.options.reconnect);
    if (Date.now() - this.openedAt >= STABLE_MS) this.attempts = 0;
    // Refused for what the client sent (4xx): the same credentials would be refused again.
    const final = refusal !== undefined && refusal.payload.status_code >= 400 && refusal.payload.status_code < 500;
    if (this.closing !== undefined || policy === undefined || final || this.attempts >= policy.maxAttempts) {
      this.stateNow = 'closed';
      return;
    }
    this.stateNow = 'reconnecting';
    this.scheduleReconnect(policy);
  }

  private scheduleReconnect(policy: Required<ReconnectOptions>): void {
    const base = Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** this.attempts);
    this.attempts++;
    this.reconnectTimer = setTimeout(
      () => {
        // close() clears this timer, and none is set once it has been called.
        this.reconnectTimer = undefined;
        this.openSocket().catch(() => {
          if (this.closing !== undefined) return;
          if (this.attempts >= policy.maxAttempts) this.stateNow = 'closed';
          else this.scheduleReconnect(policy);
        });
      },
      base / 2 + (Math.random() * base) / 2,
    );
  }

  private failPending(error: Error): void {
    for (const [ref, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(ref);
      p.reject(error);
    }
  }

  private receive(data: unknown): void {
    if (this.held !== undefined) {
      this.held.push(data);
      // Known at once, though told (onRefused) in turn: the close that follows may come first.
      this.refusal ??= refusalIn(this.channel, data);
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return this.invalid(data, 'not JSON');
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return this.invalid(frame, 'not a JSON object');
    const record = frame as Record<string, unknown>;
    if (record['action'] === 'complete' && typeof record['ref'] === 'string') {
      // `complete` before any reply (completion frames on): the handler returned nothing, it answered
      // some other way (a broadcast carries no ref), so the request fails now rather than at its timeout.
      const done = this.pending.get(record['ref']);
      if (done !== undefined) {
        const reason = `the server completed request ${record['ref']} without a direct reply (its handler returned nothing, or answered by broadcast)`;
        return this.settle({ ref: record['ref'], p: done }, () => done.reject(new ChanxFrameError(undefined, reason)));
      }
    }
    const pending = this.pendingFor(record);
    // The reply (or error, or completion) to a request that timed out: that request's, not for `on`.
    if (pending === undefined && typeof record['ref'] === 'string' && this.expired.has(record['ref'])) return;
    const topic = typeof record['topic'] === 'string' ? record['topic'] : undefined;
    if (isErrorFrame(record)) {
      if (pending !== undefined) return this.settle(pending, () => pending.p.reject(new ChanxFrameError(record)));
      return topic === undefined ? this.emit('error', record) : this.emitTopic(topic, 'error', record);
    }
    const kind = classifyFrame(this.channel, record);
    if (typeof kind !== 'string') {
      if (isAuthenticationFrame(record)) {
        // Chanx's Django authenticator also says so when it admits a connection (status 200): not a refusal.
        if (!isRefusal(record)) return;
        this.refusal = record;
        const onRefused = this.options.onRefused;
        if (onRefused !== undefined) guarded(() => onRefused(record));
        return;
      }
      this.invalid(record, kind.problem);
      if (pending !== undefined)
        this.settle(pending, () => pending.p.reject(new ChanxFrameError(undefined, `the reply does not match the document: ${kind.problem}`)));
      return;
    }
    if (pending !== undefined) return this.settle(pending, () => pending.p.resolve(record));
    if (topic === undefined) this.emit(kind, record);
    else this.emitTopic(topic, kind, record);
  }

  /** A topic's frame goes to that topic's listeners; its error frames to the client's when it has none. */
  private emitTopic(topic: string, kind: string, message: unknown): void {
    const key = topicListenerKey(topic, kind);
    if (kind === 'error' && (this.listeners.get(key)?.size ?? 0) === 0) return this.emit('error', message);
    this.emit(key, message);
  }

  /** The request a frame answers: by its `ref`, or (matchReplies 'order') the oldest one it can answer. */
  private pendingFor(frame: Record<string, unknown>): { ref: string; p: Pending } | undefined {
    const ref = frame['ref'];
    if (typeof ref === 'string') {
      const p = this.pending.get(ref);
      return p === undefined ? undefined : { ref, p };
    }
    if (this.options.matchReplies !== 'order') return undefined;
    const topic = typeof frame['topic'] === 'string' ? frame['topic'] : undefined;
    // The channel's or the topic's messages; with no discriminator, a frame's name is the message its schema matches.
    const messages = topic === undefined ? this.channel : topicOf(this.channel, topic);
    const kind = messages === undefined ? undefined : messages.receiveField === null ? classifyFrame(this.channel, frame) : frame[messages.receiveField];
    for (const [key, p] of this.pending) {
      if (p.topic !== topic) continue;
      if (isErrorFrame(frame)) return { ref: key, p };
      const answers = p.tag === undefined ? undefined : messages?.replies[p.tag];
      if (answers === undefined || (typeof kind === 'string' && answers.includes(kind))) return { ref: key, p };
    }
    return undefined;
  }

  private settle(pending: { ref: string; p: Pending }, run: () => void): void {
    clearTimeout(pending.p.timer);
    this.pending.delete(pending.ref);
    run();
  }

  private emit(name: string, message: unknown): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    for (const fn of [...set]) guarded(() => (fn as (m: unknown) => void)(message));
  }

  private invalid(frame: unknown, problem: string): void {
    const onInvalid = this.options.onInvalid;
    if (onInvalid !== undefined) guarded(() => onInvalid(frame, problem));
    else console.warn(`chanx-gen client (${this.channel.key}): ignored a frame that does not match the document: ${problem}`, frame);
  }
}

/** `base` (ws://host:port, http(s) also accepted) joined with the channel's address, path parameters filled in. */
export function channelUrl(base: string, address: string, params: Readonly<Record<string, string>>): string {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  const path = address.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') throw new TypeError(`path parameter '${name}' of ${address} is missing`);
    return encodeURIComponent(value);
  });
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  return url.toString();
}

function reconnectPolicy(option: ClientOptions['reconnect']): Required<ReconnectOptions> | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  return { initialDelay: o.initialDelay ?? 250, maxDelay: o.maxDelay ?? 10_000, factor: o.factor ?? 2, maxAttempts: o.maxAttempts ?? Infinity };
}

function describe(frame: Record<string, unknown>, field: string | null): string {
  return field !== null && typeof frame[field] === 'string' ? `'${frame[field]}'` : 'the request';
}

/**
 * Runs a caller's function (a handler, onInvalid, onOpen, onClose, a reopen hook). What it throws is
 * thrown again on a timer, not lost: thrown into a socket event, it would skip the rest of the
 * client's work (a reconnect, the other hooks) and stall `ws`, which then delivers no more frames.
 */
function guarded(run: () => void): void {
  try {
    run();
  } catch (err) {
    setTimeout(() => {
      throw err;
    });
  }
}

async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global !== undefined) return global;
  // Node 20 has no global WebSocket. The name is held in a variable so that bundlers for the
  // browser neither follow nor bundle it.
  const name = 'ws';
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as { default: WebSocketConstructor };
  return mod.default;
}
