import type { IncomingMessage } from 'node:http';
import type { TopicEnvelope } from '../protocol/envelope.js';
import type { MaybePromise } from '../support/thenable.js';

/** Frames to send back, in order: one, several, or none. */
export type Frames = string | readonly string[] | undefined;

/** What to send back: frames, or (for an async handler) a promise of them. */
export type Outcome = Frames | Promise<Frames>;

/**
 * What a handler whose operation has a reply returns: the reply (checked against the document's
 * reply types), or nothing when it answers otherwise, by broadcasting for one (Chanx's handler
 * returns None; the document still names what it emits).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a method that ends without a return is void, and is allowed
export type HandlerResult<Reply> = MaybePromise<Reply | void>;

/**
 * What a consumer's `onEvent` returns (Chanx's @event_handler): the message its client gets, several
 * (an array, in order), or nothing; `event_complete` follows when completion frames are on.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that ends without a return sends nothing
export type EventResult<Out> = MaybePromise<Out | readonly Out[] | null | undefined | void>;

/**
 * The events a consumer class handles: the type of its `onEvent`'s event, or `Out` (the channel's
 * server-to-client messages, which go to the client as they are) when it has no hook.
 */
export type EventOf<Consumer, Out> = Consumer extends abstract new (
  ...args: any[]
) => infer H
  ? H extends { onEvent(event: infer E, ...rest: any[]): unknown }
    ? E
    : Out
  : Out;

/** Called with the cause when a handler throws; the client only sees the `detail` frame. */
export type FailureReporter = (tag: string, error: unknown) => void;

export interface BroadcastOptions {
  /** Groups to send to; default: every group this connection has joined. */
  groups?: readonly string[];
  /** Leave this connection out (default false, as in Chanx). */
  excludeSelf?: boolean;
}

/**
 * What a handler gets besides the message. `Out` is the channel's server-to-client union; `User`
 * is what the consumer's `authenticate` returns.
 */
export interface ConnectionContext<Out, Params, User = unknown> {
  /** Unique per connection within the process. */
  readonly id: string;
  /** Path parameters of the channel address, decoded. */
  readonly params: Params;
  /**
   * The HTTP upgrade request (headers, URL with query string), available in onConnect; released
   * after it unless the server was created with `keepUpgradeRequest: true`.
   */
  readonly request: IncomingMessage;
  /** Groups this connection has joined. */
  readonly groups: ReadonlySet<string>;
  /** What the consumer's `authenticate` returned; undefined when it has none. */
  readonly user: User;
  /** Sends to this connection only. */
  send(message: Out): void;
  /** Sends to every member of the groups (serialised once). */
  broadcast(message: Out, options?: BroadcastOptions): void;
  join(group: string): void;
  leave(group: string): void;
  /** Closes this connection (default code 1000). */
  close(code?: number, reason?: string): void;
}

/**
 * A channel as generated code describes it: where it lives and how to route a decoded frame.
 * `route` returns the handler's result (a reply, nothing, or a promise of either) or a Rejection.
 */
export interface ChannelDefinition<Handlers, Out, Params> {
  readonly key: string;
  readonly address: string;
  readonly discriminator: string | null;
  /** Path parameters restricted to some values: any other value is not this channel (404). */
  readonly paramValues?: Readonly<Record<string, readonly string[]>>;
  route(message: Record<string, unknown>, handlers: Handlers, ctx: ConnectionContext<Out, Params>): unknown;
  /**
   * Fills in the defaults the document declares for a message the channel sends (what pydantic's
   * model_dump does in Chanx); returns it unchanged, or a copy. Absent: no message declares any.
   */
  readonly fill?: (message: unknown) => unknown;
  /**
   * Serves the frames that name a `topic` (DESIGN §10). Absent: the channel hosts no topics, and
   * such frames get Chanx's answers for that case (unknown topic, not subscribed, unsubscribed).
   */
  readonly topics?: TopicRouter;
}

/**
 * The seam between dispatch and topics: a frame whose envelope names a topic, with the envelope
 * already checked and taken off `message`. Returns the frames to send back (stamp them with
 * `topicFrame` / `topicError` from the envelope module).
 */
export interface TopicRouter {
  route(
    message: Record<string, unknown>,
    envelope: TopicEnvelope,
    handlers: unknown,
    ctx: ConnectionContext<unknown, unknown>,
    report: FailureReporter,
  ): Outcome;
  /** On a dedicated topic route: the connection's own topic, which frames naming none belong to. */
  defaultTopic?(ctx: ConnectionContext<unknown, unknown>): string | undefined;
}
