/**
 * One accepted WebSocket: its context (send, broadcast, groups) and the frame loop.
 * Frames are handled one at a time, in order; a handler that returns a promise holds back the
 * frames behind it, so replies keep the order of requests (as a Chanx consumer does).
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { GroupMember, GroupRegistry } from './groups.js';
import { dispatchFrame, sendFrames, type DispatchOptions } from './dispatch.js';
import { BINARY_FRAME } from './rejections.js';
import { TopicSession, type TopicMount } from './topics-session.js';
import type { BroadcastOptions, ChannelDefinition, ConnectionContext } from './types.js';

export interface Logger {
  /** `message` already says what failed and why (with the stack when there is one). */
  error(message: string, error?: unknown): void;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** What the connection needs of a mounted channel; handler types are erased here. */
export interface MountedChannel {
  channel: ChannelDefinition<unknown, unknown, unknown>;
  createHandlers(): Handlers;
  /** Server-wide choices that shape the answers (completion frames). */
  dispatch?: DispatchOptions;
  /** Topics served on this channel's connections (DESIGN §10). */
  topics?: TopicMount;
}

interface Handlers {
  onConnect?(ctx: unknown): unknown;
  onDisconnect?(ctx: unknown): unknown;
}

let nextId = 0;

export class Connection implements ConnectionContext<unknown, Record<string, string>>, GroupMember {
  readonly id = `c${(++nextId).toString(36)}`;
  readonly groups = new Set<string>();
  private readonly handlers: Handlers;
  /** This connection's topic subscriptions, when the channel serves topics. */
  readonly topics: TopicSession | undefined;
  /** The frame (or hook) being awaited, if any; frames that arrive meanwhile queue behind it. */
  private tail: Promise<void> | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly mounted: MountedChannel,
    readonly params: Record<string, string>,
    readonly request: IncomingMessage,
    private readonly registry: GroupRegistry,
    private readonly logger: Logger,
  ) {
    this.handlers = mounted.createHandlers();
    this.topics = mounted.topics === undefined ? undefined : new TopicSession(this, mounted.topics, registry, logger);
    ws.on('message', (data, isBinary) => this.enqueue(data as Buffer, isBinary));
    ws.on('error', (err) => this.logger.error(`connection ${this.id} on ${mounted.channel.address}: ${err.message}`));
    ws.once('close', () => this.closed());
    this.runHook('onConnect');
  }

  send(message: unknown): void {
    this.sendRaw(JSON.stringify(message));
  }

  sendRaw(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  broadcast(message: unknown, options: BroadcastOptions = {}): void {
    this.registry.send(options.groups ?? this.groups, JSON.stringify(message), options.excludeSelf === true ? this : undefined);
  }

  join(group: string): void {
    this.groups.add(group);
    this.registry.join(group, this);
  }

  leave(group: string): void {
    this.groups.delete(group);
    this.registry.leave(group, this);
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  private enqueue(data: Buffer, isBinary: boolean): void {
    if (this.tail !== undefined) {
      this.track(this.tail.then(() => this.handleFrame(data, isBinary)));
      return;
    }
    const pending = this.handleFrame(data, isBinary);
    if (pending !== undefined) this.track(pending);
  }

  private track(pending: Promise<void>): void {
    this.tail = pending;
    void pending.then(() => {
      if (this.tail === pending) this.tail = undefined;
    });
  }

  /** Handles one frame; returns a promise only when a handler went asynchronous. Never throws or rejects. */
  private handleFrame(data: Buffer, isBinary: boolean): Promise<void> | undefined {
    if (isBinary) {
      this.sendRaw(BINARY_FRAME.frame);
      return undefined;
    }
    const outcome = dispatchFrame(data.toString(), this.mounted.channel, this.handlers, this, this.report, this.mounted.dispatch);
    if (!(outcome instanceof Promise)) sendFrames(outcome, this.sendFrame);
    else {
      return outcome.then(
        (frames) => sendFrames(frames, this.sendFrame),
        (err: unknown) => this.report('(reply)', err),
      );
    }
    return undefined;
  }

  private readonly sendFrame = (frame: string): void => this.sendRaw(frame);

  private readonly report = (tag: string, err: unknown): void => {
    this.logger.error(`${this.mounted.channel.address}: handler for ${tag} failed: ${describeError(err)}`, err);
  };

  private runHook(name: 'onConnect' | 'onDisconnect'): void {
    const hook = this.handlers[name];
    if (hook === undefined) return;
    const run = (): Promise<void> | undefined => {
      try {
        const result = hook.call(this.handlers, this);
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          return Promise.resolve(result).then(
            () => undefined,
            (err: unknown) => this.logger.error(`${this.mounted.channel.address}: ${name} failed: ${describeError(err)}`, err),
          );
        }
      } catch (err) {
        this.logger.error(`${this.mounted.channel.address}: ${name} failed: ${describeError(err)}`, err);
      }
      return undefined;
    };
    if (this.tail !== undefined) this.track(this.tail.then(run));
    else {
      const pending = run();
      if (pending !== undefined) this.track(pending);
    }
  }

  private closed(): void {
    this.topics?.disconnect();
    for (const group of [...this.groups]) this.leave(group);
    this.runHook('onDisconnect');
  }
}
