/**
 * Which Redis the layer talks to, and the pub/sub that fits it: a cluster (sharded pub/sub) when
 * cluster nodes are given, a master found through Sentinel when sentinels are, else one Redis at a
 * URL. Lists of hosts come as `host:port,host:port` (as in REDIS_CLUSTER_NODES and REDIS_SENTINELS)
 * or as objects.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { Logger } from '../support/logger.js';
import { ClusterPubSub } from './redis-cluster-pubsub.js';
import { SinglePubSub, type PubSub, type PubSubEvents } from './redis-pubsub.js';

export type HostList = string | readonly { host: string; port: number }[];

export interface RedisTarget {
  url?: string;
  sentinels?: HostList;
  sentinelName?: string;
  clusterNodes?: HostList;
}

export interface PubSubSettings {
  /** ioredis options of every connection. */
  redis: RedisOptions;
  /** ioredis Cluster options (cluster only). */
  cluster: ClusterOptions;
  maxBackoffMs: number;
  /** Names this process's connections (CLIENT LIST). */
  tag: string;
}

export function isCluster(target: RedisTarget): boolean {
  return target.clusterNodes !== undefined && hosts(target.clusterNodes, 'cluster nodes').length > 0;
}

export function openPubSub(target: RedisTarget, settings: PubSubSettings, events: PubSubEvents, logger: Logger): PubSub {
  if (target.clusterNodes !== undefined && target.sentinels !== undefined) throw new Error('redis layer: give cluster nodes or sentinels, not both');
  if (isCluster(target)) {
    return new ClusterPubSub(hosts(target.clusterNodes!, 'cluster nodes'), settings.redis, settings.cluster, settings.maxBackoffMs, settings.tag, events);
  }
  if (target.sentinels !== undefined) {
    const name = target.sentinelName;
    if (name === undefined || name === '') throw new Error("redis layer: sentinels need the master's name (sentinelName, REDIS_SENTINEL_NAME)");
    const address = { sentinels: hosts(target.sentinels, 'sentinels'), name, ...(target.url === undefined ? {} : { url: target.url }) };
    return new SinglePubSub(address, settings.redis, settings.tag, events, logger);
  }
  return new SinglePubSub({ url: target.url ?? 'redis://127.0.0.1:6379' }, settings.redis, settings.tag, events, logger);
}

/** `host:port,host:port` ([v6]:port too) or objects, checked: a located error for a bad entry. */
export function hosts(list: HostList, what: string): { host: string; port: number }[] {
  if (typeof list !== 'string') return list.map((h) => ({ host: h.host, port: h.port }));
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(entry);
      const port = m === null ? Number.NaN : Number(m[3]);
      if (m === null || port < 1 || port > 65535) throw new Error(`redis layer: ${what}: ${JSON.stringify(entry)} is not host:port`);
      return { host: m[1] ?? m[2]!, port };
    });
}
