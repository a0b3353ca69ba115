/**
 * Topics (DESIGN §10, Chanx 2.10): subscribable streams on a channel's connection, addressed per
 * frame by `topic`. This file holds what generated code and the rest of the runtime share: a
 * topic's definition, the context its handlers get, patterns, group names, envelope stamping and
 * publishing from outside a connection. The per-connection part is topics-session.ts.
 */
import type { IncomingMessage } from 'node:http';
import { ENVELOPE_VERSION, topicError, type TopicErrorReason } from '../protocol/envelope.js';
import type { GroupLayer } from '../layers/layer.js';
import { templatePattern } from '../support/path-template.js';
import type { MaybePromise } from '../support/thenable.js';
import type { ConnectionContext } from '../channel/definition.js';

/** A topic as generated code describes it (`router.ts` of the topic's folder). */
export interface TopicDefinition<Handlers, Out, Params> {
  /** The `x-topic` name; topics with the same name share their groups. */
  readonly name: string;
  /** `room:{room_name}`: a parameter matches up to the next `:`, as in Chanx. */
  readonly pattern: string;
  readonly discriminator: string | null;
  /** Routes one decoded frame (envelope removed) to a handler; its result, or a Rejection. */
  route(message: Record<string, unknown>, handlers: Handlers, ctx: TopicContext<Out, Params>): unknown;
  /** Fills in the defaults the document declares for a message the topic sends (see ChannelDefinition.fill). */
  readonly fill?: (message: unknown) => unknown;
  /** Only a marker for the types; never set. */
  readonly __params?: Params;
}

/** The hooks every topic class may have besides its message handlers. */
export interface TopicHooks<Out, Params> {
  /** May this connection subscribe? Default: yes. Refusal answers `reason: "unauthorized"`. */
  authorize?(params: Params, ctx: TopicContext<Out, Params>): MaybePromise<boolean>;
  /** After the subscription is joined (and `subscribed` sent); what it sends are pushes, without `ref`. */
  onSubscribe?(ctx: TopicContext<Out, Params>): MaybePromise<void>;
  /** Before leaving, on `unsubscribe` and when the connection closes. */
  onUnsubscribe?(ctx: TopicContext<Out, Params>): MaybePromise<void>;
}

export interface TopicSendOptions {
  /** Producer-assigned sequence number, for gap detection on the client (Chanx's `seq`). */
  seq?: number;
}

export interface TopicBroadcastOptions extends TopicSendOptions {
  /** Leave this connection out (default false, as in Chanx). */
  excludeSelf?: boolean;
}

/** What a topic handler gets besides the message. `Out` is the topic's server-to-client union. */
export interface TopicContext<Out, Params> {
  /** The connection's id. */
  readonly id: string;
  /** The topic instance, such as `room:lobby`. */
  readonly topic: string;
  /** The pattern's parameters, parsed from the topic (`{ room_name: 'lobby' }`). */
  readonly params: Params;
  /** The `ref` of the frame being handled; undefined in pushes (onSubscribe, broadcasts). */
  readonly ref: string | undefined;
  /** The HTTP upgrade request of the connection. */
  readonly request: IncomingMessage;
  /** The connection that hosts the subscription (its own groups, path parameters, close). */
  readonly connection: ConnectionContext<unknown, Record<string, string>>;
  /** Sends to this connection, stamped with the topic (and the request's `ref` while handling one). */
  send(message: Out, options?: TopicSendOptions): void;
  /** Sends to every subscriber of this topic instance, on every process sharing the group layer. */
  broadcast(message: Out, options?: TopicBroadcastOptions): void;
  /** Sends to every subscriber of another instance of this topic (`room:other`). */
  publish(topic: string, message: Out, options?: TopicSendOptions): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
}

/** A compiled topic pattern. */
export interface TopicPattern {
  readonly params: readonly string[];
  /** The parameters when `topic` is an instance of the pattern, else undefined. */
  match(topic: string): Record<string, string> | undefined;
  /** The topic instance for `params` (a dedicated route fills it from the URL). */
  fill(params: Readonly<Record<string, string>>): string;
}

