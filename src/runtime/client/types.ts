/** The types of chanx-gen/client: options, error frames, and what a generated client says of its channel. */

/** Stops what `on` started. */
export type Unsubscribe = () => void;

/** One validation problem, as Chanx (pydantic) reports it. */
export interface ErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
}

/**
 * What the server sends when it cannot take a frame (DESIGN §4, §10): validation problems, a
 * handler failure (`detail`), or a topic refusal (`reason`).
 */
export interface ErrorFrame {
  action: 'error';
  payload: ErrorItem[] | { detail: string } | { reason: string; detail?: unknown };
  ref?: string;
  topic?: string;
  version?: number;
}

/**
 * What a Chanx server sends just before it closes a connection it refuses (its `authenticate` said
 * no): the status it chose, and what it says about it.
 */
export interface AuthenticationFrame {
  action: 'authentication';
  payload: { status_code: number; status_text: string; data: unknown };
}

export interface ReconnectOptions {
  /** First delay in ms (default 250); each failed attempt multiplies it by `factor` (default 2). */
  initialDelay?: number;
  factor?: number;
  /** Longest delay in ms (default 10 000). Each delay is jittered down by up to half. */
  maxDelay?: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

/** What a WebSocket must offer: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocketLike;

export interface ClientOptions {
  /** Extra headers on the upgrade request: Node (`ws`) only, browsers cannot set them. */
  headers?: Record<string, string>;
  protocols?: string | string[];
  /** Reconnect after the connection drops, with exponential backoff; topics are subscribed again. */
  reconnect?: boolean | ReconnectOptions;
  /** Default time in ms a request waits for its reply (default 10 000). */
  timeout?: number;
  /**
   * 'ref' (default): a reply is the frame carrying the request's `ref`, as chanx-gen servers send.
   * 'order': also take a frame without `ref` as the reply of the oldest pending request whose reply
   * types include it (for Chanx servers, which echo `ref` on topic frames only).
   */
  matchReplies?: 'ref' | 'order';
  /** A frame that is not JSON or does not match the document (default: console.warn). */
  onInvalid?: (frame: unknown, problem: string) => void;
  /** After every (re)connect. */
  onOpen?: () => void;
  /** After every close or drop. */
  onClose?: (code: number, reason: string) => void;
  /**
   * The server refused the connection (Chanx's authentication frame; the close follows, and the
   * requests still waiting reject with a ChanxClosedError carrying the frame). A refusal with a 4xx
   * status also ends reconnecting: the same credentials would be refused again.
   */
  onRefused?: (frame: AuthenticationFrame) => void;
  /** The WebSocket class to use (default: the global one, else `ws`). */
  WebSocket?: WebSocketConstructor;
}

export interface RequestOptions {
  /** Time in ms to wait for the reply (default: the client's `timeout`). */
  timeout?: number;
}

/** A precompiled validator (ajv standalone): a type guard that leaves its errors on itself. */
export interface ClientValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string }[] | null;
}

/** How frames are named and checked in one direction pair: a channel's own, or one topic's. */
export interface ClientMessages {
  /** The field that names a client-to-server message (null: no discriminator). */
  readonly sendField: string | null;
  /** The field that names a server-to-client message (null: told apart by trying each schema). */
  readonly receiveField: string | null;
  /** Server-to-client messages by name (discriminator value, else message key), with their validators. */
  readonly receives: Readonly<Record<string, ClientValidator>>;
  /** For each client-to-server tag, the names of its replies (used when matching by order). */
  readonly replies: Readonly<Record<string, readonly string[]>>;
}

/** What a generated client.ts tells the core about one of its channel's x-topic topics (DESIGN §10). */
export interface ClientTopic extends ClientMessages {
  readonly key: string;
  /** Chanx's topic pattern, such as `room:{room_name}`; a parameter matches up to the next `:`. */
  readonly pattern: string;
}

/** What a generated client.ts tells the core about its channel. */
export interface ClientChannel extends ClientMessages {
  readonly key: string;
  readonly address: string;
  /** The topics the channel hosts; frames naming a `topic` are checked with that topic's validators. */
  readonly topics?: readonly ClientTopic[];
}
