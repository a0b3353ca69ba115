/**
 * The topics of one connection: subscribe / unsubscribe with their replies, topic frames routed to
 * the subscription's handlers, `ref` on replies, topic errors, and leaving every topic when the
 * connection closes. A subscription is one instance of the topic's class (per-subscription state
 * on `this`) and membership of the topic instance's group in the server's group layer.
 */
import type { IncomingMessage } from 'node:http';
import { topicError, type TopicEnvelope } from '../protocol/envelope.js';
import type { GroupLayer, LayerMember } from '../layers/layer.js';
import { handlerFailed, Rejection } from '../protocol/rejections.js';
import {
  compileTopicPattern,
  filled,
  stampFrame,
  topicErrorFrame,
  topicGroup,
  type TopicBroadcastOptions,
  type TopicContext,
  type TopicDefinition,
  type TopicHooks,
  type TopicPattern,
  type TopicSendOptions,
} from './topic.js';
import type { ConnectionContext, TopicRouter } from '../channel/definition.js';
import { isThenable } from '../support/thenable.js';

/** A topic mounted on a channel, with its class erased. */
export interface HostedTopic {
  readonly definition: TopicDefinition<unknown, unknown, unknown>;
  readonly pattern: TopicPattern;
  create(): TopicHooks<unknown, unknown>;
}

/** The topics a mounted channel serves. */
export interface TopicMount {
  readonly topics: readonly HostedTopic[];
}

/** Pairs a generated topic with its class (one instance per subscription). */
export function hostTopic<H, Out, P>(definition: TopicDefinition<H, Out, P>, Topic: new () => H & TopicHooks<Out, P>): HostedTopic {
  return {
    definition: definition as TopicDefinition<unknown, unknown, unknown>,
    pattern: compileTopicPattern(definition.pattern),
    create: () => new Topic() as TopicHooks<unknown, unknown>,
  };
}

/** What the session needs of its connection. */
export type TopicHost = ConnectionContext<unknown, Record<string, string>> &
  LayerMember & {
    sendRaw(frame: string): void;
    /** Whether completion frames are on. */
    readonly completes: boolean;
    /** A frame from a group, then its completion frame; the connection holds its own copies until its turn ends. */
    deliverCopy(frame: string, done: string | undefined): void;
    /** Sends a frame to groups, marking this connection's own copy as such. */
    broadcastFrame(groups: Iterable<string>, frame: string, excludeSelf: boolean): void;
  };

export interface TopicLogger {
  error(message: string, error?: unknown): void;
}

/** One subscription; it is also the member of the topic instance's group, so it knows which topic a delivery belongs to. */
interface Subscription extends LayerMember {
  readonly topic: string;
  readonly hosted: HostedTopic;
  readonly instance: TopicHooks<unknown, unknown>;
  readonly params: Record<string, string>;
  readonly group: string;
}

type Done = undefined | Promise<undefined>;

/** Topic instances one connection may be subscribed to at once. */
export const MAX_SUBSCRIPTIONS = 1024;

/**
 * The longest topic name a connection may subscribe to, in characters (UTF-16 code units, as
 * JavaScript counts a string's length). A subscription keeps its name (and its group's), so with
 * MAX_SUBSCRIPTIONS this bounds what one connection's names hold: without it, 1024 names of nearly
 * a frame each held gigabytes (a probe measured ~2.2 MB a subscription of 900 KB names).
 */
export const MAX_TOPIC_LENGTH = 512;

export class TopicSession {
  private readonly subscriptions = new Map<string, Subscription>();
  private ownTopic: string | undefined;
  private closed = false;

  constructor(
    readonly host: TopicHost,
    private readonly mount: TopicMount,
    readonly groups: GroupLayer,
    private readonly logger: TopicLogger,
  ) {}

  /** On a dedicated route, the route's own topic: frames that name no topic belong to it. */
  get defaultTopic(): string | undefined {
    return this.ownTopic;
  }

