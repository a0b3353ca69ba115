/**
 * The Redis group layer (DESIGN §9): the same operations as the in-memory layer, carried across
 * processes and machines by Redis pub/sub, as Django Channels' Redis layer does for Chanx.
 *
 * - Local members get a frame at once, straight from memory (local traffic needs no Redis); other
 *   processes get it through one PUBLISH per group of one payload built once per send.
 * - A process subscribes only to the groups its connections are in (`<prefix>g:<group>`), plus
 *   its own inbox (`<prefix>m:<process tag>`) for frames sent to one connection by id.
 * - Order: Redis keeps the order of one publisher's messages per channel, so members see the
 *   frames of one sender to one group in order. Nothing is stored: there is no replay.
 * - Redis down: nothing is queued (the client's offline queue is off); every send is delivered
 *   locally, and what could not be published is counted and logged as lost. The clients reconnect
 *   with capped exponential backoff and every group with local members is subscribed again.
 */
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import { reconnectDelay } from '../support/backoff.js';
import { describeError, type Logger } from '../support/logger.js';
import type { GroupLayer, LayerMember } from './layer.js';
import { MemoryLayer } from './memory-layer.js';
import { PROCESS_TAG, processTagOf } from './member-id.js';
import { randomBytes } from 'node:crypto';

export interface RedisLayerOptions {
  /** redis://[user:password@]host:port[/db]; default redis://127.0.0.1:6379. */
  url?: string;
  /** Namespace of every Redis channel this layer uses, so apps can share one Redis. Default 'chanx:'. */
  prefix?: string;
  /** Where outages and lost broadcasts are reported. Default: console. */
  logger?: Logger;
  /** Longest wait between reconnection attempts, in ms, before ±25% jitter. Default 2000. */
  maxBackoffMs?: number;
  /**
   * Most publishes awaiting Redis's answer; beyond it (Redis stalled but still connected) sends are
   * delivered locally and counted as lost rather than queued. Default 10,000.
   */
  maxInFlight?: number;
  /**
   * ioredis options for both clients (after the layer's own settings, so they win). Typed loosely
   * so that code which compiles against chanx-gen/runtime never has to load ioredis's types.
   */
  redisOptions?: Record<string, unknown>;
}

// ioredis is loaded when the first RedisLayer is made, so servers on the in-memory layer never pay for it.
const require = createRequire(import.meta.url);
const loadRedis = (): typeof Redis => (require('ioredis') as { Redis: typeof Redis }).Redis;

const ORIGIN_LENGTH = 8;
const PLAIN = '0';
const HEADED = '1';

/** While Redis stays down, a summary of lost broadcasts is logged this often. */
const LOSS_REPORT_MS = 5000;

export class RedisLayer implements GroupLayer {
  private readonly local = new MemoryLayer();
  private readonly prefix: string;
  private readonly groupPrefix: string;
  private readonly inbox: string;
  /** Marks this layer's own messages, which it has already delivered locally. */
  private readonly origin = randomBytes(6).toString('base64url'); // ORIGIN_LENGTH characters
  private readonly logger: Logger;
  /** Commands (PUBLISH). */
  private readonly publisher: Redis;
  /** Subscriber mode: SUBSCRIBE / UNSUBSCRIBE and incoming messages. */
  private readonly subscriber: Redis;
  private lost = 0;
  private inFlight = 0;
  private readonly maxInFlight: number;
  private lostReported = 0;
  private down = false;
  private lossTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly readyOnce: Promise<void>;

