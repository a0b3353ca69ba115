/**
 * Cross-process broadcast through Redis: one RedisLayer publishes to a group whose member lives on
 * another RedisLayer (own connections, as another process would have), against a hand-written
 * pub/sub relay on the same client (ioredis, same options): PUBLISH the frame, deliver it on
 * 'message'; and the same relay writing the publishes of one tick in one write, as the layer does (like
 * for like). Throughput with 256 broadcasts in flight; latency one at a time (send the next when
 * the previous arrived). Both ends run in this process; rounds are interleaved, medians. The CPU
 * time of this process per broadcast is shown too: on a busy machine it varies far less than rates.
 */
import { Redis } from 'ioredis';
import { RedisLayer, type LayerMember } from '../dist/runtime/index.js';
import { nextMemberId } from '../dist/runtime/layers/member-id.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { median, percentile, type Row } from './stats.js';

interface Pipe {
  send(frame: string): void;
  /** Called with each frame as it arrives at the far end. */
  onArrive: (frame: string) => void;
  close(): Promise<void>;
}

const CLIENT_OPTIONS = { enableOfflineQueue: false, maxRetriesPerRequest: 0 } as const;

async function layerPipe(url: string): Promise<Pipe> {
  const quiet = { error: (m: string) => console.error(m) };
  const from = new RedisLayer({ url, prefix: 'bench:', logger: quiet });
  const to = new RedisLayer({ url, prefix: 'bench:', logger: quiet });
  await Promise.all([from.ready(), to.ready()]);
  const pipe: Pipe = {
    send: (frame) => from.sendToGroups(['g'], frame),
    onArrive: () => undefined,
    close: async () => {
      await Promise.all([from.close(), to.close()]);
    },
  };
  const member: LayerMember = { id: nextMemberId(), deliver: (frame) => pipe.onArrive(frame) };
  to.attach(member);
  to.join('g', member);
  const probe = new Redis(url, CLIENT_OPTIONS);
  await subscribed(probe, 'bench:g:g');
  probe.disconnect();
  return pipe;
}

/** `batched`: the publishes of one tick leave in one write (the socket corked until process.nextTick), as the layer's do. */
async function relayPipe(url: string, batched = false): Promise<Pipe> {
  const pub = new Redis(url, CLIENT_OPTIONS);
  const sub = new Redis(url, CLIENT_OPTIONS);
  await Promise.all([pub, sub].map((c) => new Promise((resolve) => c.once('ready', resolve))));
  const channel = batched ? 'relay-batched:g' : 'relay:g';
  let corked = false;
  const uncork = (): void => {
    corked = false;
    pub.stream.uncork();
  };
  await sub.subscribe(channel);
  const pipe: Pipe = {
    send: (frame) => {
      if (batched && !corked) {
        corked = true;
        pub.stream.cork();
        process.nextTick(uncork);
      }
      pub.publish(channel, frame).catch(() => undefined);
    },
    onArrive: () => undefined,
    close: async () => {
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
  sub.on('message', (_channel: string, frame: string) => pipe.onArrive(frame));
  return pipe;
}

async function subscribed(client: Redis, channel: string): Promise<void> {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  for (;;) {
    const [, n] = (await client.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(n) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const frameOf = (seq: number): string =>
  JSON.stringify({ action: 'said', payload: { text: 'a broadcast of typical size, with a few words in it', from: 'bench', seq } });
const seqOf = (frame: string): number => Number(/"seq":(\d+)/.exec(frame)![1]);

/** `count` broadcasts, at most `window` in flight; resolves with the rate (msg/s) and each one's latency. */
function drive(pipe: Pipe, count: number, window: number): Promise<{ rate: number; latencies: number[] }> {
  return new Promise((resolve) => {
    const sentAt = new Float64Array(count);
    const latencies: number[] = [];
    let sent = 0;
    const start = performance.now();
    const sendOne = (): void => {
      sentAt[sent] = performance.now();
      pipe.send(frameOf(sent));
      sent++;
    };
    pipe.onArrive = (frame) => {
      latencies.push(performance.now() - sentAt[seqOf(frame)]!);
      if (latencies.length === count) resolve({ rate: count / ((performance.now() - start) / 1000), latencies });
      else if (sent < count) sendOne();
    };
    while (sent < Math.min(window, count)) sendOne();
  });
}

export async function benchRedisBroadcast(rounds: number, count: number): Promise<Row[]> {
  const redis = await startRedis();
  const names = ['layer', 'relay', 'batched'] as const;
  type Name = (typeof names)[number];
  const results = Object.fromEntries(names.map((n) => [n, { rates: [] as number[], cpu: [] as number[], latencies: [] as number[] }])) as Record<
    Name,
    { rates: number[]; cpu: number[]; latencies: number[] }
  >;
  try {
    const pipes = { layer: await layerPipe(redis.url), relay: await relayPipe(redis.url), batched: await relayPipe(redis.url, true) };
    for (const name of names) await drive(pipes[name], 2000, 64); // warm up
    for (let r = 0; r < rounds; r++) {
      // Each round in another order, so that no variant always runs first.
      for (const name of names.map((_, i) => names[(i + r) % names.length]!)) {
        const cpu = process.cpuUsage();
        results[name].rates.push((await drive(pipes[name], count, 256)).rate);
        const used = process.cpuUsage(cpu);
        results[name].cpu.push((used.user + used.system) / count);
        results[name].latencies.push(...(await drive(pipes[name], Math.max(500, count / 10), 1)).latencies);
      }
    }
    await Promise.all(names.map((name) => pipes[name].close()));
  } finally {
    await redis.stop();
  }
  const rows: Row[] = [];
  const summary = {} as Record<Name, { rate: number; cpu: number; p50: number; p99: number }>;
  const labels: Record<Name, string> = {
    layer: 'RedisLayer (sendToGroups)',
    relay: 'hand-written pub/sub relay (ioredis)',
    batched: "hand-written pub/sub relay (ioredis), a tick's publishes in one write as the layer's",
  };
  for (const name of names) {
    const sorted = results[name].latencies.sort((a, b) => a - b);
    summary[name] = { rate: median(results[name].rates), cpu: median(results[name].cpu), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    rows.push({
      name: `redis broadcast: ${labels[name]}`,
      value: summary[name].rate,
      unit: 'msg/s',
      extra: `p50 ${summary[name].p50.toFixed(3)} ms, p99 ${summary[name].p99.toFixed(3)} ms one at a time; rate with 256 in flight, ${summary[name].cpu.toFixed(1)} µs CPU per broadcast (both ends)`,
    });
  }
  const ratio = summary.layer.rate / summary.relay.rate;
  const alike = summary.layer.rate / summary.batched.rate;
  const p99 = summary.layer.p99 / summary.relay.p99;
  rows.push({
    name: 'redis broadcast: layer / relay throughput',
    value: ratio,
    unit: 'x',
    extra: `${ratio.toFixed(3)}; goal >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'}`,
  });
  rows.push({
    name: "redis broadcast: layer / relay with a tick's publishes in one write, throughput (like for like)",
    value: alike,
    unit: 'x',
    extra: `${alike.toFixed(3)}`,
  });
  rows.push({
    name: 'redis broadcast: layer p99 / relay p99',
    value: p99,
    unit: 'x',
    extra: `${p99.toFixed(3)}; goal <= 1.5: ${p99 <= 1.5 ? 'met' : 'NOT met'}`,
  });
  return rows;
}
