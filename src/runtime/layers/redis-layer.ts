/**
 * The Redis group layer (DESIGN §9): the same operations as the in-memory layer, carried across
 * processes and machines by Redis pub/sub, as Django Channels' Redis layer does for Chanx; on one
 * Redis, on the master Sentinel names, or on a Redis Cluster with sharded pub/sub (redis-target.ts).
 *
 * - Local members get a frame at once, straight from memory (local traffic needs no Redis); other
 *   processes get it through one publish per group of one payload built once per send.
 * - A process listens only to the groups its connections are in (redis-channels.ts names them),
 *   plus its own inbox for frames sent to one connection by id.
 * - Order and at most once: every message is stamped per sender and channel, and a receiver drops
 *   a duplicate or an older one and counts the ones it never got (sequence.ts), whatever the
 *   client library retried. Nothing is stored: there is no replay.
 * - Redis down: nothing is queued (the clients' offline queues are off, publishes in flight are
 *   capped); every send is delivered locally, and what could not be published is counted and
 *   logged as lost. The clients reconnect with capped exponential backoff (following a Sentinel or
 *   cluster failover) and every group with local members is heard again.
 */
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import { reconnectDelay } from '../support/backoff.js';
import { guardLogger, type Logger } from '../support/logger.js';
import type { GroupLayer, LayerMember, LayerObserver } from './layer.js';
import { LayerObservers } from './observers.js';
import { MemoryLayer } from './memory-layer.js';
import { PROCESS_TAG, processTagOf } from './member-id.js';
import { channelNames, type ChannelNames } from './redis-channels.js';
import { messageBody, readBody, readStamp } from './redis-message.js';
import type { PubSub } from './redis-pubsub.js';
import { isCluster, openPubSub, type HostList } from './redis-target.js';
import { ReceiveOrder, SendSequence } from './sequence.js';

export interface RedisLayerOptions {
  /**
   * redis://[user:password@]host:port[/db]; default redis://127.0.0.1:6379. With sentinels, only
   * its password and db are used (the host is the master the sentinels name).
   */
  url?: string;
  /** Sentinel: the sentinels (`host:port,host:port` or objects); needs sentinelName. */
  sentinels?: HostList;
  /** Sentinel: the name of the master the sentinels watch. */
  sentinelName?: string;
  /** Redis Cluster: some of its nodes (`host:port,...` or objects); messages go by sharded pub/sub. */
  clusterNodes?: HostList;
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
   * ioredis options for every connection (after the layer's own settings, so they win). Typed
   * loosely so that code which compiles against chanx-gen/runtime never has to load ioredis's types.
   */
  redisOptions?: Record<string, unknown>;
  /** ioredis Cluster options (cluster only), after the layer's own. */
  clusterOptions?: Record<string, unknown>;
}

/** What went through the layer since it was made; each message on one channel counts once. */
export interface RedisLayerStats {
  /** Messages Redis accepted. */
  published: number;
  /** Messages that could not be published (Redis down, refused, too many in flight): delivered here only. */
  lost: number;
  /** Messages from other processes delivered here. */
  received: number;
  /** Messages of other processes this one never got though it listened (an outage, a failover). */
  missed: number;
  /** Duplicates and late arrivals dropped, to keep at most once and each sender's order. */
  dropped: number;
}

/** While Redis stays down, a summary of lost broadcasts is logged this often. */
const LOSS_REPORT_MS = 5000;

export class RedisLayer implements GroupLayer {
  private readonly local = new MemoryLayer();
  private readonly names: ChannelNames;
  private readonly inbox: string;
  /** Marks this layer's own messages, which it has already delivered locally. */
  private readonly origin = randomBytes(6).toString('base64url'); // ORIGIN_LENGTH characters
  private readonly logger: Logger;
  private readonly pubsub: PubSub;
  private readonly sequence = new SendSequence();
  private readonly order = new ReceiveOrder();
  private readonly counts: RedisLayerStats = { published: 0, lost: 0, received: 0, missed: 0, dropped: 0 };
  private lost = 0;
  private inFlight = 0;
  private readonly maxInFlight: number;
  private lostReported = 0;
  private missedReported = 0;
  private missTimer: NodeJS.Timeout | undefined;
  private down = false;
  private lossTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly observers = new LayerObservers();
  /** Whether Redis is reachable and this process listens (what observers were last told). */
  private linked = false;