  constructor(options: RedisLayerOptions = {}) {
    this.prefix = options.prefix ?? 'chanx:';
    this.groupPrefix = `${this.prefix}g:`;
    this.inbox = `${this.prefix}m:${PROCESS_TAG}`;
    this.logger = options.logger ?? { error: (message) => console.error(message) };
    const maxBackoff = options.maxBackoffMs ?? 2000;
    this.maxInFlight = options.maxInFlight ?? 10_000;
    const settings: RedisOptions = {
      // Fail fast instead of queueing without bound while Redis is away; we count what is lost.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      retryStrategy: (times) => reconnectDelay(times, maxBackoff),
      ...options.redisOptions,
    };
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const Redis = loadRedis();
    this.publisher = new Redis(url, { ...settings, connectionName: `chanx-pub-${PROCESS_TAG}` });
    this.subscriber = new Redis(url, { ...settings, connectionName: `chanx-sub-${PROCESS_TAG}` });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (err: Error) => this.wentDown(err));
      client.on('close', () => this.wentDown());
    }
    this.publisher.on('ready', () => this.cameBack());
    this.subscriber.on('ready', () => {
      this.resubscribe();
      this.cameBack();
    });
    this.subscriber.on('message', (channel: string, message: string) => this.received(channel, message));
    this.readyOnce = Promise.all([once(this.publisher, 'ready'), once(this.subscriber, 'ready')]).then(() => undefined);
  }

  /** Resolves once both connections to Redis are up (the layer works before that, locally). */
  ready(): Promise<void> {
    return this.readyOnce;
  }

  attach(member: LayerMember): void {
    this.local.attach(member);
  }

  detach(member: LayerMember): void {
    this.local.detach(member);
  }

  join(group: string, member: LayerMember): void {
    const before = this.local.size(group);
    this.local.join(group, member);
    if (before === 0 && this.subscriber.status === 'ready') this.subscriber.subscribe(this.groupPrefix + group).catch(ignore);
  }

  leave(group: string, member: LayerMember): void {
    const before = this.local.size(group);
    this.local.leave(group, member);
    if (before > 0 && this.local.size(group) === 0 && this.subscriber.status === 'ready') this.subscriber.unsubscribe(this.groupPrefix + group).catch(ignore);
  }

  sendToGroups(groups: Iterable<string>, frame: string, excludeMemberId?: string, eventOf?: string): void {
    const list = Array.isArray(groups) ? (groups as readonly string[]) : [...groups];
    if (list.length === 0) return;
    this.local.sendToGroups(list, frame, excludeMemberId, eventOf);
    if (this.publisher.status !== 'ready' || this.inFlight >= this.maxInFlight) return this.loseOne();
    // One payload for every group: who sent it, then either PLAIN and the frame (the commonest
    // send: one group, nobody left out, not an event) or a JSON header (whom to leave out, the
    // event's channel, the groups, for de-duplication on the receiving side), a newline and the
    // frame. The frame is passed on exactly as the sender serialised it.
    const payload =
      excludeMemberId === undefined && eventOf === undefined && list.length === 1
        ? this.origin + PLAIN + frame
        : `${this.origin}${HEADED}${JSON.stringify([excludeMemberId ?? '', eventOf ?? '', list.length > 1 ? list : 0])}\n${frame}`;
    for (const group of list) {
      this.inFlight++;
      this.publisher.publish(this.groupPrefix + group, payload).then(this.published, this.publishFailed);
    }
  }

  sendToMember(id: string, frame: string, eventOf?: string): void {
    if (this.local.hasMember(id)) return this.local.sendToMember(id, frame, eventOf);
    const tag = processTagOf(id);
    if (tag === undefined) return;
    if (this.publisher.status !== 'ready' || this.inFlight >= this.maxInFlight) return this.loseOne();
    const payload = `${this.origin}${HEADED}${JSON.stringify([id, eventOf ?? '', 0])}\n${frame}`;
    this.inFlight++;
    this.publisher.publish(`${this.prefix}m:${tag}`, payload).then(this.published, this.publishFailed);
  }

  size(group: string): number {
    return this.local.size(group);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.lossTimer !== undefined) clearInterval(this.lossTimer);
    await Promise.all(
      [this.publisher, this.subscriber].map(async (client) => {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
  }

  private received(channel: string, message: string): void {
    if (message.startsWith(this.origin)) return; // delivered locally when it was sent
    // The subscriber hears only its inbox and its groups' channels. An id of '' (nobody left out) is no member's.
    if (channel === this.inbox) {
      const headed = readHeaded(message);
      if (headed !== undefined) this.local.sendToMember(headed.id, headed.frame, headed.eventOf);
      return;
    }
    const group = channel.slice(this.groupPrefix.length);
    if (message[ORIGIN_LENGTH] === PLAIN) {
      this.local.deliverToGroup(group, message.slice(ORIGIN_LENGTH + 1));
      return;
    }
    const headed = readHeaded(message);
    if (headed === undefined) return;
    // Sent to several groups: a member of more than one gets it through the first of them only.
    const earlier = headed.groups === 0 ? undefined : headed.groups.slice(0, headed.groups.indexOf(group));
    this.local.deliverToGroup(group, headed.frame, headed.id, headed.eventOf, earlier);
  }

  private resubscribe(): void {
    const channels = [this.inbox, ...[...this.local.groupNames()].map((g) => this.groupPrefix + g)];
    this.subscriber.subscribe(...channels).catch((err: unknown) => this.logger.error(`redis layer: could not subscribe: ${describeError(err)}`, err));
  }

  private readonly published = (): void => {
    this.inFlight--;
  };

  private readonly publishFailed = (): void => {
    this.inFlight--;
    this.loseOne();
  };

  private loseOne(): void {
    this.lost++;
    // No timer: the first loss since Redis went away (the timer starts here and stops when Redis is back).
    if (this.lossTimer === undefined) {
      this.logger.error('redis layer: Redis is unavailable; a broadcast was delivered in this process only and lost for other processes');
      this.lostReported = this.lost;
      this.lossTimer = setInterval(() => this.reportLoss(), LOSS_REPORT_MS);
      this.lossTimer.unref();
    }
  }

  private reportLoss(): void {
    const count = this.lost - this.lostReported;
    if (count > 0) this.logger.error(`redis layer: ${count} more broadcast(s) lost for other processes while Redis is unavailable`);
    this.lostReported = this.lost;
  }

  private wentDown(err?: Error): void {
    if (this.closing || this.down) return;
    this.down = true;
    this.logger.error(
      `redis layer: lost the connection to Redis${err === undefined ? '' : ` (${err.message})`}; reconnecting with backoff, local delivery goes on`,
    );
  }

  /** Both connections are up again: report what was lost meanwhile. */
  private cameBack(): void {
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    if (this.lossTimer !== undefined) {
      clearInterval(this.lossTimer);
      this.lossTimer = undefined;
    }
    const total = this.lost;
    if (this.down) this.logger.error(`redis layer: reconnected to Redis${total > 0 ? `; ${total} broadcast(s) were lost for other processes meanwhile` : ''}`);
    this.down = false;
    this.lost = 0;
    this.lostReported = 0;
  }
}

interface Headed {
  id: string;
  eventOf: string | undefined;
  groups: readonly string[] | 0;
  frame: string;
}

/**
 * A headed message's parts: origin, HEADED, the JSON header [id left out or '', the event's channel
 * or '', the groups or 0], a newline, the frame. Undefined for anything else, such as another
 * Redis client's message on the same channel.
 */
function readHeaded(message: string): Headed | undefined {
  const newline = message.indexOf('\n');
  if (newline < 0 || message[ORIGIN_LENGTH] !== HEADED) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(message.slice(ORIGIN_LENGTH + 1, newline));
  } catch {
    return undefined;
  }
  // Valid JSON of another shape would make the reading below throw inside ioredis's socket handler.
  if (!Array.isArray(header)) return undefined;
  // An id that is not a string is no member's, so it needs no check.
  const [id, eventOf, groups] = header as [string, unknown, unknown];
  if (typeof eventOf !== 'string' || (groups !== 0 && !Array.isArray(groups))) return undefined;
  return { id, eventOf: eventOf === '' ? undefined : eventOf, groups: groups as readonly string[] | 0, frame: message.slice(newline + 1) };
}

function ignore(): void {
  // A (un)subscription that fails for want of a connection is redone on the next 'ready'.
}

function once(client: Redis, event: string): Promise<void> {
  return new Promise((resolve) => client.once(event, () => resolve()));
}
