/**
 * One accepted WebSocket: its context (send, broadcast, groups) and its lifecycle. Frames and the
 * connect/disconnect hooks run through one FrameQueue (in order, never poisoned); inbound and
 * outbound backpressure and the heartbeat are decided by their own modules.
 */
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { authenticateConnection, type Authenticate } from './auth.js';
import type { GroupLayer, LayerMember } from '../layers/layer.js';
import { handleEvent, type EventHook } from '../layers/events.js';
import { dispatchFrame, sendFrames, type DispatchOptions } from '../channel/dispatch.js';
import { FrameQueue, type QueueOwner } from '../limits/frame-queue.js';
import type { Beating } from '../limits/heartbeat.js';
import { resolveLimits, type ConnectionLimits } from '../limits/limits.js';
import { HANDLERS_BEHIND, holdReading, releaseReading, SHUTTING_DOWN } from '../limits/read-gate.js';
import { BINARY_FRAME } from '../protocol/rejections.js';
import { FrameBucket, type RateLimit } from '../limits/rate-limit.js';
import type { ChannelWatch } from '../ops/channel-watch.js';
import { Turns } from './turns.js';
import { listenTo, type SocketEvents } from './socket-events.js';
import { TopicSession, type TopicMount } from '../topics/session.js';
import type { BroadcastOptions, ChannelDefinition, ConnectionContext, Frames } from '../channel/definition.js';
import { settle } from '../support/thenable.js';
import { describeError, type RuntimeLog } from '../support/logger.js';
import { EVENT_COMPLETE, GROUP_COMPLETE } from '../channel/completion.js';

/** What the connection needs of a mounted channel; handler types are erased here. */
export interface MountedChannel {
  channel: ChannelDefinition<unknown, unknown, unknown>;
  createHandlers(): Handlers;
  /** Server-wide choices that shape the answers (completion frames). */
  dispatch?: DispatchOptions;
  /** Topics served on this channel's connections (DESIGN §10). */
  topics?: TopicMount;
  /** Metrics and logs of this channel's connections and frames (its `channel` is the one to dispatch to). */
  watch?: ChannelWatch;
}

interface Handlers {
  authenticate?: Authenticate;
  onConnect?(ctx: unknown): unknown;
  onDisconnect?(ctx: unknown): unknown;
  onEvent?: EventHook;
}

/** What the server shares with all its connections: limits, and the set of live connections. */
export interface ConnectionRuntime {
  readonly limits: ConnectionLimits;
  /** Every connection adds itself on start and removes itself once closed. */
  readonly live: Set<Connection>;
  /**
   * Closed connections whose handlers still run: shutdown waits for them (within its grace), but
   * they take no place under maxConnections. A handler that never settles would otherwise keep its
   * connection counted for good, and enough of them would refuse every client with 503.
   */
  readonly settling: Set<Connection>;
  /** Keep `ctx.request` for the connection's whole life (else it is released after onConnect). */
  readonly keepRequest?: boolean;
  /** Frames per connection (a token bucket); undefined: no limit. */
  readonly rateLimit?: RateLimit;
}

const NO_GROUPS: ReadonlySet<string> = new Set();
const DEFAULT_RUNTIME: ConnectionRuntime = { limits: resolveLimits({}), live: new Set(), settling: new Set() };

export class Connection extends Turns implements ConnectionContext<unknown, Record<string, string>>, LayerMember, QueueOwner, Beating, SocketEvents {
  private joined: Set<string> | undefined;
  /** What `authenticate` returned (undefined without one). */
  user: unknown = undefined;
  /** Set when `authenticate` refused: nothing else runs for this connection. */
  private refused = false;
  private readonly handlers: Handlers;
  /** This connection's topic subscriptions, when the channel serves topics. */
  readonly topics: TopicSession | undefined;
  protected readonly queue: FrameQueue;
  private isClosed = false;
  /** Life seen since the last heartbeat tick (a pong or a frame). */
  private alive = true;
  /** The upgrade request, until onConnect is done (unless the server keeps it). */
  private upgrade: IncomingMessage | undefined;
  private reporter: ((tag: string, err: unknown) => void) | undefined;
  private frameSender: ((frame: string) => void) | undefined;
  /** The rate limit's bucket, when there is one. */
  private readonly bucket: FrameBucket | undefined;
  /** When it opened (performance.now()), when watched. */
  private readonly since: number;

