/**
 * Pub/sub on a Redis Cluster, sharded (Redis 7: SPUBLISH / SSUBSCRIBE): a message stays on the
 * shard that owns its channel's slot instead of crossing the whole cluster bus. ioredis's Cluster
 * routes each SPUBLISH to the slot's master and, with `shardedSubscribers`, keeps one subscriber
 * connection per master, carrying every channel of that master's slots; after a failover it
 * re-creates the subscriber for the promoted replica and subscribes its channels again.
 *
 * What the client does not promise (a publish retried after a lost answer arrives twice; a
 * retried one may arrive after newer ones) the layer handles itself: see sequence.ts.
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { reconnectDelay } from '../support/backoff.js';
import { describeError } from '../support/logger.js';
import { hostList, loadIoredis, once, type PubSub, type PubSubEvents } from './redis-pubsub.js';

/** While a node is down, how often the layer checks whether every master answers again. */
const PROBE_MS = 500;

export class ClusterPubSub implements PubSub {
  readonly where: string;
  private readonly cluster: Cluster;
  /** The channels the layer wants heard. */
  private readonly channels = new Set<string>();
  /** Those handed to ioredis, which keeps them and subscribes them again after a failover. */
  private readonly handed = new Set<string>();
  /** SSUBSCRIBEs not answered yet. */
  private readonly handing = new Set<Promise<void>>();
  private down = false;
  /** The masters of the slot map (host:port, sorted) when a connection to each was last seen open. */
  private warmFor: string | undefined;
  /** A connection to every master of the current slot map is open (checked on each refresh of the map). */
  private allWarm = false;
  private probe: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly readyOnce: Promise<void>;

  constructor(
    nodes: { host: string; port: number }[],
    settings: RedisOptions,
    clusterOptions: ClusterOptions,
    maxBackoffMs: number,
    tag: string,
    private readonly events: PubSubEvents,
  ) {
    const { Cluster } = loadIoredis();
    this.where = `Redis Cluster at ${hostList(nodes)}`;
    this.cluster = new Cluster(nodes, {
      shardedSubscribers: true,
      // Fail fast instead of queueing without bound while the cluster is away.
      enableOfflineQueue: false,
      clusterRetryStrategy: (times) => reconnectDelay(times, maxBackoffMs),
      redisOptions: { ...settings, connectionName: `chanx-${tag}` },
      ...clusterOptions,
    });
    const wentDown = (err?: Error): void => {
      if (this.closing) return;
      this.down = true;
      events.down(err);
      this.probe ??= setInterval(() => void this.checkUp(), PROBE_MS);
      this.probe.unref();
    };
    this.cluster.on('error', (err: Error) => wentDown(err));
    this.cluster.on('node error', (err: Error) => wentDown(err));
    this.cluster.on('nodeError', (err: Error) => wentDown(err));
    this.cluster.on('close', () => wentDown());
    this.cluster.on('ready', () => {
      this.handOver();
      void this.warm();
    });
    // ioredis connects to a node on its first command, and commands sent while it connects may go
    // out of order (seen on a real cluster): publish only once a connection to every master of the
    // slot map is open, and open them again after every change of the map.
    this.cluster.on('refresh', () => {
      if (this.masters() !== this.warmFor) this.allWarm = false;
      void this.warm();
    });
    this.cluster.on('subscribersReady', () => this.handOver());
    this.cluster.on('smessage', (channel: string, message: string) => events.message(channel, message));
    this.readyOnce = once(this.cluster, 'ready');
  }

  canPublish(): boolean {
    return this.allWarm && this.cluster.status === 'ready';
  }

  publish(channel: string, message: string): Promise<unknown> {
    return this.cluster.spublish(channel, message);
  }

  listen(channel: string): void {
    this.channels.add(channel);
    if (this.cluster.status === 'ready') this.hand(channel);
  }

  unlisten(channel: string): void {
    this.channels.delete(channel);
    if (this.handed.delete(channel) && this.cluster.status === 'ready') this.cluster.sunsubscribe(channel).catch(ignoreFailure);
  }

  async ready(): Promise<void> {
    await this.readyOnce;
    await this.warm();
    // Every channel asked for so far is subscribed (or was refused, and is handed over again later).
    this.handOver();
    await Promise.all(this.handing);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.probe !== undefined) clearInterval(this.probe);
    if (this.cluster.status === 'ready') await this.cluster.quit().catch(() => this.cluster.disconnect());
    else this.cluster.disconnect();
  }

  /** Hands ioredis the channels it does not hold yet (one SSUBSCRIBE each: a call may not span slots). */
  private handOver(): void {
    for (const channel of this.channels) if (!this.handed.has(channel)) this.hand(channel);
  }

  private hand(channel: string): void {
    this.handed.add(channel);
    const handing: Promise<void> = this.cluster.ssubscribe(channel).then(
      () => void this.handing.delete(handing),
      (err: unknown) => {
        this.handing.delete(handing);
        // Refused before ioredis took it (no subscriber for the slot yet): hand it over on the next ready.
        if (/No sharded subscriber|isn't ready/.test(describeError(err))) this.handed.delete(channel);
      },
    );
    this.handing.add(handing);
  }

  /** Opens (or checks) the connection to every master; true when all answer. */
  private async warm(): Promise<boolean> {
    if (this.closing || this.cluster.status !== 'ready') return false;
    const masters = this.masters();
    const answering = await Promise.all(this.cluster.nodes('master').map((node: Redis) => node.ping().then(() => keyOf(node), none)));
    // Every master the slot map names (a dead one stays there until its replica is promoted) answers.
    const warm = masters !== '' && masters.split(',').every((key) => answering.includes(key)) && masters === this.masters();
    if (warm) this.warmFor = masters;
    this.allWarm = warm || (this.allWarm && masters === this.warmFor);
    return warm;
  }

  /** The masters of the slot map, as host:port, sorted. */
  private masters(): string {
    const keys = new Set<string>();
    for (const owners of this.cluster.slots) if (owners?.[0] !== undefined) keys.add(owners[0]);
    return [...keys].sort().join(',');
  }

  /** Up again once every master of the slot map answers, after a failover or a restart. */
  private async checkUp(): Promise<void> {
    if (!this.down || this.closing || this.cluster.status !== 'ready') return;
    const masters = this.cluster.nodes('master');
    const answers = await Promise.all(
      masters.map((node: Redis) =>
        node.ping().then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!this.down || masters.length === 0 || answers.includes(false) || this.cluster.nodes('master').length !== masters.length) return;
    this.down = false;
    if (this.probe !== undefined) clearInterval(this.probe);
    this.probe = undefined;
    this.handOver();
    this.events.up();
  }
}

const keyOf = (node: Redis): string => `${node.options.host}:${node.options.port}`;
const none = (): string => '';

function ignoreFailure(): void {
  // Redone when the cluster is back (ioredis keeps the channels it took).
}
