/**
 * Pub/sub as the Redis layer needs it, whatever Redis is behind: publish a message on a channel,
 * keep hearing a set of channels through reconnects and failovers, report going down and coming
 * back. This file holds the contract and its form for one Redis, directly or through Sentinel
 * (PUBLISH / SUBSCRIBE on two connections); redis-cluster-pubsub.ts holds the cluster's
 * (SPUBLISH / SSUBSCRIBE). Nothing is queued: a publish that cannot go out now fails at once.
 */
import { createRequire } from 'node:module';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { describeError, type Logger } from '../support/logger.js';
import { corkForTick, type TickCorked } from '../support/tick-cork.js';

export interface PubSubEvents {
  message(channel: string, message: string): void;
  /** A connection was lost or refused (called again while it stays down: the layer logs once). */
  down(error?: Error): void;
  /** Every connection is up again and the channels are heard again. */
  up(): void;
}

export interface PubSub {
  /** For logs: where this layer's Redis is. */
  readonly where: string;
  /** Whether a publish can go out now (otherwise the layer counts it lost without trying). */
  canPublish(): boolean;
  publish(channel: string, message: string): Promise<unknown>;
  /** Hear `channel` from now on, and again after every reconnection or failover. */
  listen(channel: string): void;
  unlisten(channel: string): void;
  /** Resolves once publishing works and the channels asked for so far are heard. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

// ioredis is loaded when the first Redis layer is made, so servers on the in-memory layer never pay for it.
const require = createRequire(import.meta.url);
export const loadIoredis = (): { Redis: typeof Redis; Cluster: typeof Cluster } => require('ioredis') as { Redis: typeof Redis; Cluster: typeof Cluster };

export type RedisAddress = { url: string } | { sentinels: { host: string; port: number }[]; name: string; url?: string };

/** One Redis (or the master Sentinel names): a publishing connection and a subscribing one. */
export class SinglePubSub implements PubSub, TickCorked {
  readonly where: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Set<string>();
  private readonly readyOnce: Promise<void>;
  private closing = false;
  /** @internal the publisher's socket is corked until the end of this tick */
  corked = false;

  constructor(address: RedisAddress, settings: RedisOptions, tag: string, events: PubSubEvents, logger: Logger) {
    const { Redis } = loadIoredis();
    const make = (role: string): Redis => {
      const options: RedisOptions = { ...settings, connectionName: `chanx-${role}-${tag}` };
      if ('sentinels' in address) {
        // Ask the sentinels for the master on every (re)connection, and drop the connection as soon
        // as they announce a new one (+switch-master), so a failover is followed, not waited out.
        const sentinel: RedisOptions = { sentinels: address.sentinels, name: address.name, failoverDetector: true, ...options };
        return address.url === undefined ? new Redis(sentinel) : new Redis(address.url, sentinel);
      }
      return new Redis(address.url, options);
    };
    this.where = 'sentinels' in address ? `Redis Sentinel ${address.name} at ${hostList(address.sentinels)}` : `Redis at ${hideSecret(address.url)}`;
    this.publisher = make('pub');
    this.subscriber = make('sub');
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (err: Error) => events.down(err));
      client.on('close', () => events.down());
      restartWhenGivenUp(client, () => this.closing);
    }
    const up = (): void => {
      if (this.publisher.status === 'ready' && this.subscriber.status === 'ready') events.up();
    };
    this.publisher.on('ready', up);
    this.subscriber.on('ready', () => {
      // Subscriptions do not survive a new connection (autoResubscribe is off: the set is ours).
      if (this.channels.size > 0)
        this.subscriber.subscribe(...this.channels).catch((err: unknown) => logger.error(`redis layer: could not subscribe: ${describeError(err)}`, err));
      up();
    });
    this.subscriber.on('message', (channel: string, message: string) => events.message(channel, message));
    this.readyOnce = Promise.all([once(this.publisher, 'ready'), once(this.subscriber, 'ready')]).then(() => undefined);
  }

  canPublish(): boolean {
    return this.publisher.status === 'ready';
  }

  publish(channel: string, message: string): Promise<unknown> {
    // The publishes of one tick leave in one write (the copies of a burst of broadcasts).
    const stream = this.publisher.stream;
    if (stream !== undefined) corkForTick(this, stream);
    return this.publisher.publish(channel, message);
  }

  listen(channel: string): void {
    this.channels.add(channel);
    if (this.subscriber.status === 'ready') this.subscriber.subscribe(channel).catch(ignore);
  }

  unlisten(channel: string): void {
    this.channels.delete(channel);
    if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(channel).catch(ignore);
  }

  ready(): Promise<void> {
    return this.readyOnce;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [this.publisher, this.subscriber].map(async (client) => {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
  }
}

/**
 * ioredis gives a client up for good (status `end`, no more reconnecting) when its connector fails
 * outright instead of failing one attempt. Through Sentinel that happens in a failover: the failover
 * detector of the connection that was lost hears +switch-master while the client is already asking
 * the sentinels for the new master, and cuts that lookup short ("Connection is closed."). A client
 * that ends without our close is started again after the reconnect backoff, for as long as the retry
 * strategy says to retry.
 */
export function restartWhenGivenUp(client: Redis, closing: () => boolean): void {
  let attempts = 0;
  client.on('ready', () => {
    attempts = 0;
  });
  client.on('end', () => {
    if (closing()) return;
    // The client's own retry strategy (ioredis's default, ours, or a user's through redisOptions),
    // obeyed when it says stop.
    const delay = client.options.retryStrategy?.(++attempts);
    if (typeof delay !== 'number') return;
    const timer = setTimeout(() => {
      if (!closing() && client.status === 'end') client.connect().catch(ignore);
    }, delay);
    timer.unref();
  });
}

export function hostList(hosts: readonly { host: string; port: number }[]): string {
  return hosts.map((h) => `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`).join(',');
}

function hideSecret(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export function ignore(): void {
  // A (un)subscription that fails for want of a connection is redone when the connection is back.
}

export function once(client: { once(event: string, listener: () => void): unknown }, event: string): Promise<void> {
  return new Promise((resolve) => client.once(event, () => resolve()));
}