  constructor(
    ws: WebSocket,
    private readonly mounted: MountedChannel,
    readonly params: Record<string, string>,
    request: IncomingMessage,
    private readonly layer: GroupLayer,
    logger: RuntimeLog,
    private readonly runtime: ConnectionRuntime = DEFAULT_RUNTIME,
  ) {
    super(ws, mounted.watch, mounted.channel.address, runtime.limits, logger);
    this.upgrade = request;
    this.handlers = mounted.createHandlers();
    this.topics = mounted.topics === undefined ? undefined : new TopicSession(this, mounted.topics, layer, logger);
    this.queue = new FrameQueue(this);
    this.bucket = runtime.rateLimit === undefined ? undefined : new FrameBucket(runtime.rateLimit, performance.now());
    this.since = mounted.watch === undefined ? 0 : performance.now();
    mounted.watch?.opened(this.id);
    listenTo(ws, this);
    runtime.live.add(this);
    layer.attach(this);
    // Authentication is the connection's first task: onConnect and frames queue behind it.
    const authenticate = this.handlers.authenticate;
    if (authenticate !== undefined) this.queue.push(() => this.admit(authenticate));
    this.runHook('onConnect');
    // An idle connection should cost what a hand-written ws server's does: the request (headers,
    // streams) is the largest part of it, so it goes once the connection is set up.
    if (runtime.keepRequest !== true) this.queue.push(() => void (this.upgrade = undefined));
  }

  /** The upgrade request: in onConnect (and whatever runs before it), or always with `keepUpgradeRequest`. */
  get request(): IncomingMessage {
    if (this.upgrade === undefined) {
      throw new Error(
        'ctx.request is released once onConnect is done, so that idle connections stay small: read what you need ' +
          '(headers, URL) in onConnect and keep it on `this`, or create the server with { keepUpgradeRequest: true }',
      );
    }
    return this.upgrade;
  }

  get groups(): ReadonlySet<string> {
    return this.joined ?? NO_GROUPS;
  }

  send(message: unknown): void {
    const fill = this.mounted.channel.fill;
    this.sendRaw(JSON.stringify(fill === undefined ? message : fill(message)));
  }

  broadcast(message: unknown, options: BroadcastOptions = {}): void {
    const fill = this.mounted.channel.fill;
    this.broadcastFrame(options.groups ?? this.groups, JSON.stringify(fill === undefined ? message : fill(message)), options.excludeSelf === true);
  }

  /** Sends a serialised frame to groups; this connection's own copy waits for the end of the turn. */
  broadcastFrame(groups: Iterable<string>, frame: string, excludeSelf: boolean): void {
    this.broadcastOwn(this.layer, groups, frame, excludeSelf ? this.id : undefined);
  }

  /** Whether completion frames are on (Chanx's SEND_COMPLETION). */
  get completes(): boolean {
    return this.mounted.dispatch?.sendCompletion === true;
  }

  join(group: string): void {
    (this.joined ??= new Set()).add(group);
    this.layer.join(group, this);
  }

  leave(group: string): void {
    this.joined?.delete(group);
    this.layer.leave(group, this);
  }

