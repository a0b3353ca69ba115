/**
 * Router throughput, in process: the generated router through the runtime's real hot path
 * (dispatchFrame) vs a hand-written router (JSON.parse, a switch on action, the same precompiled
 * validators, JSON.stringify) vs a naive one (ajv.compile at start-up, every schema tried in turn).
 * Run in a process started with --expose-gc and a large young generation so that heap growth over
 * a batch is what the batch allocated.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { dispatchFrame, type ChannelDefinition, type ConnectionContext } from 'chanx-gen/runtime';
import { systemChannel } from '../generated/system/router.js';
import { SystemConsumer } from '../generated/system/consumer.js';
import { validatePingMessage, validateUserMessage } from '../generated/system/validators.js';
import { median, type Row } from './stats.js';

const FRAMES = Array.from({ length: 1024 }, (_, i) =>
  i % 4 === 0 ? '{"action":"ping"}' : JSON.stringify({ action: 'user_message', payload: { message: `hello ${i}` } }),
);
const echo = (text: string) => ({ action: 'system_echo', payload: { message: `🔧 System Echo: ${text}` } });

type Handle = (frame: string) => string | undefined;

function generated(): Handle {
  // As the server has them: a consumer and a context per connection, made once, not per frame.
  const consumer = new SystemConsumer();
  const ctx = {} as ConnectionContext<unknown, unknown>;
  const channel = systemChannel as ChannelDefinition<unknown, unknown, unknown>;
  const report = () => undefined;
  return (frame) => dispatchFrame(frame, channel, consumer, ctx, report) as string | undefined;
}

function handWritten(): Handle {
  return (frame) => {
    const msg = JSON.parse(frame);
    switch (msg.action) {
      case 'ping':
        return validatePingMessage(msg)
          ? JSON.stringify({ action: 'pong', payload: null })
          : JSON.stringify({ action: 'error', payload: validatePingMessage.errors });
      case 'user_message':
        return validateUserMessage(msg) ? JSON.stringify(echo(msg.payload.message)) : JSON.stringify({ action: 'error', payload: validateUserMessage.errors });
      default:
        return JSON.stringify({ action: 'error', payload: [{ type: 'union_tag_invalid' }] });
    }
  };
}

function naive(): Handle {
  const doc = parseYaml(readFileSync(new URL('../specs/system.yaml', import.meta.url), 'utf8'));
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  const byRef = (name: string) => ajv.compile({ $ref: `#/components/schemas/${name}` });
  const candidates: [ReturnType<typeof byRef>, (m: any) => unknown][] = [
    [byRef('PingMessage'), () => ({ action: 'pong', payload: null })],
    [byRef('UserMessage'), (m) => echo(m.payload.message)],
  ];
  return (frame) => {
    const msg = JSON.parse(frame);
    for (const [validate, handler] of candidates) if (validate(msg)) return JSON.stringify(handler(msg));
    return JSON.stringify({ action: 'error' });
  };
}

function run(handle: Handle, n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) sink += handle(FRAMES[i & 1023]!)?.length ?? 0;
  return sink;
}

/** Messages per second (median of `rounds`, variants interleaved) and bytes allocated per message. */
export function benchRouters(rounds = 7, n = 200_000): Row[] {
  const variants: [string, Handle][] = [
    ['router: generated (dispatchFrame)', generated()],
    ['router: hand-written', handWritten()],
    ['router: naive (compile + trial)', naive()],
  ];
  for (const [, h] of variants) run(h, 50_000); // warm up the JIT
  const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, h] of variants) {
      const start = process.hrtime.bigint();
      run(h, n);
      rates.get(name)!.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  return variants.map(([name, h]) => {
    let bytes: number | undefined;
    if (gc !== undefined) {
      const m = 20_000;
      gc();
      const before = process.memoryUsage().heapUsed;
      run(h, m);
      bytes = (process.memoryUsage().heapUsed - before) / m;
    }
    return { name, value: median(rates.get(name)!), unit: 'msg/s', extra: bytes === undefined ? '' : `${bytes.toFixed(0)} B allocated/msg` };
  });
}