  /**
   * Handles one frame addressed to a topic (`message` without its envelope). Sends what it answers
   * itself, so that `subscribed` goes out before what onSubscribe pushes. Never throws. As in Chanx,
   * only `subscribe` asks whether a pattern matches; other frames need a subscription, and
   * `unsubscribe` is idempotent.
   */
  dispatch(message: Record<string, unknown>, envelope: TopicEnvelope): Done {
    const { topic, ref } = envelope;
    const action = message['action'];
    if (action === 'subscribe') return this.subscribe(topic, ref);
    if (action === 'unsubscribe') return this.unsubscribe(topic, ref);
    const sub = this.subscriptions.get(topic);
    if (sub === undefined) {
      this.host.sendRaw(topicErrorFrame('not_subscribed', topic, ref));
      return undefined;
    }
    const done = this.route(sub, message, ref);
    if (!this.host.completes) return done;
    // As Chanx's Topic.handle_json: after the reply (or error), `complete` stamped with the topic and ref.
    const complete = (): undefined => {
      this.host.sendRaw(stampFrame(COMPLETE_BODY, { topic, ref }));
      return undefined;
    };
    return done === undefined ? complete() : done.then(complete);
  }

  /**
   * On a dedicated route, at connect: subscribes to the route's own topic, the instance of `dedicated`
   * the path parameters fill in; frames that name no topic belong to it from then on. A refusal
   * closes the connection (1008).
   */
  start(dedicated: HostedTopic): Done {
    const topic = dedicated.pattern.fill(this.host.params);
    this.ownTopic = topic;
    const refused = (): undefined => {
      this.host.close(1008, 'Topic subscription refused');
      return undefined;
    };
    const params = dedicated.pattern.match(topic);
    // A path parameter with a `:` (`/ws/room/a:b`) fills in a name the pattern does not match:
    // no topic instance of it, and authorize would get no parameters.
    if (params === undefined) {
      this.host.sendRaw(topicErrorFrame('unknown_topic', topic, undefined));
      return refused();
    }
    const outcome = this.subscribeTo(dedicated, params, topic, undefined);
    if (outcome === false) return refused();
    if (outcome === true) return undefined;
    return outcome.then((ok) => (ok ? undefined : refused()));
  }

  /** The connection closed: onUnsubscribe for every subscription, then leave its group. */
  disconnect(): void {
    this.closed = true;
    for (const sub of this.subscriptions.values()) {
      this.runHook(sub, 'onUnsubscribe', new TopicCall(this, sub, undefined));
      this.groups.leave(sub.group, sub);
    }
    this.subscriptions.clear();
  }

  private find(topic: string): { hosted: HostedTopic; params: Record<string, string> } | undefined {
    for (const hosted of this.mount.topics) {
      const params = hosted.pattern.match(topic);
      if (params !== undefined) return { hosted, params };
    }
    return undefined;
  }

