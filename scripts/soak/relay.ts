/**
 * Cross-process throughput on the cluster: a RedisLayer publishing to a group whose member sits on a
 * second RedisLayer (own connections, as another process would have), against a hand-written relay
 * on ioredis's Cluster with sharded pub/sub (SPUBLISH the frame, deliver on 'smessage'), both over the
 * same cluster and the same spread of groups. `inFlight` broadcasts at a time, rounds interleaved.
 */
import { Cluster } from 'ioredis';
import { RedisLayer, type LayerMember } from '../../dist/runtime/index.js';
import { nextMemberId } from '../../dist/runtime/layers/member-id.js';

interface Pipe {
  send(group: string, frame: string): void;
  onArrive: () => void;
  close(): Promise<void>;
}

const GROUPS = Array.from({ length: 30 }, (_, i) => `relay-g${i}`);

async function layerPipe(nodes: string): Promise<Pipe> {
  const quiet = { error: (m: string) => console.error(m) };
  const [from, to] = [
    new RedisLayer({ clusterNodes: nodes, prefix: 'rl:', logger: quiet }),
    new RedisLayer({ clusterNodes: nodes, prefix: 'rl:', logger: quiet }),
  ];
  const pipe: Pipe = {
    send: (group, frame) => from.sendToGroups([group], frame),
    onArrive: () => undefined,
    close: async () => void (await Promise.all([from.close(), to.close()])),
  };
  const member: LayerMember = { id: nextMemberId(), deliver: () => pipe.onArrive() };
  to.attach(member);
  for (const g of GROUPS) to.join(g, member);
  await Promise.all([from.ready(), to.ready()]);
  return pipe;
}

async function relayPipe(nodes: string): Promise<Pipe> {
  const startup = nodes.split(',').map((hp) => ({ host: hp.split(':')[0]!, port: Number(hp.split(':')[1]) }));
  const options = { shardedSubscribers: true, enableOfflineQueue: false };
  const [pub, sub] = [new Cluster(startup, options), new Cluster(startup, options)];
  await Promise.all([pub, sub].map((c) => new Promise((resolve) => c.once('ready', resolve))));
  // Warm, as the layer does: ioredis reorders commands sent while a node connection opens.
  await Promise.all(pub.nodes('master').map((n) => n.ping()));
  for (const g of GROUPS) await sub.ssubscribe(`relay:${g}`);
  const pipe: Pipe = {
    send: (group, frame) => void pub.spublish(`relay:${group}`, frame).catch(() => undefined),
    onArrive: () => undefined,
    close: async () => {
      pub.disconnect();
      sub.disconnect();
    },
  };
  sub.on('smessage', () => pipe.onArrive());
  return pipe;
}

/** Messages per second through `pipe`, `count` of them, `inFlight` at a time. */
async function rate(pipe: Pipe, count: number, inFlight: number): Promise<number> {
  let sent = 0;
  let arrived = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    pipe.onArrive = () => {
      arrived++;
      if (arrived === count) resolve();
      else if (sent < count) pipe.send(GROUPS[sent % GROUPS.length]!, `frame ${sent++}`);
    };
    while (sent < Math.min(inFlight, count)) pipe.send(GROUPS[sent % GROUPS.length]!, `frame ${sent++}`);
  });
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

export async function compareWithRelay(nodes: string, count = 20_000, rounds = 5): Promise<{ layer: number; relay: number }> {
  const [layer, relay] = [await layerPipe(nodes), await relayPipe(nodes)];
  const rates: { layer: number[]; relay: number[] } = { layer: [], relay: [] };
  try {
    await rate(layer, 2000, 256); // warm-up
    await rate(relay, 2000, 256);
    for (let r = 0; r < rounds; r++) {
      rates.layer.push(await rate(layer, count, 256));
      rates.relay.push(await rate(relay, count, 256));
    }
  } finally {
    await Promise.all([layer.close(), relay.close()]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { layer: median(rates.layer), relay: median(rates.relay) };
}