  constructor(options: RedisLayerOptions = {}) {
    const prefix = options.prefix ?? 'chanx:';
    this.names = channelNames(prefix, isCluster(options));
    this.inbox = this.names.inbox(PROCESS_TAG);
    this.logger = guardLogger(options.logger ?? { error: (message) => console.error(message) });
    const maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.maxInFlight = options.maxInFlight ?? 10_000;
    const redis: RedisOptions = {
      // Fail fast instead of queueing without bound while Redis is away; we count what is lost.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      retryStrategy: (times) => reconnectDelay(times, maxBackoffMs),
      ...options.redisOptions,
    };
    const events = {
      message: (channel: string, message: string) => this.received(channel, message),
      down: (err?: Error) => this.wentDown(err),
      up: () => this.cameBack(),
    };
    this.pubsub = openPubSub(options, { redis, cluster: options.clusterOptions ?? {}, maxBackoffMs, tag: PROCESS_TAG }, events, this.logger);
    this.pubsub.listen(this.inbox);
    // The first time Redis is reachable (a cluster says `up` only after it was down).
    this.pubsub.ready().then(
      () => {
        if (!this.down) this.setLinked(true);
      },
      () => undefined,
    );
  }

  /** Resolves once Redis is reachable and this process listens (the layer works before that, locally). */
  ready(): Promise<void> {
    return this.pubsub.ready();
  }

  /** Where Redis is, for logs: `Redis at <url>`, `Redis Sentinel <name> at <sentinels>` or `Redis Cluster at <nodes>`. */
  get where(): string {
    return this.pubsub.where;
  }

  /** Counters since the layer was made (lost and missed are also logged as they happen). */
  stats(): RedisLayerStats {
    return { ...this.counts };
  }

  observe(observer: LayerObserver): void {
    this.observers.add(observer, this.linked);
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
    if (before === 0) this.pubsub.listen(this.names.group(group));
  }

  leave(group: string, member: LayerMember): void {
    const before = this.local.size(group);
    this.local.leave(group, member);
    if (before > 0 && this.local.size(group) === 0) {
      const channel = this.names.group(group);
      this.pubsub.unlisten(channel);
      this.order.forget(channel);
    }
  }

  sendToGroups(groups: Iterable<string>, frame: string, excludeMemberId?: string, eventOf?: string): void {
    const list = Array.isArray(groups) ? (groups as readonly string[]) : [...groups];
    if (list.length === 0) return;
    this.local.sendToGroups(list, frame, excludeMemberId, eventOf);
    if (!this.pubsub.canPublish() || this.inFlight + list.length > this.maxInFlight) {
      // Stamped all the same, so that a receiver counts the gap as missed: what one process did not get, whatever the cause.
      for (const group of list) this.sequence.next(this.names.group(group));
      return this.loseOne(list.length);
    }
    // One body for every group (the groups ride along for de-duplication on the receiving side).
    const body = messageBody(frame, excludeMemberId, eventOf, list.length > 1 ? list : 0);
    for (const group of list) this.publish(this.names.group(group), body);
  }

  sendToMember(id: string, frame: string, eventOf?: string): void {
    if (this.local.hasMember(id)) return this.local.sendToMember(id, frame, eventOf);
    const tag = processTagOf(id);
    if (tag === undefined) return;
    const inbox = this.names.inbox(tag);
    if (!this.pubsub.canPublish() || this.inFlight >= this.maxInFlight) {
      this.sequence.next(inbox);
      return this.loseOne(1);
    }
    this.publish(inbox, messageBody(frame, id, eventOf, 0));
  }

