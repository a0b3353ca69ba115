/**
 * npm run soak (not part of npm test): the Redis layer on a real 6-node Redis Cluster under steady
 * load with a master killed mid-way. 4 server processes (the scale-out test app on a RedisLayer with
 * sharded pub/sub), each with its clients in a process of its own, in groups of several sizes spread
 * over the servers and the shards; one speaker per group says something at a steady rate; the
 * master of the busiest shard is SIGKILLed half-way. Then the throughput of the layer against a
 * hand-written ioredis Cluster relay on the same cluster. Prints the figures as Markdown.
 *
 *   npm run soak -- [--clients 2500] [--seconds 240] [--rate 0.2]
 * (--clients per server, --seconds of broadcasting, --rate messages a second per speaker)
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { buildApp } from '../test/redis/app.js';
import { startCluster } from '../test/helpers/redis-cluster.js';
import { channelNames } from '../dist/runtime/layers/redis-channels.js';
import type { RedisLayerStats } from '../dist/runtime/index.js';
import { compareWithRelay } from './soak/relay.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const PER_SERVER = arg('clients', 2500);
const SECONDS = arg('seconds', 240);
const RATE = arg('rate', 0.2);
const SERVERS = 4;
const SIZES = [2, 8, 40, 200];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);

interface Sample {
  at: number;
  rss: number;
  stats: RedisLayerStats;
}

// The plan: each size class holds a quarter of the clients; a group's members go round the servers.
interface Group {
  name: string;
  size: number;
  /** Members per server. */
  members: number[];
}
const groups: Group[] = [];
const rooms: string[][] = Array.from({ length: SERVERS }, () => []);
const speakers: number[][] = Array.from({ length: SERVERS }, () => []);
const speakerGroup: Group[][] = Array.from({ length: SERVERS }, () => []);
for (const size of SIZES) {
  const count = Math.max(1, Math.floor((PER_SERVER * SERVERS) / SIZES.length / size));
  for (let r = 0; r < count; r++) {
    const group: Group = { name: `s${size}-${r}`, size, members: Array(SERVERS).fill(0) };
    groups.push(group);
    for (let j = 0; j < size; j++) {
      const server = (r + j) % SERVERS;
      if (j === 0) {
        speakers[server]!.push(rooms[server]!.length);
        speakerGroup[server]!.push(group);
      }
      rooms[server]!.push(group.name);
      group.members[server]!++;
    }
  }
}

log(`cluster: starting 3 masters + 3 replicas`);
const cluster = await startCluster();
const appDir = await buildApp();
const servers: { child: ChildProcess; port: number; samples: Sample[]; logs: string[] }[] = [];
for (let s = 0; s < SERVERS; s++) {
  const child = fork(path.join(ROOT, 'scripts/soak/server.ts'), [appDir], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, REDIS_CLUSTER_NODES: cluster.nodes },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const server = { child, port: 0, samples: [] as Sample[], logs: [] as string[] };
  await new Promise<void>((resolve) => {
    child.on('message', (m: { port: number; rss: number; stats: RedisLayerStats; logs: string[] }) => {
      server.port = m.port;
      server.samples.push({ at: Date.now(), rss: m.rss, stats: m.stats });
      server.logs.push(...m.logs);
      resolve();
    });
  });
  servers.push(server);
}
log(`servers on ports ${servers.map((s) => s.port).join(', ')}; connecting ${PER_SERVER * SERVERS} clients`);

interface ClientReport {
  frames: number;
  outOfOrder: number;
  gaps: [number, number, number][];
  sent: Record<string, number>;
  lastSeen: Record<string, number>;
}
const clientProcs = servers.map((server, s) =>
  spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts/soak/clients.mjs'),
      `ws://127.0.0.1:${server.port}`,
      JSON.stringify({ rooms: rooms[s], speakers: speakers[s], ratePerSpeaker: RATE }),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  ),
);
const nextMessage = <T>(child: ChildProcess, key: string): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m[key] as T);
    };
    child.on('message', on);
  });
await Promise.all(clientProcs.map((c) => nextMessage(c, 'ready')));

// The shard to kill: the master serving the most groups.
const names = channelNames('soak:', true);
const perMaster = new Map<number, number>();
for (const g of groups) {
  const port = await cluster.masterOf(await cluster.slotOf(names.group(`room:${g.name}`)));
  perMaster.set(port, (perMaster.get(port) ?? 0) + 1);
}
const victim = [...perMaster].sort((a, b) => b[1] - a[1])[0]![0];
log(`${groups.length} groups; their shards: ${[...perMaster.values()].join(' / ')}; broadcasting for ${SECONDS} s`);

await sleep(2000); // every subscription made
const startedAt = Date.now();
for (const c of clientProcs) c.send('start');
await sleep((SECONDS * 1000) / 2);
const killedAt = Date.now();
log(`killing master ${victim}`);
await cluster.kill(victim);
await sleep(startedAt + SECONDS * 1000 - Date.now());
for (const c of clientProcs) c.send('stop');
const stoppedAt = Date.now();
log('stopped; waiting for the quiet');
await sleep(5000);
const reports = await Promise.all(
  clientProcs.map((c) => {
    const report = nextMessage<ClientReport>(c, 'report');
    c.send('report');
    return report;
  }),
);
for (const c of clientProcs) c.send('exit');
await sleep(1500); // a last sample of every server
for (const s of servers) s.child.send('exit');
await Promise.all(servers.map((s) => new Promise((r) => s.child.once('exit', r))));