  private subscribe(topic: string, ref: string | undefined): Done {
    const found = this.find(topic);
    if (found === undefined) {
      this.host.sendRaw(topicErrorFrame('unknown_topic', topic, ref));
      return undefined;
    }
    if (this.subscriptions.has(topic)) {
      this.host.sendRaw(stampFrame(SUBSCRIBED, { topic, ref }));
      return undefined;
    }
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      // A client cannot grow the server's memory without bound (DESIGN §9): refused like authorize refuses.
      this.host.sendRaw(topicError('unauthorized', `Too many subscriptions on this connection (at most ${MAX_SUBSCRIPTIONS})`, { topic, ref }));
      return undefined;
    }
    const outcome = this.subscribeTo(found.hosted, found.params, topic, ref);
    return typeof outcome === 'boolean' ? undefined : outcome.then(() => undefined);
  }

  /** The name's length, authorize, join, `subscribed`, onSubscribe. Resolves whether the subscription was made. */
  private subscribeTo(hosted: HostedTopic, params: Record<string, string>, topic: string, ref: string | undefined): boolean | Promise<boolean> {
    if (topic.length > MAX_TOPIC_LENGTH) {
      // A client cannot grow the server's memory without bound (DESIGN §9): refused as authorize refuses.
      this.host.sendRaw(topicError('unauthorized', `Topic names are at most ${MAX_TOPIC_LENGTH} characters`, { topic, ref }));
      return false;
    }
    let instance: TopicHooks<unknown, unknown>;
    try {
      instance = hosted.create();
    } catch (err) {
      this.logger.error(`topic ${hosted.definition.name}: could not create its class for '${topic}': ${describe(err)}`, err);
      this.host.sendRaw(stampFrame({ action: 'error', payload: handlerFailed('subscribe').payload }, { topic, ref }));
      return false;
    }
    const host = this.host;
    const sub: Subscription = {
      topic,
      hosted,
      instance,
      params,
      group: topicGroup(hosted.definition.name, topic),
      id: host.id,
      // Everything sent to a topic's group is an event of the topic (Chanx's Topic.broadcast): its frame, then event_complete.
      deliver: (frame) => host.deliverCopy(frame, host.completes ? topicEventComplete(topic, frame) : undefined),
    };
    const decide = (allowed: unknown): boolean => {
      if (allowed !== true) {
        this.host.sendRaw(topicErrorFrame('unauthorized', topic, ref));
        return false;
      }
      if (this.closed) return false;
      this.subscriptions.set(topic, sub);
      this.groups.join(sub.group, sub);
      this.host.sendRaw(stampFrame(SUBSCRIBED, { topic, ref }));
      return true;
    };
    const refusedBy = (err: unknown): boolean => {
      this.logger.error(`topic ${hosted.definition.name}: authorize failed for '${topic}': ${describe(err)}`, err);
      return decide(false);
    };
    let allowed: unknown = true;
    try {
      if (instance.authorize !== undefined) allowed = instance.authorize(params, new TopicCall(this, sub, ref));
    } catch (err) {
      return refusedBy(err);
    }
    if (isThenable(allowed)) {
      return Promise.resolve(allowed).then(
        (value) => this.afterDecision(sub, decide(value)),
        (err: unknown) => refusedBy(err),
      );
    }
    return this.afterDecision(sub, decide(allowed));
  }

  private afterDecision(sub: Subscription, subscribed: boolean): boolean | Promise<boolean> {
    if (!subscribed) return false;
    const pending = this.runHook(sub, 'onSubscribe', new TopicCall(this, sub, undefined));
    return pending === undefined ? true : pending.then(() => true);
  }

  private unsubscribe(topic: string, ref: string | undefined): Done {
    const sub = this.subscriptions.get(topic);
    if (sub === undefined) {
      this.host.sendRaw(stampFrame(UNSUBSCRIBED, { topic, ref }));
      return undefined;
    }
    this.subscriptions.delete(topic);
    const leave = (): undefined => {
      this.groups.leave(sub.group, sub);
      this.host.sendRaw(stampFrame(UNSUBSCRIBED, { topic, ref }));
      return undefined;
    };
    const pending = this.runHook(sub, 'onUnsubscribe', new TopicCall(this, sub, undefined));
    return pending === undefined ? leave() : pending.then(leave);
  }

  /** Runs a lifecycle hook; its failure is logged, never sent. */
  private runHook(sub: Subscription, name: 'onSubscribe' | 'onUnsubscribe', ctx: TopicCall): Promise<void> | undefined {
    const hook = sub.instance[name];
    if (hook === undefined) return undefined;
    const failed = (err: unknown): void => this.logger.error(`topic ${sub.hosted.definition.name}: ${name} failed for '${sub.topic}': ${describe(err)}`, err);
    try {
      const result = hook.call(sub.instance, ctx);
      if (isThenable(result)) return Promise.resolve(result).then(() => undefined, failed);
    } catch (err) {
      failed(err);
    }
    return undefined;
  }

  private route(sub: Subscription, message: Record<string, unknown>, ref: string | undefined): Done {
    const definition = sub.hosted.definition;
    let result: unknown;
    try {
      result = definition.route(message, sub.instance, new TopicCall(this, sub, ref));
    } catch (err) {
      return this.failed(sub, message, err, ref);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (reply) => this.reply(sub, message, reply, ref),
        (err: unknown) => this.failed(sub, message, err, ref),
      );
    }
    return this.reply(sub, message, result, ref);
  }

  private reply(sub: Subscription, message: Record<string, unknown>, result: unknown, ref: string | undefined): undefined {
    if (result === undefined || result === null) return undefined;
    const body = result instanceof Rejection ? { action: 'error', payload: result.payload } : filled(sub.hosted.definition, result);
    let frame: string;
    try {
      frame = stampFrame(body, { topic: sub.topic, ref });
    } catch (err) {
      return this.failed(sub, message, err, ref);
    }
    this.host.sendRaw(frame);
    return undefined;
  }

  private failed(sub: Subscription, message: Record<string, unknown>, err: unknown, ref: string | undefined): undefined {
    const discriminator = sub.hosted.definition.discriminator;
    const tag = discriminator === null ? sub.hosted.definition.name : String(message[discriminator]);
    this.logger.error(`topic ${sub.hosted.definition.name} ('${sub.topic}'): handler for ${tag} failed: ${describe(err)}`, err);
    this.host.sendRaw(stampFrame({ action: 'error', payload: handlerFailed(tag).payload }, { topic: sub.topic, ref }));
    return undefined;
  }
}

