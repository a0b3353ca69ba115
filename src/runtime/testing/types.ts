/**
 * The types of chanx-gen/testing: the frames a test sees besides the document's messages, and what
 * a generated client's type says of its channel (read off its `on` and `send` signatures, so the
 * kit needs nothing generated for it).
 */
import type { AuthenticationFrame } from '../client/types.js';

/** Chanx's completion frames (DESIGN §4): after a handled frame, a group broadcast, an event. */
export type CompletionAction = 'complete' | 'group_complete' | 'event_complete';

export interface CompletionFrame {
  action: CompletionAction;
  payload: null;
}

/** What a refused connection gets before it closes (Chanx's authentication frame). */
export type { AuthenticationFrame };

/** What the kit needs of a generated client (`SystemClient` and the like). */
export interface GeneratedClient {
  send(message: never): void;
  on(name: never, fn: never): unknown;
  close(code?: number, reason?: string): Promise<void>;
}

/** Every frame the channel's server may send, error frames included: what `on` can be given. */
export type Received<C extends GeneratedClient> = C['on'] extends (name: any, fn: (message: infer M) => void) => unknown ? M : never;

/** The names `on` takes: the discriminator values of what the server sends, and `error`. */
export type ReceivedName<C extends GeneratedClient> = C['on'] extends (name: infer N, fn: any) => unknown ? N & string : never;

/** What the channel accepts from a client: the generated `send`'s parameter. */
export type Sendable<C extends GeneratedClient> = Parameters<C['send']>[0];

/** The string literals among a frame type's top-level fields (its discriminator among them). */
type LiteralsOf<T> = { [P in keyof T]-?: string extends T[P] ? never : T[P] extends string ? T[P] : never }[keyof T];

/** The members of `R` named `K` (by a top-level string literal field); all of `R` if none is. */
export type Named<R, K extends string> = [R extends unknown ? (K extends LiteralsOf<R> ? R : never) : never] extends [never]
  ? R
  : R extends unknown
    ? K extends LiteralsOf<R>
      ? R
      : never
    : never;

export interface ReceiveOptions {
  /** How long to wait in ms (default: the connection's `receiveTimeout`, 2000). */
  timeout?: number;
}

export interface ReceiveAllOptions extends ReceiveOptions {
  /**
   * Which completion frame ends the collection, as Chanx's `stop_action`: `complete` (default) of
   * the frame this client sent last; `group_complete` after a broadcast this connection received;
   * `event_complete` after the frames an event from outside produced.
   */
  until?: CompletionAction;
  /** With `group_complete` / `event_complete`: how many of them to wait for (default 1). */
  count?: number;
}

/** The test helpers a connected client gains (`R`: what its server may send). */
export interface TestHelpers<R> extends AsyncDisposable {
  /**
   * The messages that arrived since the last read, up to the completion frame asked for (default:
   * the `complete` of the frame sent last), completion frames left out. Each is checked against
   * the document. Rejects with a message naming what was awaited and what arrived when it does not
   * come in time, or when the connection closes first.
   */
  receiveAll(options?: ReceiveAllOptions): Promise<R[]>;
  /** The next message (completion frames skipped), or with a name the next one of that name (earlier ones are read past). */
  receiveNext(options?: ReceiveOptions): Promise<R>;
  receiveNext<K extends CompletionAction>(name: K, options?: ReceiveOptions): Promise<CompletionFrame>;
  receiveNext(name: 'authentication', options?: ReceiveOptions): Promise<AuthenticationFrame>;
  receiveNext<K extends NameOf<R>>(name: K, options?: ReceiveOptions): Promise<Named<R, K>>;
  /** A frame's name as `receiveNext` takes it: its discriminator value (or message name), `error`, a completion action. */
  readonly nameOf: (frame: R | CompletionFrame | AuthenticationFrame) => string;
  /** Waits `ms` (default 100) and rejects if a message (not a completion frame) arrived unread. */
  expectNothing(ms?: number): Promise<void>;
  /** Every frame received so far, completion frames included, in order (refs the kit added taken off). */
  readonly frames: readonly (R | CompletionFrame | AuthenticationFrame)[];
  /** Sends text or an object as it is, checked by nothing: for testing what the server does with bad input. Read its answer with receiveNext. */
  sendRaw(frame: string | object): void;
  /** The server's id for this connection (`ctx.id`): what `events(channel).sendEvent(event, id)` takes. */
  readonly connectionId: string;
  /** Resolves with the close code and reason once the connection has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** The string names a frame union carries (`action` values, `error`). */
export type NameOf<R> = R extends unknown ? LiteralsOf<R> & string : never;

/** The generated client with the test helpers. */
export type TestClient<C extends GeneratedClient> = C & TestHelpers<Received<C>>;

/** A generated `connectX(url, options)`. */
export type ConnectFunction = (url: string, options?: any) => Promise<GeneratedClient>;
export type ConnectFunctionWithParams = (url: string, options: any) => Promise<GeneratedClient>;

/** What `connect` takes besides the generated options: how long receives wait. */
export interface TestConnectExtras {
  /** Default time in ms `receiveAll` / `receiveNext` wait (default 2000). */
  receiveTimeout?: number;
}

/** The generated connect options (path parameters, headers), without the socket class the kit supplies. */
export type TestConnectOptions<F extends ConnectFunction | ConnectFunctionWithParams> = Omit<NonNullable<Parameters<F>[1]>, 'WebSocket'> & TestConnectExtras;

/** Options are optional unless the generated function requires them (an address with path parameters). */
export type TestConnectArgs<F extends ConnectFunction | ConnectFunctionWithParams> = undefined extends Parameters<F>[1]
  ? [options?: TestConnectOptions<F>]
  : [options: TestConnectOptions<F>];
