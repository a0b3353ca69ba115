/**
 * The per-frame cost of watching (issue 24), in process: the same frames through dispatchFrame
 * alone (nothing watching, and what a connection does with logs at info and metrics off), and
 * through the watch with metrics on. `npm run build && npx tsx bench/ops-hot-path.ts` (the runtime from
 * dist/, as tsc builds it: under tsx every closure pays for esbuild's keepNames).
 */
import { dispatchFrame } from '../dist/runtime/channel/dispatch.js';
import { ChannelWatch } from '../dist/runtime/ops/channel-watch.js';
import { ChanxMetrics } from '../dist/runtime/ops/metrics.js';
import { guardLogger } from '../dist/runtime/support/logger.js';
import { systemChannel } from '../generated/system/router.js';
import { SystemConsumer } from '../generated/system/consumer.js';
import type { ChannelDefinition, ConnectionContext } from '../dist/runtime/channel/definition.js';
import { median } from './stats.js';

const channel = systemChannel as unknown as ChannelDefinition<unknown, unknown, unknown>;
const handlers = new SystemConsumer();
const ctx = { id: 'x', send() {}, broadcast() {}, join() {}, leave() {}, close() {} } as unknown as ConnectionContext<unknown, unknown>;
const report = () => undefined;
const frames = Array.from({ length: 1000 }, (_, i) =>
  i % 4 === 0 ? '{"action":"ping"}' : JSON.stringify({ action: 'user_message', payload: { message: `hello ${i}` } }),
);
const N = 200_000;
let sink = 0;

function plain(): number {
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const out = dispatchFrame(frames[i % 1000]!, channel, handlers, ctx, report);
    sink += typeof out === 'string' ? out.length : 0;
  }
  return N / ((performance.now() - t) / 1000);
}

function watched(watch: ChannelWatch): () => number {
  return () => {
    const t = performance.now();
    for (let i = 0; i < N; i++) {
      const text = frames[i % 1000]!;
      const seen = watch.perFrame ? watch.begin() : undefined;
      const out = dispatchFrame(text, seen === undefined ? channel : watch.channel, handlers, ctx, report);
      sink += typeof out === 'string' ? out.length : 0;
      if (seen !== undefined) watch.end(seen, 'x', out, text);
      if (watch.tally !== undefined) watch.tally.sent++;
    }
    return N / ((performance.now() - t) / 1000);
  };
}

const info = guardLogger({ error() {}, info() {}, debug() {}, child() {}, isLevelEnabled: (l: string) => l !== 'debug' });
const variants: [string, () => number][] = [
  ['dispatchFrame alone', plain],
  ['logs at info, metrics off (watch without per-frame work)', watched(new ChannelWatch(channel, { log: info }))],
  ['logs at info, metrics on', watched(new ChannelWatch(channel, { log: info, metrics: new ChanxMetrics({ defaultMetrics: false }) }))],
];
const results = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < 7; round++) for (const [name, run] of variants) results.get(name)!.push(run());
const base = median(results.get('dispatchFrame alone')!);
for (const [name, rates] of results)
  console.log(`| ${name} | ${Math.round(median(rates)).toLocaleString('en-US')} frames/s | ${(median(rates) / base).toFixed(2)}x |`);
if (sink < 0) console.log(sink);