const SUBSCRIBED = { action: 'subscribed', payload: null };
const COMPLETE_BODY = { action: 'complete', payload: null };
const EVENT_COMPLETE_BODY = { action: 'event_complete', payload: null };

/** Chanx's event_complete of a topic event: stamped with the topic and the event's `seq` (read from its frame, which stampFrame made). */
function topicEventComplete(topic: string, frame: string): string {
  let seq: unknown;
  try {
    seq = (JSON.parse(frame) as { seq?: unknown }).seq;
  } catch {
    seq = undefined;
  }
  return stampFrame(EVENT_COMPLETE_BODY, { topic, seq: typeof seq === 'number' ? seq : undefined });
}
const UNSUBSCRIBED = { action: 'unsubscribed', payload: null };

/** The context of one topic frame or hook: sends are stamped with the topic (and `ref` while replying). */
class TopicCall implements TopicContext<unknown, Record<string, string>> {
  constructor(
    private readonly session: TopicSession,
    private readonly sub: Subscription,
    readonly ref: string | undefined,
  ) {}

  get id(): string {
    return this.session.host.id;
  }
  get topic(): string {
    return this.sub.topic;
  }
  get params(): Record<string, string> {
    return this.sub.params;
  }
  get request(): IncomingMessage {
    return this.session.host.request;
  }
  get connection(): ConnectionContext<unknown, Record<string, string>> {
    return this.session.host;
  }

  send(message: unknown, options: TopicSendOptions = {}): void {
    this.session.host.sendRaw(stampFrame(filled(this.sub.hosted.definition, message), { topic: this.sub.topic, ref: this.ref, seq: options.seq }));
  }

  broadcast(message: unknown, options: TopicBroadcastOptions = {}): void {
    const frame = stampFrame(filled(this.sub.hosted.definition, message), { topic: this.sub.topic, seq: options.seq });
    this.session.host.broadcastFrame([this.sub.group], frame, options.excludeSelf === true);
  }

  publish(topic: string, message: unknown, options: TopicSendOptions = {}): void {
    const definition = this.sub.hosted.definition;
    if (this.sub.hosted.pattern.match(topic) === undefined) throw new Error(`'${topic}' is not a topic of ${definition.name} ('${definition.pattern}')`);
    this.session.host.broadcastFrame([topicGroup(definition.name, topic)], stampFrame(filled(definition, message), { topic, seq: options.seq }), false);
  }

  close(code?: number, reason?: string): void {
    this.session.host.close(code, reason);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** What a connection that hosts topics answers through; each connection's session does the work. */
export const SESSION_TOPICS: TopicRouter = {
  route: (message, envelope, _handlers, ctx) => sessionOf(ctx).dispatch(message, envelope),
  defaultTopic: (ctx) => sessionOf(ctx).defaultTopic,
};

/**
 * The session of a connection (the context generated routers receive is the Connection itself).
 * Only mount and mountTopicRoute use SESSION_TOPICS, and both give the connection its topics.
 */
function sessionOf(ctx: unknown): TopicSession {
  return (ctx as { topics: TopicSession }).topics;
}