export function compileTopicPattern(pattern: string): TopicPattern {
  const { names: params, parts, regex } = templatePattern(pattern, '([^:]+)');
  return {
    params,
    match(topic) {
      const m = regex.exec(topic);
      if (m === null) return undefined;
      const out: Record<string, string> = {};
      params.forEach((name, i) => {
        out[name] = m[i + 1]!;
      });
      return out;
    },
    fill(values) {
      // A missing value is left empty (join writes undefined as '').
      return parts.map((part, i) => (i % 2 === 0 ? part : values[part])).join('');
    },
  };
}

/** The group of one topic instance: every subscriber of `room:lobby` of topic `room_topic`, on every route. */
export function topicGroup(name: string, topic: string): string {
  return `topic:${name}:${topic}`;
}

/** Where a topic frame goes: its topic, and the request's `ref` or a push's `seq` when there is one. */
export interface Stamp {
  topic: string;
  ref?: string | undefined;
  seq?: number | undefined;
}

const ENVELOPE_KEYS = new Set(['version', 'topic', 'ref', 'seq']);

/** `message` with the defaults its topic's document declares filled in. */
export function filled(definition: { readonly fill?: (message: unknown) => unknown }, message: unknown): unknown {
  return definition.fill === undefined ? message : definition.fill(message);
}

/** A frame of `message` on a topic, as Chanx writes them: the message's own keys, then `version`, `topic`, `ref`/`seq` when set. */
export function stampFrame(message: unknown, stamp: Stamp): string {
  const out: Record<string, unknown> = {};
  if (message !== null && typeof message === 'object') {
    for (const [key, value] of Object.entries(message)) if (!ENVELOPE_KEYS.has(key)) out[key] = value;
  }
  out['version'] = ENVELOPE_VERSION;
  out['topic'] = stamp.topic;
  if (stamp.ref !== undefined) out['ref'] = stamp.ref;
  if (stamp.seq !== undefined) out['seq'] = stamp.seq;
  return JSON.stringify(out);
}

/** Chanx's topic error for `reason`, with its detail text, stamped with the topic and the request's ref. */
export function topicErrorFrame(reason: TopicErrorReason, topic: string, ref: string | undefined): string {
  const detail = {
    unknown_topic: `Unknown topic '${topic}'`,
    unauthorized: `Not authorized to subscribe to '${topic}'`,
    not_subscribed: `Not subscribed to '${topic}'`,
  }[reason];
  return topicError(reason, detail, { topic, ref });
}

/** Anything that carries the server's group layer: a ChanxServer, or a connection's session. */
export interface HasGroupLayer {
  readonly layer: GroupLayer;
}

/**
 * Sends `message` to every subscriber of `topic` (an instance of `definition`'s pattern), from
 * anywhere: an HTTP route, a job, another channel's handler (Chanx's `Topic.broadcast`). Goes
 * through the group layer, so it reaches subscribers on every process that shares it.
 * Throws when `topic` is not an instance of the pattern.
 */
export function publishTopic<Out>(
  server: HasGroupLayer,
  definition: TopicDefinition<any, Out, any>,
  topic: string,
  message: Out,
  options: TopicSendOptions = {},
): void {
  if (patternOf(definition).match(topic) === undefined) {
    throw new Error(`'${topic}' is not a topic of ${definition.name} ('${definition.pattern}')`);
  }
  server.layer.sendToGroups([topicGroup(definition.name, topic)], stampFrame(filled(definition, message), { topic, seq: options.seq }));
}

const patterns = new WeakMap<object, TopicPattern>();

/** The compiled pattern of a definition, compiled once. */
export function patternOf(definition: TopicDefinition<unknown, unknown, unknown>): TopicPattern {
  let pattern = patterns.get(definition);
  if (pattern === undefined) patterns.set(definition, (pattern = compileTopicPattern(definition.pattern)));
  return pattern;
}
