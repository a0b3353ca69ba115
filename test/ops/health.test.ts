/**
 * Issue 24: /healthz and /readyz on the main port. Ready turns 503 as soon as shutdown begins
 * (the port stays open while connections finish) and while the Redis layer is cut off, and 200
 * again once Redis is back; the layer's metrics move meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChanxServer, mount, RedisLayer, serveFromEnv } from 'chanx-gen/runtime';
import { SystemConsumer } from '../../generated/system/consumer.js';
import { systemChannel } from '../../generated/system/router.js';
import type { SystemContext } from '../../generated/system/handlers.js';
import type * as M from '../../generated/system/messages.js';
import { FakeProcess } from '../helpers/fake-process.js';
import { redisRunnable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { connect } from '../helpers/ws-client.js';
import { gate, serve, until, WELCOME } from '../runtime/serve.js';
import { subscribers } from '../redis/wait.js';
import { metric, samples } from './scrape.js';

const probe = async (port: number | string, path: string): Promise<[number, string]> => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });
  return [res.status, await res.text()];
};

const held = gate();
let started = 0;
class Slow extends SystemConsumer {
  override async onUserMessage(message: M.UserMessage): Promise<M.SystemEchoMessage> {
    started++;
    await held.promise;
    return { action: 'system_echo', payload: { message: message.payload.message } };
  }
}

describe('probes', () => {
  it('live and ready while serving; ready 503 from the moment shutdown begins, while in-flight handlers finish', async () => {
    const s = await serve(Slow);
    const port = new URL(s.url).port;
    expect(await probe(port, '/healthz')).toEqual([200, 'ok\n']);
    expect(await probe(port, '/readyz')).toEqual([200, 'ready\n']);
    const c = await connect(s.url);
    expect(await c.next()).toBe(WELCOME);
    c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'in flight' } }));
    await until(() => started === 1);
    const closing = s.close();
    expect(await probe(port, '/readyz')).toEqual([503, 'shutting down\n']);
    expect(await probe(port, '/healthz')).toEqual([200, 'ok\n']);
    held.open();
    expect(await c.nextJson()).toMatchObject({ payload: { message: 'in flight' } });
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  });

  it('turns ready 503 within a second of SIGTERM under serveFromEnv', async () => {
    const hold = gate();
    let running = false;
    class Holding extends SystemConsumer {
      override async onUserMessage(): Promise<M.SystemEchoMessage> {
        running = true;
        await hold.promise;
        return { action: 'system_echo', payload: { message: 'done' } };
      }
    }
    const proc = new FakeProcess({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    await serveFromEnv((options) => createChanxServer([mount(systemChannel, Holding)], { ...options, shutdownTimeoutMs: 5000 }), proc, proc.out);
    const port = /127\.0\.0\.1:(\d+)/.exec(proc.logs[0]!)![1]!;
    const c = await connect(`ws://127.0.0.1:${port}/ws/system`);
    await c.next();
    c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'x' } }));
    await until(() => running);
    const exit = proc.nextExit();
    const t = performance.now();
    proc.signals.emit('SIGTERM');
    expect((await probe(port, '/readyz'))[0]).toBe(503);
    expect(performance.now() - t).toBeLessThan(1000);
    hold.open();
    expect(await exit).toBe(0);
  });
});

describe.skipIf(!redisRunnable)('the Redis layer: readiness and metrics', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('is not ready while Redis is down and ready again after; publishes, deliveries, lost sends and reconnects are counted', async () => {
    const layer = new RedisLayer({ url: redis.url, prefix: 'ops:', maxBackoffMs: 50, logger: { error: () => undefined } });
    const other = new RedisLayer({ url: redis.url, prefix: 'ops:', maxBackoffMs: 50, logger: { error: () => undefined } });
    class Joining extends SystemConsumer {
      override onConnect(ctx: SystemContext): void {
        ctx.join('room');
        super.onConnect(ctx);
      }
      override onUserMessage(message: M.UserMessage, ctx: SystemContext): M.SystemEchoMessage {
        ctx.broadcast({ action: 'system_echo', payload: { message: message.payload.message } });
        return { action: 'system_echo', payload: { message: 'sent' } };
      }
    }
    const s = await serve(Joining, { layer, metrics: true });
    const port = new URL(s.url).port;
    const scrape = async () => samples(await s.server.metrics!.text());
    try {
      await Promise.all([layer.ready(), other.ready()]);
      await until(() => s.server.health.ready);
      expect(await probe(port, '/readyz')).toEqual([200, 'ready\n']);
      const c = await connect(s.url);
      expect(await c.next()).toBe(WELCOME);
      await subscribers(redis.url, 'ops:g:room', 1);
      c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'to all' } }));
      await c.next();
      await c.next();
      // A send from another process arrives through Redis.
      other.sendToGroups(['room'], '{"action":"system_echo","payload":{"message":"from afar"}}');
      expect(await c.nextJson()).toEqual({ action: 'system_echo', payload: { message: 'from afar' } });
      let m = await scrape();
      expect(metric(m, 'chanx_layer_publishes_total')).toBe(1);
      expect(metric(m, 'chanx_layer_deliveries_total')).toBe(1);
      expect(metric(m, 'chanx_layer_up')).toBe(1);

      await redis.kill();
      await until(() => !s.server.health.ready, 5000, 'not ready');
      expect(await probe(port, '/readyz')).toEqual([503, 'layer disconnected\n']);
      expect(await probe(port, '/healthz')).toEqual([200, 'ok\n']);
      c.ws.send(JSON.stringify({ action: 'user_message', payload: { message: 'lost elsewhere' } }));
      await c.next();
      await c.next();
      m = await scrape();
      expect(metric(m, 'chanx_layer_up')).toBe(0);
      expect(metric(m, 'chanx_layer_lost_total')).toBe(1);

      await redis.restart();
      await until(() => s.server.health.ready, 10_000, 'ready again');
      expect(await probe(port, '/readyz')).toEqual([200, 'ready\n']);
      m = await scrape();
      expect(metric(m, 'chanx_layer_up')).toBe(1);
      expect(metric(m, 'chanx_layer_reconnects_total')).toBe(1);
      c.ws.close();
    } finally {
      await s.close();
      await Promise.all([layer.close(), other.close()]);
    }
  });
});