  /** A frame from the layer; an event of this channel goes through the consumer's onEvent first, in order. */
  deliver(frame: string, eventOf?: string): void {
    if (eventOf === undefined) return this.deliverCopy(frame, this.completes ? GROUP_COMPLETE : undefined);
    if (eventOf !== this.mounted.channel.key || this.refused) return;
    const hook = this.handlers.onEvent;
    if (hook === undefined) return this.deliverCopy(frame, this.completes ? EVENT_COMPLETE : undefined);
    if (!this.queue.push(() => this.inTurn(this.handleEvent(frame, hook)), this.runtime.limits.maxQueuedFrames)) {
      this.logger.error(`${this.mounted.channel.address}: connection ${this.id} dropped an event: its queue is full`);
    }
  }

  close(code = 1000, reason = ''): void {
    this.writeOutbox();
    this.ws.close(code, reason);
  }

  /** Heartbeat tick. A connection paused because its own handlers are behind is not the peer's fault. */
  beat(): void {
    if (this.ending) return; // closing or closed (closed() sets it too)
    if (!this.alive && (this.pausedBy & HANDLERS_BEHIND) === 0) {
      this.logger.warn({ conn: this.id }, `${this.mounted.channel.address}: connection ${this.id} terminated: no pong since the last heartbeat`);
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      // The socket is going away; its close event does the rest.
    }
  }

  /** Shutdown, first step: read nothing more; what was read still runs. Resolves when it has. */
  stopReading(): Promise<void> {
    this.pausedBy = holdReading(this.ws, this.pausedBy, SHUTTING_DOWN);
    return this.queue.idle();
  }

  /**
   * Shutdown, second step (the handlers' grace is over): drop what still runs or waits, close
   * (terminated if the peer does not answer within `graceMs`), then onDisconnect.
   */
  end(code: number, reason: string, graceMs: number): Promise<void> {
    this.queue.abandon();
    if (this.isClosed) return this.queue.idle();
    return new Promise<void>((resolve) => {
      this.ws.once('close', resolve);
      this.writeOutbox();
      this.ending = true;
      this.ws.resume(); // to read the peer's close frame; data frames are ignored from now on
      this.ws.close(code, reason);
      setTimeout(() => this.ws.terminate(), graceMs).unref();
    }).then(() => this.queue.idle());
  }

  // QueueOwner: what the frame queue reports.
  fault(err: unknown): void {
    this.endTurn();
    this.logger.error(`${this.mounted.channel.address}: connection ${this.id} failed: ${describeError(err)}`, err);
  }

  backlogged(): void {
    this.pausedBy = holdReading(this.ws, this.pausedBy, HANDLERS_BEHIND);
    this.mounted.watch?.paused('handlers_behind');
  }

  caughtUp(): void {
    this.pausedBy = releaseReading(this.ws, this.pausedBy, HANDLERS_BEHIND);
  }