  size(group: string): number {
    return this.local.size(group);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.lossTimer !== undefined) clearInterval(this.lossTimer);
    if (this.missTimer !== undefined) clearInterval(this.missTimer);
    await this.pubsub.close();
  }

  private publish(channel: string, body: string): void {
    this.inFlight++;
    this.pubsub.publish(channel, `${this.origin}${this.sequence.next(channel)} ${body}`).then(this.published, this.publishFailed);
  }

  private received(channel: string, message: string): void {
    if (message.startsWith(this.origin)) return; // delivered locally when it was sent
    const stamp = readStamp(message);
    if (stamp === undefined) return; // another Redis client's message on the same channel
    const group = channel === this.inbox ? undefined : this.names.groupOf(channel);
    if (channel !== this.inbox && group === undefined) return;
    const body = readBody(message, stamp.body);
    if (body === undefined) return;
    const verdict = this.order.judge(channel, stamp.origin, stamp.epoch, stamp.n);
    if (!verdict.take) {
      this.counts.dropped++;
      return;
    }
    if (verdict.missed > 0) this.noteMissed(verdict.missed);
    this.counts.received++;
    this.observers.tell('delivered');
    // On the inbox the header's id is the member it is for. An id of '' (nobody left out) is no member's.
    if (group === undefined) return this.local.sendToMember(body.id, body.frame, body.eventOf);
    // Sent to several groups: a member of more than one gets it through the first of them only.
    const earlier = body.groups === 0 ? undefined : body.groups.slice(0, body.groups.indexOf(group));
    this.local.deliverToGroup(group, body.frame, body.id, body.eventOf, earlier);
  }

  private readonly published = (): void => {
    this.inFlight--;
    this.counts.published++;
    this.observers.tell('published');
  };

  private readonly publishFailed = (): void => {
    this.inFlight--;
    this.loseOne(1);
  };

  private loseOne(count: number): void {
    this.counts.lost += count;
    this.lost++;
    for (let i = 0; i < count; i++) this.observers.tell('lost');
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

  /** Gaps in other processes' stamps: said at once, then summed up every 5 s while more come. */
  private noteMissed(count: number): void {
    this.counts.missed += count;
    if (this.missTimer !== undefined) return;
    this.logger.error(`redis layer: ${count} message(s) from another process never arrived here (lost in an outage or a failover)`);
    this.missedReported = this.counts.missed;
    this.missTimer = setInterval(() => {
      const more = this.counts.missed - this.missedReported;
      this.missedReported = this.counts.missed;
      if (more > 0) this.logger.error(`redis layer: ${more} more message(s) from other processes never arrived here`);
      else {
        clearInterval(this.missTimer);
        this.missTimer = undefined;
      }
    }, LOSS_REPORT_MS);
    this.missTimer.unref();
  }

  private wentDown(err?: Error): void {
    if (this.closing || this.down) return;
    this.down = true;
    this.setLinked(false);
    this.logger.error(
      `redis layer: lost the connection to Redis${err === undefined ? '' : ` (${err.message})`}; reconnecting with backoff, local delivery goes on`,
    );
  }

  /** Every connection is up again: report what was lost meanwhile. */
  private cameBack(): void {
    if (this.lossTimer !== undefined) {
      clearInterval(this.lossTimer);
      this.lossTimer = undefined;
    }
    const total = this.lost;
    this.setLinked(true);
    if (this.down) this.logger.error(`redis layer: reconnected to Redis${total > 0 ? `; ${total} broadcast(s) were lost for other processes meanwhile` : ''}`);
    this.down = false;
    this.lost = 0;
    this.lostReported = 0;
  }

  private setLinked(up: boolean): void {
    if (this.linked === up) return;
    this.linked = up;
    this.observers.link(up);
  }
}