log('throughput against a hand-written ioredis Cluster relay');
await cluster.restart(victim);
await cluster.healthy();
const relay = await compareWithRelay(cluster.nodes);
await cluster.stop();

// Reconcile. Clients: every speaker's messages reach every member of its group (its own echo too).
let sentMessages = 0;
let expectedDeliveries = 0;
let expectedRemote = 0; // (message, other server with members) pairs: what the layers should receive
for (let s = 0; s < SERVERS; s++) {
  const report = reports[s]!;
  for (const [name, count] of Object.entries(report.sent)) {
    const group = speakerGroup[s]![speakers[s]!.indexOf(Number(name.split('-')[1]))]!; // names are <pid>-<client index>
    sentMessages += count;
    expectedDeliveries += count * group.size;
    expectedRemote += count * group.members.filter((n, server) => server !== s && n > 0).length;
  }
}
const delivered = reports.reduce((n, r) => n + r.frames, 0);
const outOfOrder = reports.reduce((n, r) => n + r.outOfOrder, 0);
const gaps = reports.flatMap((r) => r.gaps);
const windowEnd = killedAt + 10_000;
// A gap lies between the send times of the messages around it: it belongs to the failover when that span meets the window.
const inWindow = (g: [number, number, number]) => g[2] >= killedAt - 1000 && g[1] <= windowEnd;
const missingInWindow = gaps.filter(inWindow).reduce((n, g) => n + g[0], 0);
const missingOutside = gaps.filter((g) => !inWindow(g)).reduce((n, g) => n + g[0], 0);
// Resumed: the end of the last second in which some server's lost count still grew (servers report every second).
const lostAt = servers.flatMap((s) => s.samples.filter((x, i) => i > 0 && x.at > killedAt && x.stats.lost > s.samples[i - 1]!.stats.lost).map((x) => x.at));
const resumeMs = Math.max(0, ...lostAt.map((at) => at - killedAt));
const last = servers.map((s) => s.samples.at(-1)!.stats);
const sum = (key: keyof RedisLayerStats) => last.reduce((n, st) => n + st[key], 0);
const rssWindow = (s: (typeof servers)[number], from: number, to: number) => {
  const xs = s.samples.filter((x) => x.at >= from && x.at <= to).map((x) => x.rss);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
};
const MiB = 2 ** 20;
const minute = Math.min(60_000, (SECONDS * 1000) / 3);
const rss = servers.map((s) => ({ first: rssWindow(s, startedAt, startedAt + minute), last: rssWindow(s, stoppedAt - minute, stoppedAt) }));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Command: \`npm run soak -- --clients ${PER_SERVER} --seconds ${SECONDS} --rate ${RATE}\` on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Redis ${'7.0'} cluster of 3 masters + 3 replicas (cluster-node-timeout 1000 ms) on loopback.`,
  `${SERVERS} server processes x ${PER_SERVER} clients; ${groups.length} groups of sizes ${SIZES.join(', ')} (each size a quarter of the clients, members spread over the servers), one speaker per group at ${RATE}/s; groups per shard ${[...perMaster.values()].join(' / ')}; the master with the most groups SIGKILLed at ${Math.round((killedAt - startedAt) / 1000)} s of ${SECONDS} s.`,
  '',
  '| what | figure |',
  '| --- | --- |',
  `| messages said (broadcasts) | ${fmt(sentMessages)} |`,
  `| deliveries expected (each member of the group, sender included) | ${fmt(expectedDeliveries)} |`,
  `| deliveries received by clients | ${fmt(delivered)} (${fmt(expectedDeliveries - delivered)} missing) |`,
  `| missing inside the failover window (kill - 1 s .. kill + 10 s) | ${fmt(missingInWindow)} deliveries |`,
  `| missing outside the failover window | ${fmt(missingOutside)} |`,
  `| out of order or twice, at clients | ${fmt(outOfOrder)} |`,
  `| time to resume after the kill (last 1-s sample in which a server's lost count grew) | <= ${fmt(resumeMs)} ms |`,
  `| layers: published / lost at send | ${fmt(sum('published'))} / ${fmt(sum('lost'))} |`,
  `| layers: received + missed = expected from other processes | ${fmt(sum('received'))} + ${fmt(sum('missed'))} = ${fmt(sum('received') + sum('missed'))} (expected ${fmt(expectedRemote)}) |`,
  `| layers: dropped (duplicates, late retries) | ${fmt(sum('dropped'))} |`,
  ...rss.map(
    (r, i) =>
      `| RSS server ${i + 1}: first vs last ${Math.round(minute / 1000)} s | ${(r.first / MiB).toFixed(1)} MiB -> ${(r.last / MiB).toFixed(1)} MiB (${(((r.last - r.first) / r.first) * 100).toFixed(1)}%) |`,
  ),
  `| throughput, RedisLayer on the cluster (256 in flight, 30 groups) | ${fmt(relay.layer)} msg/s |`,
  `| throughput, hand-written ioredis Cluster SPUBLISH/SSUBSCRIBE relay | ${fmt(relay.relay)} msg/s (layer/relay ${(relay.layer / relay.relay).toFixed(3)} x) |`,
];
console.log(lines.join('\n'));
const layerLogs = servers.flatMap((s, i) => s.logs.map((l) => `server ${i + 1}: ${l}`));
console.log(`\nLayer logs (${layerLogs.length}):\n${layerLogs.slice(0, 40).join('\n')}`);
process.exit(0);
