/**
 * A real Redis Cluster for a test: six Debian redis-servers on free loopback ports (cluster-enabled,
 * a short node timeout so that a failover takes a second or two), joined by `redis-cli --cluster
 * create --cluster-replicas 1` into three masters with a replica each. A master can be SIGKILLed
 * (its replica takes over) and started again (it comes back as a replica); everything is removed
 * by stop(). Start one per test file: it takes a few seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { killChild, launchRedis, serverArgs } from './redis-server.js';
import { createServer } from 'node:net';

export interface ClusterNode {
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The slot ranges it serves, as [first, last] (masters only). */
  readonly slots: readonly (readonly [number, number])[];
  readonly failed: boolean;
}

export interface RedisCluster {
  readonly ports: readonly number[];
  /** REDIS_CLUSTER_NODES: every node as host:port, comma-separated. */
  readonly nodes: string;
  /** The cluster as a live node sees it now. */
  topology(): Promise<ClusterNode[]>;
  /** The port of the live master that serves `slot`. */
  masterOf(slot: number): Promise<number>;
  /** The hash slot of a key or channel name (CLUSTER KEYSLOT). */
  slotOf(name: string): Promise<number>;
  /** How many connections hear `channel` by SSUBSCRIBE on the master of its slot (PUBSUB SHARDNUMSUB). */
  shardSubscribers(channel: string): Promise<number>;
  /** SIGKILL: the node vanishes as in a crash. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again with its own nodes.conf: it rejoins (a former master as a replica). */
  restart(port: number): Promise<void>;
  /** Resolves once every live node says cluster_state:ok and every slot has a live master. */
  healthy(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

const SIZE = 6;

export async function startCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chanx-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < SIZE; i++) ports.push(await freePortPair(ports));
  const args = (port: number): string[] => [
    ...serverArgs(port),
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    '1000',
    // A replica may always take over, however long it was cut off (a test kills and restarts freely).
    '--cluster-replica-validity-factor',
    '0',
    '--dir',
    dir,
  ];
  const children = new Map<number, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => killChild(child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map(async (port) => children.set(port, await launchRedis(port, args(port), dir))));
    await create(ports);
  } catch (err) {
    await stop();
    throw err;
  }
  const live = (): number[] => ports.filter((port) => children.get(port)?.exitCode === null && children.get(port)?.signalCode === null);
  const topology = async (): Promise<ClusterNode[]> => {
    let last: unknown;
    for (const port of live()) {
      try {
        return parseNodes(await ask(port, ['CLUSTER', 'NODES']));
      } catch (err) {
        last = err;
      }
    }
    throw new Error(`no live node answered CLUSTER NODES: ${String(last)}`);
  };
  const cluster: RedisCluster = {
    ports,
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    topology,
    async masterOf(slot) {
      const owner = (await topology()).find(
        (n) => n.role === 'master' && !n.failed && live().includes(n.port) && n.slots.some(([a, b]) => slot >= a && slot <= b),
      );
      if (owner === undefined) throw new Error(`no live master serves slot ${slot}`);
      return owner.port;
    },
    async slotOf(name) {
      return Number(await askAny(live(), ['CLUSTER', 'KEYSLOT', name]));
    },
    async shardSubscribers(channel) {
      const master = await cluster.masterOf(await cluster.slotOf(channel));
      const reply = await ask(master, ['PUBSUB', 'SHARDNUMSUB', channel]);
      return Number(reply.split(',')[1]);
    },
    async kill(port) {
      const child = children.get(port);
      if (child !== undefined) await killChild(child, 'SIGKILL');
    },
    async restart(port) {
      children.set(port, await launchRedis(port, args(port), dir));
    },
    async healthy(ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const ok = await Promise.all(
          live().map((port) =>
            ask(port, ['CLUSTER', 'INFO']).then(
              (info) => info.includes('cluster_state:ok'),
              () => false,
            ),
          ),
        );
        const nodes = ok.every(Boolean) ? await topology().catch(() => []) : [];
        const covered = coversEverySlot(nodes, live()) && rolesSettled(nodes, live());
        if (covered) return;
        if (Date.now() > deadline) throw new Error(`the cluster is not healthy after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop,
  };
  await cluster.healthy();
  return cluster;
}

/** A port whose cluster bus port (port + 10000) is free too, and not one of `taken`. */
async function freePortPair(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.includes(port)) continue;
    if ((await free(port)) && (await free(port + 10_000))) return port;
  }
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function create(ports: number[]): Promise<void> {
  const cli = spawn('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  cli.stdout!.on('data', (d) => (out += d));
  cli.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    cli.once('error', (err) => reject(new Error(`cannot run redis-cli (${err.message}); install Debian's redis-tools`)));
    cli.once('exit', resolve);
  });
  if (code !== 0 || !out.includes('[OK] All 16384 slots covered')) throw new Error(`redis-cli --cluster create failed (${code}): ${out}`);
}

async function askAny(ports: readonly number[], command: string[]): Promise<string> {
  let last: unknown;
  for (const port of ports) {
    try {
      return await ask(port, command);
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`no live node answered ${command.join(' ')}: ${String(last)}`);
}

async function ask(port: number, command: string[]): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(command[0]!, ...command.slice(1)));
  } finally {
    client.disconnect();
  }
}

/** CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
function parseNodes(text: string): ClusterNode[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.split(' ');
      const port = Number(/:(\d+)@/.exec(fields[1]!)![1]);
      const flags = fields[2]!.split(',');
      const slots = fields
        .slice(8)
        .filter((s) => !s.startsWith('['))
        .map((s) => {
          const [a, b] = s.split('-').map(Number);
          return [a!, b ?? a!] as const;
        });
      return { port, role: flags.includes('master') ? 'master' : 'replica', slots, failed: flags.includes('fail') || flags.includes('fail?') } as ClusterNode;
    });
}

/** Whether the masters among `live` ports (the others were killed, whether the cluster knows yet or not) serve every slot. */
function coversEverySlot(nodes: ClusterNode[], live: readonly number[]): boolean {
  let covered = 0;
  for (const n of nodes) if (n.role === 'master' && !n.failed && live.includes(n.port)) for (const [a, b] of n.slots) covered += b - a + 1;
  return covered === 16384;
}

/**
 * Whether every live node is in the view and has its final role: a replica, or a master that serves
 * slots. Right after `--cluster create` (or a restart) a node still shows as a master without slots
 * until CLUSTER REPLICATE has spread by gossip, which on a loaded machine takes a while; a test that
 * reads the masters then would count one that can own nothing.
 */
function rolesSettled(nodes: ClusterNode[], live: readonly number[]): boolean {
  return live.every((port) => nodes.some((n) => n.port === port && !n.failed && (n.role === 'replica' || n.slots.length > 0)));
}