  /** @internal the ws 'message' listener */
  received(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.ending) return;
    // The replies to every frame of this read go out in one write (ws hands over a read's frames in one go).
    this.corkStretch();
    if (this.bucket !== undefined && this.limited(data, isBinary, this.bucket)) return;
    if (!this.queue.pushCall(this.runFrame, this, data, isBinary, this.limits.maxQueuedFrames)) this.tooManyQueued();
  }

  /** @internal the ws 'pong' listener */
  ponged(): void {
    this.alive = true;
  }

  /** @internal the ws 'error' listener: the peer broke the protocol (ws closes with 1002, 1007 or 1009). */
  failed(err: Error): void {
    this.logger.warn({ conn: this.id }, `${this.mounted.channel.address}: connection ${this.id} closed: ${err.message}`);
  }

  /** @internal the ws 'close' listener: leave every group, onDisconnect, and settle what is queued. */
  closed(code: number, reason: Buffer): void {
    this.isClosed = true;
    this.dropOutbox();
    this.mounted.watch?.closed(this.id, code, reason.toString(), performance.now() - this.since);
    this.ending = true;
    this.topics?.disconnect();
    if (this.joined !== undefined) for (const group of [...this.joined]) this.leave(group);
    this.layer.detach(this);
    this.runHook('onDisconnect');
    const { live, settling } = this.runtime;
    live.delete(this);
    settling.add(this);
    void this.queue.idle().then(() => settling.delete(this));
  }

  /** Handles one frame; returns a promise only when a handler went asynchronous. */
  protected handleFrame(data: Buffer, isBinary: boolean): Promise<void> | undefined {
    this.beginTurn();
    if (this.refused) return undefined;
    const watch = this.mounted.watch;
    if (isBinary) {
      this.sendRaw(BINARY_FRAME.frame);
      watch?.refused(this.id, 'binary', undefined);
      return undefined;
    }
    const text = data.toString();
    // Watched: the watch's channel (its router wrapped) and a record of the frame; else nothing more.
    const seen = watch?.perFrame === true ? watch.begin() : undefined;
    const outcome = dispatchFrame(text, seen === undefined ? this.mounted.channel : watch!.channel, this.handlers, this, this.report, this.mounted.dispatch);
    if (!(outcome instanceof Promise)) {
      sendFrames(outcome, this.sendFrame);
      if (seen !== undefined) watch!.end(seen, this.id, outcome, text);
      return undefined;
    }
    return outcome.then((frames) => {
      sendFrames(frames, this.sendFrame);
      if (seen !== undefined) watch!.end(seen, this.id, frames, text);
    });
  }

  /** Made on the first frame: an idle connection carries no closure for it. */
  private get report(): (tag: string, err: unknown) => void {
    return (this.reporter ??= (tag, err) => this.logger.error(`${this.mounted.channel.address}: handler for ${tag} failed: ${describeError(err)}`, err));
  }

  /** Made on the first frame, like `report`. */
  private get sendFrame(): (frame: string) => void {
    return (this.frameSender ??= (frame) => this.sendRaw(frame));
  }

  /** Runs onEvent on one event and sends what it returned. */
  private handleEvent(frame: string, hook: EventHook): Promise<void> | undefined {
    this.beginTurn();
    const out = handleEvent(frame, hook, this.handlers, this, (err) => this.report('(event)', err), this.mounted.channel.fill);
    if (!(out instanceof Promise)) return this.eventDone(out);
    return out.then((frames) => this.eventDone(frames));
  }

  /**
   * What an event produced, then `event_complete` (sent even when the hook failed or returned
   * nothing, as in Chanx). An event usually goes to many connections at once: paced like a group's copies.
   */
  private eventDone(frames: Frames): undefined {
    if (!this.pace()) return undefined;
    sendFrames(frames, this.sendFrame);
    if (this.completes) this.sendRaw(EVENT_COMPLETE);
    return undefined;
  }

  /** Runs `authenticate`; on refusal sends the authentication frame and closes. */
  private admit(authenticate: Authenticate): Promise<void> | undefined {
    const verdict = authenticateConnection(authenticate, this.handlers, this.request, this.params, (err) =>
      this.logger.error(`${this.mounted.channel.address}: authenticate failed: ${describeError(err)}`, err),
    );
    const apply = (v: Awaited<typeof verdict>): void => {
      if (v.admitted) this.user = v.user;
      else {
        this.refused = true;
        this.mounted.watch?.unauthenticated();
        this.sendRaw(v.refusal.frame);
        this.close(1000);
      }
    };
    if (verdict instanceof Promise) return verdict.then(apply);
    apply(verdict);
    return undefined;
  }

  private runHook(name: 'onConnect' | 'onDisconnect'): void {
    if (this.handlers[name] === undefined || this.refused) return;
    this.queue.push(() => this.inTurn(this.hook(name)));
  }

  private hook(name: 'onConnect' | 'onDisconnect'): Promise<void> | undefined {
    this.beginTurn();
    if (this.refused) return undefined;
    return settle(
      () => this.handlers[name]!.call(this.handlers, this),
      () => undefined,
      (err) => void this.logger.error(`${this.mounted.channel.address}: ${name} failed: ${describeError(err)}`, err),
    );
  }
}
